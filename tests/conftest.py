"""Test session infrastructure: real PostgreSQL and Valkey, started once per session.

Each test gets a fresh database (so schemas and migrations start from empty) and
a flushed Redis database number of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
import redis.asyncio as aioredis

from services.common.embedded import EmbeddedPostgres, EmbeddedValkey
from services.common.runtime import RunningService, ServiceSpec, start_service
from services.common.settings import Settings


@pytest.fixture(scope="session")
def server_dir() -> Iterator[Path]:
    """A directory for the session's servers, outside pytest's tmp_path rotation (which
    deletes older runs' directories, and with them a concurrent run's live database)."""
    path = Path(tempfile.mkdtemp(prefix="jobmesh-test-servers-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(server_dir: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(server_dir / "pg" / "data", durable=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def valkey(server_dir: Path) -> Iterator[EmbeddedValkey]:
    server = EmbeddedValkey(server_dir / "valkey")
    server.start()
    yield server
    server.stop()


@contextlib.asynccontextmanager
async def fresh_database(postgres: EmbeddedPostgres) -> AsyncIterator[str]:
    """An empty database of the session's PostgreSQL, dropped (connections and all) afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres.url)
    try:
        await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()
    try:
        yield postgres.url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(postgres.url)
        try:
            await admin.execute(f'drop database if exists "{name}" with (force)')
        finally:
            await admin.close()


@pytest.fixture
async def database_url(postgres: EmbeddedPostgres) -> AsyncIterator[str]:
    """A fresh, empty database for one test."""
    async with fresh_database(postgres) as url:
        yield url


_redis_dbs = itertools.cycle(range(1, 16))


@pytest.fixture
async def redis_url(valkey: EmbeddedValkey) -> AsyncIterator[str]:
    """A flushed Redis database number for one test."""
    url = valkey.url.rsplit("/", 1)[0] + f"/{next(_redis_dbs)}"
    client = aioredis.from_url(url)
    await client.flushdb()
    await client.aclose()
    yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str) -> Settings:
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        redis_url=redis_url,
        master_key=secrets.token_hex(32),
        profile_port=0,
        job_port=0,
        application_port=0,
        automation_port=0,
        log_json=False,
    )


StartServices = Callable[..., Awaitable[dict[str, RunningService]]]


@pytest.fixture
async def start_services(settings: Settings) -> AsyncIterator[StartServices]:
    """Starts services on port 0, in the order given, each told where the earlier ones listen.

    Returns the running services by name; `running["settings"]`-style access is not
    needed: use `running[name].port`. Everything is stopped after the test.
    """
    started: list[RunningService] = []

    async def start(*specs: tuple[str, ServiceSpec]) -> dict[str, RunningService]:
        nonlocal settings
        running: dict[str, RunningService] = {}
        for name, spec in specs:
            service = await start_service(spec, settings, port=0)
            started.append(service)
            running[name] = service
            settings = settings.with_(**{f"{name}_port": service.port})
        return running

    yield start
    await asyncio.gather(*(s.stop(grace=None) for s in reversed(started)), return_exceptions=True)
