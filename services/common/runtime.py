"""Service bootstrap: from settings to a SERVING gRPC server, the same for every service.

`start_service` builds everything a service needs (database engine, migrations,
tokens, channels to other services), binds the server (port 0 in tests) and
reports SERVING only once the database is reachable and migrated. `run_service`
is what `python -m services.<name>` calls: it adds logging, tracing and metrics
and stops gracefully on SIGTERM.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.common.clients import Channels
from services.common.db import create_engine, session_factory, wait_for_database
from services.common.edge import EdgeInterceptor
from services.common.keys import load_master_key
from services.common.logs import configure_logging
from services.common.metrics import RpcMetrics
from services.common.migrations import migrate
from services.common.pagination import PageTokens
from services.common.revocations import EndedSessions
from services.common.server import Health, create_server, serve
from services.common.settings import Settings, SettingsError
from services.common.telemetry import configure_tracing
from services.common.tokens import TokenService

log = logging.getLogger("jobmesh.runtime")


@dataclass
class Resources:
    """What a service's servicers are built from; closed when the service stops."""

    settings: Settings
    master_key: bytes
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    channels: Channels
    tokens: TokenService
    page_tokens: PageTokens
    ended_sessions: EndedSessions | None = None  # None without Redis: tokens then end at expiry only
    on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def close(self) -> None:
        for closer in reversed(self.on_close):
            await closer()
        await self.channels.close()
        await self.engine.dispose()


Registrar = Callable[[grpc.aio.Server], None]


@dataclass(frozen=True)
class ServiceSpec:
    """How to build one service: its schema, migrations, gRPC names and servicers."""

    name: str
    schema: str
    migrations: Path
    service_names: tuple[str, ...]
    build: Callable[[Resources], Awaitable[Registrar]]
    public_methods: frozenset[str] = frozenset()


@dataclass
class RunningService:
    server: grpc.aio.Server
    port: int
    health: Health
    resources: Resources
    metrics: RpcMetrics

    async def stop(self, grace: float | None = 5.0) -> None:
        await self.health.set_serving(False)
        await self.server.stop(grace)
        await self.resources.close()


async def build_resources(settings: Settings, schema: str) -> Resources:
    if not settings.database_url:
        raise SettingsError("JOBMESH_DATABASE_URL is not set (`jobmesh run` starts an embedded PostgreSQL)")
    master_key = load_master_key(settings)
    engine = create_engine(settings.database_url, application_name=f"jobmesh-{schema}")
    return Resources(
        settings=settings,
        master_key=master_key,
        engine=engine,
        sessions=session_factory(engine),
        channels=Channels(settings),
        tokens=TokenService(
            master_key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        ),
        page_tokens=PageTokens(master_key),
    )


async def start_service(spec: ServiceSpec, settings: Settings, *, port: int | None = None) -> RunningService:
    """Builds, migrates, binds and starts a service; returns once it is SERVING."""
    resources = await build_resources(settings, spec.schema)
    try:
        if settings.redis_url:
            # Only servers check tokens: workers and tools that build resources do not follow the feed.
            ended = EndedSessions(settings.redis_url, settings.access_token_ttl_seconds)
            resources.on_close.append(ended.close)
            await ended.start()
            resources.ended_sessions = ended
        await wait_for_database(resources.engine)
        await migrate(resources.engine, spec.migrations, spec.schema)
        register = await spec.build(resources)
        metrics = RpcMetrics()
        interceptors = [
            aio_server_interceptor(),  # type: ignore[no-untyped-call]
            EdgeInterceptor(resources.tokens, spec.public_methods, metrics, resources.ended_sessions),
        ]
        server, bound, health = create_server(
            register,
            spec.service_names,
            host=settings.bind_host,
            port=settings.service_port(spec.name) if port is None else port,
            interceptors=interceptors,
        )
        await server.start()
    except BaseException:
        await resources.close()
        raise
    await health.set_serving(True)
    return RunningService(server, bound, health, resources, metrics)


async def run_service(spec: ServiceSpec, settings: Settings | None = None) -> None:
    """The whole life of a service process."""
    settings = settings or Settings.from_env()
    configure_logging(spec.name, level=settings.log_level, json_format=settings.log_json)
    configure_tracing(spec.name, settings.otlp_endpoint)
    running = await start_service(spec, settings)
    metrics_port = running.metrics.serve(settings.bind_host, settings.metrics_port_for(spec.name))
    log.info(
        "serving",
        extra={"service": spec.name, "grpc_port": running.port, "metrics_port": metrics_port},
    )
    try:
        await serve(running.server)
    finally:
        await running.resources.close()


def main(spec: ServiceSpec) -> None:
    """The body of every `python -m services.<name>`: run the service on uvloop."""
    import uvloop

    uvloop.run(run_service(spec))
