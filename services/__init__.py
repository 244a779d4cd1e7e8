"""jobmesh services: one package per gRPC service, cross-cutting code in `common`."""
