"""Calls to other jobmesh services: one long-lived channel per address, through the mesh.

Every outgoing call gets a default deadline and carries the caller's bearer token
and request id, so the callee scopes by the same owner and logs the same id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from services.common.context import principal_var, request_id_var
from services.common.server import MAX_RECEIVE_BYTES, MAX_SEND_BYTES
from services.common.settings import Settings


class _Forwarding(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor):
    """Adds the default deadline, the caller's credentials and the request id."""

    def __init__(self, timeout: float):
        self.timeout = timeout

    def _details(self, details: grpc.aio.ClientCallDetails, streaming: bool) -> grpc.aio.ClientCallDetails:
        metadata = list(details.metadata or [])
        keys = {k for k, _ in metadata}
        principal = principal_var.get()
        if principal is not None and "authorization" not in keys:
            metadata.append(("authorization", f"Bearer {principal.token}"))
        request_id = request_id_var.get()
        if request_id and "x-request-id" not in keys:
            metadata.append(("x-request-id", request_id))
        timeout = details.timeout
        if timeout is None and not streaming:
            timeout = self.timeout
        return grpc.aio.ClientCallDetails(
            method=details.method,
            timeout=timeout,
            metadata=grpc.aio.Metadata(*metadata),
            credentials=details.credentials,
            wait_for_ready=details.wait_for_ready,
        )

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: grpc.aio.ClientCallDetails, request: Any
    ) -> Any:
        return await continuation(self._details(client_call_details, streaming=False), request)

    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: grpc.aio.ClientCallDetails, request: Any
    ) -> Any:
        return await continuation(self._details(client_call_details, streaming=True), request)


CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
    ("grpc.max_send_message_length", MAX_SEND_BYTES),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.enable_retries", 1),
]


class Channels:
    """The process's channels to other services, created on first use, closed together."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._channels: dict[str, grpc.aio.Channel] = {}

    def to(self, service: str) -> grpc.aio.Channel:
        """The channel for `service` (profile, job, application, automation)."""
        address = self.settings.address_of(service)
        channel = self._channels.get(address)
        if channel is None:
            tracing = aio_client_interceptors()  # type: ignore[no-untyped-call]
            interceptors = [_Forwarding(self.settings.call_timeout_seconds), *tracing]
            channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS, interceptors=interceptors)
            self._channels[address] = channel
        return channel

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()
