"""Cross-cutting code shared by every service: settings, database, server bootstrap,
auth, errors, telemetry. Nothing here knows about a particular service's domain."""
