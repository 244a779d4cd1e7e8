"""Where the `automation` schema's migrations live (shared by the service and the workers)."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"
