"""gRPC server bootstrap shared by every service: health, reflection, limits, interceptors.

`create_server` builds and binds a server (port 0 for tests) without starting it;
`serve` starts it and stops it gracefully on SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.descriptors import mesh_service_names

log = logging.getLogger("jobmesh.server")

MAX_RECEIVE_BYTES = 16 * 1024 * 1024
MAX_SEND_BYTES = 16 * 1024 * 1024
SERVER_OPTIONS: list[tuple[str, int]] = [
    ("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
    ("grpc.max_send_message_length", MAX_SEND_BYTES),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.http2.max_pings_without_data", 0),
]

Registrar = Callable[[grpc.aio.Server], None]


class Health:
    """The server's health service; SERVING is set only once the service is ready."""

    def __init__(self, service_names: Sequence[str]):
        self.servicer = health.aio.HealthServicer()
        self.service_names = list(service_names)

    async def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ["", *self.service_names]:
            await self.servicer.set(name, status)


def create_server(
    register: Registrar,
    service_names: Sequence[str],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
) -> tuple[grpc.aio.Server, int, Health]:
    """Builds a bound, not yet started server hosting `register`'s services plus
    health and reflection. Returns the server, the bound port and its health."""
    server = grpc.aio.server(interceptors=list(interceptors), options=SERVER_OPTIONS)
    register(server)
    health_state = Health(service_names)
    health_pb2_grpc.add_HealthServicer_to_server(health_state.servicer, server)
    # Reflection describes the whole mesh, not just this process: behind Envoy, one
    # reflection endpoint serves clients (buf curl, grpcurl) for every service.
    listed = dict.fromkeys(
        [*service_names, *mesh_service_names(), health.SERVICE_NAME, reflection.SERVICE_NAME]
    )
    reflection.enable_server_reflection(list(listed), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot bind {host}:{port}")
    return server, bound, health_state


async def serve(server: grpc.aio.Server, *, grace_seconds: float = 10.0) -> None:
    """Runs a started server until SIGTERM or SIGINT, then drains it within the grace period."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down", extra={"grace_seconds": grace_seconds})
    await server.stop(grace_seconds)
