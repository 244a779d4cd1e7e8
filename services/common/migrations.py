"""Alembic migrations, one history per service schema, applied under an advisory lock.

A service calls `migrate` at start-up (before it reports SERVING); several replicas
starting at once serialise on the lock and all but the first find nothing to do.
Each service's `migrations/env.py` calls `run_env`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def _config(script_location: Path, schema: str, connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    cfg.attributes["schema"] = schema
    return cfg


async def migrate(engine: AsyncEngine, script_location: Path, schema: str) -> None:
    """Creates the schema if needed and upgrades it to the newest revision."""

    def upgrade(connection: Connection) -> None:
        command.upgrade(_config(script_location, schema, connection), "head")

    async with engine.begin() as conn:
        await conn.execute(text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": f"migrate:{schema}"})
        await conn.execute(text(f'create schema if not exists "{schema}"'))
        await conn.run_sync(upgrade)


async def current_revision(engine: AsyncEngine, script_location: Path, schema: str) -> str | None:
    """The revision the schema is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        ctx = MigrationContext.configure(connection, opts={"version_table_schema": schema})
        return ctx.get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)


def run_env(context: Any, metadata: MetaData) -> None:
    """The body of every service's alembic env.py."""
    config = context.config
    schema = config.attributes["schema"]
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=lambda name, type_, parent: type_ != "schema" or name == schema,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
