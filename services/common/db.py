"""The database engine and sessions: SQLAlchemy 2 async over asyncpg.

Each service owns one PostgreSQL schema; this module only builds engines and
sessions and waits for the server, it knows no tables.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from services.common.errors import Unavailable


def async_url(url: str) -> str:
    """`postgresql://…` (any driver) → the asyncpg dialect SQLAlchemy needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("JOBMESH_DATABASE_URL must be a PostgreSQL URL")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def create_engine(url: str, *, pool_size: int = 10, application_name: str = "jobmesh") -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": application_name}, "timeout": 10},
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def wait_for_database(engine: AsyncEngine, within: float = 30.0) -> None:
    """Returns once the database answers; UNAVAILABLE after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
            return
        except Exception as exc:  # asyncpg and the OS raise many kinds while the server starts
            if time.monotonic() > deadline:
                raise Unavailable(f"database unreachable: {type(exc).__name__}") from exc
            await asyncio.sleep(0.25)
