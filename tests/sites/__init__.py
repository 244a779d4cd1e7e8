"""Local stand-ins for the external sites jobmesh talks to, served on loopback in tests."""
