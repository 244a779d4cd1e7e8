"""Server-streaming RPCs over HTTP: Server-Sent Events or newline-delimited JSON.

SSE (`Accept: text/event-stream`): `data: <json>` per message, `event: error` with the Status JSON on
failure. Otherwise grpc-gateway's framing: `{"result": <json>}` per line, `{"error": <Status>}` on failure.
An error before the first message is an ordinary HTTP error response. The client going away cancels the
upstream call at once, even while it is waiting for the next message. Must not build request messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import grpc
from google.protobuf.message import Message
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.errors import dumps, rpc_error_status
from gateway.metadata import response_headers

log = logging.getLogger("jobmesh.gateway.streaming")

SSE = "text/event-stream"
NDJSON = "application/x-ndjson"


class _Disconnected(Exception):
    """The HTTP client went away."""


def wants_sse(accept: str) -> bool:
    """Whether an Accept header asks for Server-Sent Events."""
    return any(part.split(";")[0].strip().lower() == SSE for part in accept.split(","))


def sse_message(payload: Any) -> bytes:
    return b"data: " + dumps(payload) + b"\n\n"


def sse_error(status: dict[str, Any]) -> bytes:
    return b"event: error\ndata: " + dumps(status) + b"\n\n"


def ndjson_message(payload: Any) -> bytes:
    return dumps({"result": payload}) + b"\n"


def ndjson_error(status: dict[str, Any]) -> bytes:
    return dumps({"error": status}) + b"\n"


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def _raw(headers: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class RpcStream(Response):
    """An ASGI response that relays one server-streaming call."""

    def __init__(
        self,
        call: Any,
        to_json: Callable[[Message], Any],
        *,
        sse: bool,
        headers: Sequence[tuple[str, str]] = (),
    ):
        self.call = call
        self.to_json = to_json
        self.sse = sse
        self.extra_headers = list(headers)
        self.background = None

    async def _next(self, disconnect: asyncio.Future[None]) -> Message | None:
        read = asyncio.ensure_future(self.call.read())
        done, _ = await asyncio.wait({read, disconnect}, return_when=asyncio.FIRST_COMPLETED)
        if read not in done:
            read.cancel()
            raise _Disconnected
        message = read.result()
        return None if message is grpc.aio.EOF else message

    async def _fail_early(self, send: Send, err: grpc.aio.AioRpcError) -> None:
        status, body = rpc_error_status(err)
        headers = [
            ("content-type", "application/json"),
            *self.extra_headers,
            *response_headers(err.initial_metadata(), err.trailing_metadata()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": _raw(headers)})
        await send({"type": "http.response.body", "body": dumps(body), "more_body": False})

    async def _relay(self, send: Send, disconnect: asyncio.Future[None]) -> None:
        try:
            message = await self._next(disconnect)
        except grpc.aio.AioRpcError as err:
            await self._fail_early(send, err)
            return
        headers = [
            ("content-type", SSE if self.sse else NDJSON),
            ("cache-control", "no-cache"),
            ("x-accel-buffering", "no"),
            *self.extra_headers,
            *response_headers(await self.call.initial_metadata(), None),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": _raw(headers)})
        encode = sse_message if self.sse else ndjson_message
        try:
            while message is not None:
                await send(
                    {"type": "http.response.body", "body": encode(self.to_json(message)), "more_body": True}
                )
                message = await self._next(disconnect)
        except grpc.aio.AioRpcError as err:
            _, status = rpc_error_status(err)
            chunk = sse_error(status) if self.sse else ndjson_error(status)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        disconnect = asyncio.ensure_future(_wait_disconnect(receive))
        try:
            await self._relay(send, disconnect)
        except (_Disconnected, OSError):
            log.debug("client went away; upstream stream cancelled")
        finally:
            disconnect.cancel()
            self.call.cancel()
