"""Unit tests of the REST gateway: routing, transcoding, errors, OpenAPI."""
