"""`jobmesh migrate`: every present service's migrations against the configured database.

With no JOBMESH_DATABASE_URL it uses the embedded PostgreSQL in JOBMESH_HOME: the running one of a
`jobmesh run` if its port answers, else one started for the duration. Must not start services.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AsyncExitStack

from services.common.db import create_engine, wait_for_database
from services.common.migrations import current_revision, migrate
from services.common.runtime import ServiceSpec
from services.common.settings import Settings
from services.launcher.backing import embedded_postgres_url, port_in_use, start_postgres
from services.launcher.plan import present_services


def service_specs() -> list[ServiceSpec]:
    """The SPEC of every service whose package exists."""
    specs = []
    for name in present_services():
        spec = getattr(importlib.import_module(f"services.{name}.__main__"), "SPEC", None)
        if isinstance(spec, ServiceSpec):
            specs.append(spec)
    return specs


async def migrate_all(settings: Settings, say: Callable[[str], None]) -> list[tuple[str, str | None]]:
    """Upgrades every service schema to its newest revision; returns (schema, revision) pairs."""
    async with AsyncExitStack() as stack:
        if settings.database_url is None:
            if port_in_use(settings.postgres_port):
                settings = settings.with_(database_url=embedded_postgres_url(settings))
            else:
                settings = await start_postgres(settings, stack, say)
        assert settings.database_url is not None
        engine = create_engine(settings.database_url, pool_size=1, application_name="jobmesh-migrate")
        stack.push_async_callback(engine.dispose)
        await wait_for_database(engine)
        done = []
        for spec in service_specs():
            await migrate(engine, spec.migrations, spec.schema)
            revision = await current_revision(engine, spec.migrations, spec.schema)
            say(f"{spec.schema}: at {revision}")
            done.append((spec.schema, revision))
        return done
