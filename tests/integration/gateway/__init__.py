"""The REST gateway against real gRPC servers and a real uvicorn."""
