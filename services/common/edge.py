"""The edge of every RPC: request id, authentication, metrics, logging and error mapping.

One interceptor does it all so that the order is fixed and visible: the request id
is set first (so every log line carries it), then the caller is authenticated
(except on public methods), request strings are checked for NUL characters (which
PostgreSQL text cannot store), then the handler runs, and whatever it raises is mapped
to a status by `errors.abort`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import grpc
from google.protobuf.message import Message

from services.common.context import principal_var, request_id_var
from services.common.errors import DomainError, InvalidArgument, Unauthenticated, abort
from services.common.metrics import RpcMetrics
from services.common.request_text import nul_violations
from services.common.revocations import EndedSessions
from services.common.tokens import TokenService

log = logging.getLogger("jobmesh.rpc")

PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def _metadata(context: grpc.aio.ServicerContext[Any, Any]) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def _check_text(request: Any) -> None:
    if isinstance(request, Message) and (violations := nul_violations(request)):
        raise InvalidArgument(violations)


def _passthrough(exc: BaseException) -> bool:
    return isinstance(exc, grpc.aio.AbortError | grpc.aio.UsageError)


class EdgeInterceptor(grpc.aio.ServerInterceptor):
    """Wraps every unary and server-streaming handler of a server."""

    def __init__(
        self,
        tokens: TokenService | None,
        public_methods: Iterable[str],
        metrics: RpcMetrics | None,
        ended_sessions: EndedSessions | None = None,
    ):
        self.tokens = tokens
        self.public = frozenset(public_methods)
        self.metrics = metrics
        self.ended_sessions = ended_sessions

    def _is_public(self, method: str) -> bool:
        return method in self.public or method.startswith(PUBLIC_PREFIXES)

    def _begin(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        md = _metadata(context)
        request_id = md.get("x-request-id", "")[:128] or uuid.uuid4().hex
        request_id_var.set(request_id)
        principal_var.set(None)
        if self._is_public(method):
            return
        if self.tokens is None:
            raise Unauthenticated("this server accepts no credentials")
        header = md.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("missing bearer token", reason="MISSING_TOKEN")
        principal = self.tokens.verify(token.strip())
        if principal.session and self.ended_sessions is not None and principal.session in self.ended_sessions:
            raise Unauthenticated("this session was signed out; log in again", reason="SESSION_ENDED")
        principal_var.set(principal)

    def _finish(self, method: str, code: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.observe(method, code, elapsed)
        if not method.startswith(PUBLIC_PREFIXES):
            log.info("rpc", extra={"method": method, "code": code, "duration_ms": round(elapsed * 1000, 2)})

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(method, handler.unary_unary),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(method, handler.unary_stream),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler

    def _code_of(self, exc: BaseException, context: grpc.aio.ServicerContext[Any, Any]) -> str:
        if isinstance(exc, DomainError):
            return str(exc.code.name)
        if _passthrough(exc):
            code = context.code()
            return str(code.name) if isinstance(code, grpc.StatusCode) else "UNKNOWN"
        return "INTERNAL"

    def _wrap_unary(self, method: str, inner: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            try:
                self._begin(method, context)
                _check_text(request)
                response = await inner(request, context)
            except Exception as exc:
                self._finish(method, self._code_of(exc, context), started)
                if _passthrough(exc):
                    raise
                await abort(context, exc)
            self._finish(method, "OK", started)
            return response

        return unary

    def _wrap_stream(
        self, method: str, inner: Callable[..., AsyncIterator[Any]]
    ) -> Callable[..., AsyncIterator[Any]]:
        async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
            started = time.perf_counter()
            try:
                self._begin(method, context)
                _check_text(request)
                async for item in inner(request, context):
                    yield item
            except Exception as exc:
                self._finish(method, self._code_of(exc, context), started)
                if _passthrough(exc):
                    raise
                await abort(context, exc)
            self._finish(method, "OK", started)

        return stream
