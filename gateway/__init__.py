"""jobmesh's REST ⇄ gRPC gateway, driven by the google.api.http annotations of the descriptor set."""
