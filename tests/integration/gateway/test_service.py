"""/healthz, /openapi.json, /docs, the static directory, and an RPC the gateway has never seen."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest
from google.protobuf import message_factory
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from gateway.app import create_app
from gateway.contract import ensure_in_pool
from services.common.server import create_server
from tests.unit.gateway.messaging import compile_messaging

from .conftest import SERVICES, Upstream, asgi_client


async def test_healthz_reports_every_upstream_and_caches(upstream: Upstream) -> None:
    sick, sick_port, sick_health = create_server(lambda server: None, ["jobmesh.job.v1.JobService"])
    await sick.start()
    sick_address = f"127.0.0.1:{sick_port}"
    try:
        await sick_health.set_serving(False)
        app = create_app({"jobmesh.profile.v1.ProfileService": upstream.address}, sick_address)
        async with asgi_client(app) as client:
            down = await client.get("/healthz")
            assert down.status_code == 503
            assert down.json() == {"status": "NOT_SERVING", "upstreams": {sick_address: "NOT_SERVING"}}
            await sick_health.set_serving(True)
            assert (await client.get("/healthz")).status_code == 503  # still the cached answer
            await asyncio.sleep(1.1)
            up = await client.get("/healthz")
            assert (up.status_code, up.json()) == (200, {"status": "SERVING"})
    finally:
        await sick.stop(None)


async def test_healthz_names_an_unreachable_upstream(upstream: Upstream) -> None:
    app = create_app({"jobmesh.job.v1.JobService": upstream.address}, "127.0.0.1:9")
    async with asgi_client(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert list(response.json()["upstreams"]) == ["127.0.0.1:9"]


async def test_openapi_json_is_served_and_valid(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    validate(response.json(), cls=OpenAPIV31SpecValidator)


async def test_docs_page_uses_only_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/docs/") for url in urls)
    assert "://" not in page.text
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200 and asset.content, url
    init = await client.get("/docs/init.js")
    assert '"/openapi.json"' in init.text


async def test_static_directory_is_served_at_root(upstream: Upstream, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>tracker</h1>")
    app = create_app({s: upstream.address for s in SERVICES}, None, static_dir=tmp_path)
    async with asgi_client(app) as client:
        assert (await client.get("/")).text == "<h1>tracker</h1>"
        assert (await client.get("/index.html")).status_code == 200
        missing = await client.get("/nope.html")
        assert missing.status_code == 404 and missing.json()["code"] == 5
        assert (await client.get("/v1/jobs/j1")).json()["name"] == "jobs/j1"


@pytest.fixture
async def messaging_upstream(tmp_path: Path) -> AsyncIterator[tuple[str, object]]:
    """A generic gRPC handler for a service no code in the gateway knows about."""
    descriptor_set = compile_messaging(tmp_path)
    pool = ensure_in_pool(list(descriptor_set.file))
    request_cls = message_factory.GetMessageClass(
        pool.FindMessageTypeByName("gatewaytest.v1.GetMessageRequest")
    )
    reply_cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("gatewaytest.v1.Message"))

    async def get_message(request: object, context: grpc.aio.ServicerContext) -> object:
        return reply_cls(name=f"messages/{request.message_id}", text=request.user_id, views=7)  # type: ignore[attr-defined]

    handler = grpc.method_handlers_generic_handler(
        "gatewaytest.v1.Messaging",
        {
            "GetMessage": grpc.unary_unary_rpc_method_handler(
                get_message,
                request_deserializer=request_cls.FromString,
                response_serializer=reply_cls.SerializeToString,
            )
        },
    )
    server, port, _ = create_server(
        lambda s: s.add_generic_rpc_handlers((handler,)), ["gatewaytest.v1.Messaging"]
    )
    await server.start()
    yield f"127.0.0.1:{port}", descriptor_set
    await server.stop(None)


async def test_a_new_annotated_rpc_is_served_without_gateway_changes(
    messaging_upstream: tuple[str, object],
) -> None:
    address, descriptor_set = messaging_upstream
    app = create_app({}, address, descriptor_set=descriptor_set)  # type: ignore[arg-type]
    async with asgi_client(app) as client:
        response = await client.get("/v1/users/u7/messages/m1")
        assert response.status_code == 200
        assert response.json() == {"name": "messages/m1", "text": "u7", "views": "7"}
        doc = (await client.get("/openapi.json")).json()
        assert (
            doc["paths"]["/v1/users/{user_id}/messages/{message_id}"]["get"]["operationId"]
            == "Messaging_GetMessage2"
        )
