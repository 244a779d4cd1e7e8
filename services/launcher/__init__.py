"""The one-machine launcher: supervises every jobmesh process and renders Envoy's config."""
