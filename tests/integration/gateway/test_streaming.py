"""WatchApplication (server streaming) as newline-delimited JSON and as Server-Sent Events."""

from __future__ import annotations

import asyncio
import json

import httpx

from gateway.app import create_app
from jobmesh.application.v1 import application_service_pb2 as app_pb2

from .conftest import SERVICES, Upstream, served

STATES = ["STATE_QUEUED", "STATE_RUNNING", "STATE_SUBMITTED"]


def _event(name: str, state: str) -> dict[str, object]:
    return {"application": {"name": name, "state": state}}


async def test_ndjson_stream_wraps_each_message_in_result(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.get("/v1/applications/a1:watch")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [{"result": _event("applications/a1", s)} for s in STATES]
    assert upstream.recorder.only()[1] == app_pb2.WatchApplicationRequest(name="applications/a1")


async def test_ndjson_stream_failure_ends_with_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/applications/broken:watch")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [
        {"result": _event("applications/broken", "STATE_QUEUED")},
        {"error": {"code": 9, "message": "worker lost", "details": []}},
    ]


async def test_stream_failing_before_any_message_is_a_plain_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/applications/missing:watch", headers={"Accept": "text/event-stream"})
    assert response.status_code == 404
    assert response.json() == {"code": 5, "message": "applications/missing not found", "details": []}


def _sse_events(text: str) -> list[tuple[str, object]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


async def test_sse_over_real_uvicorn(upstream: Upstream) -> None:
    app = create_app({s: upstream.address for s in SERVICES}, None)
    async with served(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as client:
        ok = await client.get("/v1/applications/a1:watch", headers={"Accept": "text/event-stream"})
        assert ok.status_code == 200
        assert ok.headers["content-type"].startswith("text/event-stream")
        assert _sse_events(ok.text) == [("message", _event("applications/a1", s)) for s in STATES]
        broken = await client.get("/v1/applications/broken:watch", headers={"Accept": "text/event-stream"})
        assert _sse_events(broken.text) == [
            ("message", _event("applications/broken", "STATE_QUEUED")),
            ("error", {"code": 9, "message": "worker lost", "details": []}),
        ]


async def test_client_disconnect_cancels_the_upstream_call(upstream: Upstream) -> None:
    app = create_app({s: upstream.address for s in SERVICES}, None)
    async with served(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as client:
        headers = {"Accept": "text/event-stream"}
        async with client.stream("GET", "/v1/applications/slow:watch", headers=headers) as response:
            lines = response.aiter_lines()
            first = await anext(lines)
            assert json.loads(first.removeprefix("data: ")) == _event("applications/slow", "STATE_QUEUED")
        await asyncio.wait_for(upstream.recorder.cancelled.wait(), 5)
