"""PostgreSQL and Redis for one machine: the configured ones, or embedded ones in JOBMESH_HOME.

Starts an embedded server only when its URL setting is unset, on the fixed port from settings, and
registers its stop on the caller's exit stack. Must not run migrations or services.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from contextlib import AsyncExitStack
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url

from services.common.embedded import EmbeddedPostgres, EmbeddedValkey
from services.common.settings import Settings, SettingsError


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def embedded_postgres_url(settings: Settings) -> str:
    """The URL of the embedded PostgreSQL `jobmesh run` starts (whether or not it is running)."""
    return EmbeddedPostgres(settings.home / "postgres", port=settings.postgres_port).url


async def _start(server: EmbeddedPostgres | EmbeddedValkey, setting: str, port: int) -> str:
    if port_in_use(port):
        raise SettingsError(
            f"port {port} is taken (another `jobmesh run`?); set {setting} or stop what listens there"
        )
    return await asyncio.to_thread(server.start)


async def start_postgres(settings: Settings, stack: AsyncExitStack, say: Callable[[str], None]) -> Settings:
    """Settings with a database URL, starting the embedded PostgreSQL when none is configured."""
    if settings.database_url is not None:
        return settings
    postgres = EmbeddedPostgres(settings.home / "postgres", port=settings.postgres_port)
    say(f"starting embedded PostgreSQL on 127.0.0.1:{postgres.port} (log: {postgres.log_path})")
    url = await _start(postgres, "JOBMESH_POSTGRES_PORT", postgres.port)
    stack.push_async_callback(asyncio.to_thread, postgres.stop)
    return settings.with_(database_url=url)


async def start_valkey(settings: Settings, stack: AsyncExitStack, say: Callable[[str], None]) -> Settings:
    """Settings with a Redis URL, starting the embedded Valkey when none is configured."""
    if settings.redis_url is not None:
        return settings
    valkey = EmbeddedValkey(settings.home / "valkey", port=settings.valkey_port)
    say(f"starting embedded Valkey on 127.0.0.1:{valkey.port} (log: {valkey.log_path})")
    url = await _start(valkey, "JOBMESH_VALKEY_PORT", valkey.port)
    stack.push_async_callback(asyncio.to_thread, valkey.stop)
    return settings.with_(redis_url=url)


def without_password(url: str) -> str:
    """A database or Redis URL safe to print."""
    if url.startswith("postgres"):
        return make_url(url).set(password=None).render_as_string(hide_password=False)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}@" if parts.username else ""
    host = parts.hostname or ""
    netloc = f"{user}{host}:{parts.port}" if parts.port else f"{user}{host}"
    return urlunsplit(parts._replace(netloc=netloc))
