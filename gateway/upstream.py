"""Upstream gRPC channels: one long-lived `grpc.aio` channel per address, generic callables per RPC,
and the cached health view of every upstream for `/healthz`.

Channels are opened in `start` (inside the server's event loop) and closed in `close`. Each RPC is
called through `channel.unary_unary/unary_stream(path, serializer, deserializer)`, so no generated stub
or per-RPC code is involved. Must not decide HTTP semantics.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health_pb2

from gateway.contract import Rpc

CHANNEL_OPTIONS: list[tuple[str, int]] = [
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
    ("grpc.max_send_message_length", 16 * 1024 * 1024),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_permit_without_calls", 0),
]
HEALTH_CHECK = "/grpc.health.v1.Health/Check"


class NoUpstream(LookupError):
    """An RPC's service has no upstream address configured."""


@dataclass(frozen=True)
class HealthReport:
    """Every upstream's serving status; `serving` only when all report SERVING."""

    serving: bool
    upstreams: dict[str, str]


class Upstreams:
    """Addresses by gRPC service, their channels, and a callable per RPC."""

    def __init__(
        self,
        routing: Mapping[str, str],
        default: str | None,
        *,
        health_ttl: float = 1.0,
        health_timeout: float = 1.0,
    ):
        self.routing = dict(routing)
        self.default = default
        self.health_ttl = health_ttl
        self.health_timeout = health_timeout
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._callables: dict[str, Any] = {}
        self._health: HealthReport | None = None
        self._health_at = 0.0
        self._health_lock = asyncio.Lock()

    def address_of(self, service: str) -> str | None:
        """The address a service's calls go to: its own, else the default (the mesh)."""
        return self.routing.get(service, self.default)

    def addresses(self) -> list[str]:
        """Every distinct upstream address."""
        found = set(self.routing.values())
        if self.default:
            found.add(self.default)
        return sorted(found)

    async def start(self, rpcs: Iterable[Rpc]) -> None:
        """Opens the channels and builds one callable per RPC that has an upstream."""
        for address in self.addresses():
            self._channels[address] = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
        for rpc in rpcs:
            target = self.address_of(rpc.service)
            if target is None or rpc.client_streaming:
                continue
            channel = self._channels[target]
            factory = channel.unary_stream if rpc.server_streaming else channel.unary_unary
            self._callables[rpc.grpc_path] = factory(
                rpc.grpc_path,
                request_serializer=rpc.input_class.SerializeToString,
                response_deserializer=rpc.output_class.FromString,
            )

    async def close(self) -> None:
        """Closes every channel, cancelling calls still in flight."""
        channels, self._channels = self._channels, {}
        self._callables.clear()
        await asyncio.gather(*(channel.close() for channel in channels.values()))

    def callable_for(self, rpc: Rpc) -> Any:
        """The generic multicallable of an RPC."""
        try:
            return self._callables[rpc.grpc_path]
        except KeyError as exc:
            raise NoUpstream(f"no upstream is configured for {rpc.service}") from exc

    async def _check(self, address: str) -> str:
        check = self._channels[address].unary_unary(
            HEALTH_CHECK,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        try:
            response = await check(health_pb2.HealthCheckRequest(service=""), timeout=self.health_timeout)
        except grpc.aio.AioRpcError as err:
            return f"UNREACHABLE ({err.code().name})"
        return str(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status))

    async def health(self) -> HealthReport:
        """Every upstream's `Health/Check("")`, cached for `health_ttl` seconds."""
        async with self._health_lock:
            now = time.monotonic()
            if self._health is not None and now - self._health_at < self.health_ttl:
                return self._health
            addresses = list(self._channels)
            statuses = await asyncio.gather(*(self._check(a) for a in addresses))
            upstreams = dict(zip(addresses, statuses, strict=True))
            report = HealthReport(all(s == "SERVING" for s in statuses), upstreams)
            self._health, self._health_at = report, time.monotonic()
            return report
