"""The gateway's ASGI app: REST ⇄ gRPC for every `google.api.http` binding, plus /openapi.json, /docs,
/healthz and an optional static directory at `/`.

`create_app` does all descriptor and route work once; each request is a table match, a message build
and one call on a long-lived channel. Must not contain per-RPC code: adding an annotated RPC to the
descriptor set is enough for it to be served and documented.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import grpc
from google.protobuf import descriptor_pb2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from gateway.contract import Contract
from gateway.docs import docs_routes
from gateway.errors import GatewayError, dumps, rpc_error_status
from gateway.metadata import REQUEST_ID, CallContext, call_context, response_headers
from gateway.openapi import OpenApiBuilder
from gateway.routes import NoMatch, RouteTable
from gateway.streaming import RpcStream, wants_sse
from gateway.transcode import Plan
from gateway.upstream import NoUpstream, Upstreams
from gateway.values import Schema
from services.common.descriptors import load_descriptor_set

log = logging.getLogger("jobmesh.gateway")

STATIC_DIR = Path(__file__).resolve().parent / "static"
JSON = "application/json"


def _json(body: object, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    response = Response(dumps(body), status_code=status, media_type=JSON)
    for key, value in headers or ():
        response.raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
    return response


def _error(err: GatewayError, request_id: str | None) -> Response:
    headers = list(err.headers.items())
    if request_id:
        headers.append((REQUEST_ID, request_id))
    return _json(err.body(), err.http_status, headers)


def _raw_path(scope: Scope) -> str:
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw:
        path = raw.decode("latin-1").split("?", 1)[0]
        root = scope.get("root_path", "")
        return path[len(root) :] if root and path.startswith(root) else path
    return quote(str(scope["path"]))


class Transcoder:
    """The ASGI endpoint that serves every binding of the route table."""

    def __init__(
        self,
        table: RouteTable,
        plans: Mapping[tuple[str, int], Plan],
        upstreams: Upstreams,
        request_timeout: float,
        static: StaticFiles | None,
    ):
        self.table = table
        self.plans = plans
        self.upstreams = upstreams
        self.request_timeout = request_timeout
        self.static = static

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except GatewayError as err:
            response = _error(err, None)
        except Exception:
            log.exception("gateway failure", extra={"path": scope.get("path")})
            response = _error(GatewayError(grpc.StatusCode.INTERNAL, "internal error"), None)
        await response(scope, receive, send)

    async def _unmatched(self, request: Request, found: NoMatch) -> Response:
        if found.allowed:
            raise GatewayError(
                grpc.StatusCode.UNIMPLEMENTED,
                "Method Not Allowed",
                http_status=405,
                headers={"allow": ", ".join(found.allowed)},
            )
        if self.static is not None and request.method in ("GET", "HEAD"):
            try:
                return await self.static.get_response(self.static.get_path(request.scope), request.scope)
            except HTTPException:
                pass
        raise GatewayError(grpc.StatusCode.NOT_FOUND, "Not Found", http_status=404)

    async def handle(self, request: Request) -> Response:
        found = self.table.match(request.method, _raw_path(request.scope))
        if isinstance(found, NoMatch):
            return await self._unmatched(request, found)
        rpc = found.binding.rpc
        plan = self.plans[(rpc.grpc_path, found.binding.index)]
        client = request.client.host if request.client else None
        ctx = call_context(request.headers.items(), client)
        try:
            body = await request.body() if (plan.body_all or plan.body_field is not None) else b""
            message = plan.build_request(found.params, request.query_params.multi_items(), body)
            method = self.upstreams.callable_for(rpc)
        except GatewayError as err:
            return _error(err, ctx.request_id)
        except NoUpstream as exc:
            return _error(GatewayError(grpc.StatusCode.UNAVAILABLE, str(exc)), ctx.request_id)
        if rpc.server_streaming:
            call = method(message, metadata=ctx.metadata, timeout=ctx.timeout)
            sse = wants_sse(request.headers.get("accept", ""))
            return RpcStream(call, plan.response_json, sse=sse, headers=[(REQUEST_ID, ctx.request_id)])
        return await self._unary(method, message, plan, ctx)

    async def _unary(self, method: object, message: object, plan: Plan, ctx: CallContext) -> Response:
        timeout = ctx.timeout if ctx.timeout is not None else self.request_timeout
        call = method(message, metadata=ctx.metadata, timeout=timeout)  # type: ignore[operator]
        try:
            reply = await call
        except grpc.aio.AioRpcError as err:
            status, body = rpc_error_status(err)
            headers = response_headers(err.initial_metadata(), err.trailing_metadata())
            return _json(body, status, [*headers, (REQUEST_ID, ctx.request_id)])
        headers = response_headers(await call.initial_metadata(), await call.trailing_metadata())
        response = Response(plan.render(reply), media_type=JSON)
        for key, value in [*headers, (REQUEST_ID, ctx.request_id)]:
            response.raw_headers.append((key.encode("latin-1"), value.encode("latin-1")))
        return response


def create_app(
    upstreams: Mapping[str, str],
    default_upstream: str | None,
    *,
    request_timeout: float = 30.0,
    descriptor_set: descriptor_pb2.FileDescriptorSet | None = None,
    static_dir: Path | None = STATIC_DIR,
) -> Starlette:
    """The gateway app. `upstreams` maps gRPC service full names to `host:port`; services not in it go
    to `default_upstream` (the mesh). Unary calls get `request_timeout` unless `Grpc-Timeout` is sent."""
    contract = Contract(descriptor_set if descriptor_set is not None else load_descriptor_set())
    table = RouteTable.build(contract.rpcs)
    schema = Schema(rpc.input for rpc in contract.rpcs)
    plans = {(b.rpc.grpc_path, b.index): Plan.compile(b, schema) for b in table.bindings()}
    openapi = dumps(OpenApiBuilder(contract).build(plans.values()))
    pool = Upstreams(upstreams, default_upstream)
    static = StaticFiles(directory=static_dir, html=True) if static_dir and static_dir.is_dir() else None
    transcoder = Transcoder(table, plans, pool, request_timeout, static)

    async def openapi_json(_: Request) -> Response:
        return Response(openapi, media_type=JSON)

    async def healthz(_: Request) -> Response:
        report = await pool.health()
        if report.serving:
            return JSONResponse({"status": "SERVING"})
        not_serving = {a: s for a, s in report.upstreams.items() if s != "SERVING"}
        return JSONResponse({"status": "NOT_SERVING", "upstreams": not_serving}, status_code=503)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await pool.start(contract.rpcs)
        try:
            yield
        finally:
            await pool.close()

    routes: list[BaseRoute] = [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *docs_routes(),
        Route("/{path:path}", transcoder),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.upstreams = pool
    app.state.route_table = table
    return app
