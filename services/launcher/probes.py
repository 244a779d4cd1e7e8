"""Readiness probes the supervisor polls: gRPC health, an open TCP port, Envoy's upstream health.

Each probe answers once, quickly, and never raises: False means "not yet".
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

Probe = Callable[[], Awaitable[bool]]


def grpc_health(host: str, port: int, service: str = "", *, timeout: float = 1.0) -> Probe:
    """SERVING from grpc.health.v1 Check on host:port."""

    async def probe() -> bool:
        async with grpc.aio.insecure_channel(f"{host}:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
            except grpc.aio.AioRpcError:
                return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    return probe


def tcp_open(host: str, port: int, *, timeout: float = 1.0) -> Probe:
    """Something accepts connections on host:port."""

    async def probe() -> bool:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except (OSError, TimeoutError):
            return False
        writer.close()
        await writer.wait_closed()
        return True

    return probe


def envoy_upstreams_healthy(admin_port: int, clusters: Sequence[str], *, timeout: float = 1.0) -> Probe:
    """Envoy is live and its own health checks see a healthy host in each of `clusters`."""

    async def probe() -> bool:
        base = f"http://127.0.0.1:{admin_port}"
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            try:
                ready = await client.get(f"{base}/ready")
                table = await client.get(f"{base}/clusters")
            except httpx.HTTPError:
                return False
        if ready.status_code != 200 or table.status_code != 200:
            return False
        healthy = {
            line.split("::", 1)[0]
            for line in table.text.splitlines()
            if line.endswith("::health_flags::healthy")
        }
        return set(clusters) <= healthy

    return probe
