"""End-to-end tests: real Chromium driving the pages jobmesh serves."""
