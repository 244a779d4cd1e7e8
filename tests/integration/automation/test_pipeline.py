"""Applications through the real worker, Redis, Chromium and the local ATS sites."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from jobmesh.application.v1 import application_service_pb2 as app_pb
from services.application.__main__ import SPEC as APPLICATION
from services.automation.__main__ import SPEC as AUTOMATION
from services.automation.limits import SiteLimits, TokenBucket
from services.common.settings import Settings
from services.job.__main__ import SPEC as JOB
from services.profile.__main__ import SPEC as PROFILE
from tests.conftest import StartServices
from tests.sites.server import serve_app

from .conftest import AtsSites
from .pipeline_env import Client, running_worker, sign_up


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(allowed_hosts=("127.0.0.1",), job_timeout_seconds=30.0, worker_concurrency=2)


@pytest.fixture
async def mesh(settings: Settings, start_services: StartServices) -> AsyncIterator[tuple[Client, Settings]]:
    running = await start_services(
        ("profile", PROFILE), ("job", JOB), ("application", APPLICATION), ("automation", AUTOMATION)
    )
    ports = {name: service.port for name, service in running.items()}
    wired = settings.with_(**{f"{name}_port": port for name, port in ports.items()})
    channels = {name: grpc.aio.insecure_channel(f"127.0.0.1:{port}") for name, port in ports.items()}
    metadata = await sign_up(channels["profile"], "ada@example.com")
    async with running_worker(wired):
        yield Client(channels, metadata), wired
    for channel in channels.values():
        await channel.close()


async def test_needs_input_then_answer_then_submitted_and_the_next_form_reuses_the_answers(
    mesh: tuple[Client, Settings], ats_sites: AtsSites
) -> None:
    client, _ = mesh
    profile = await client.profile()
    job = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/4001", "gh-4001")
    app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
    asked = await client.wait(app.name, {app_pb.STATE_NEEDS_INPUT})
    assert asked.state == app_pb.STATE_NEEDS_INPUT, asked.last_error
    assert asked.pending_questions and all(q.required for q in asked.pending_questions)
    assert ats_sites.recorder.all(site="greenhouse", job_id="4001") == []
    await client.answer_all(asked, {})
    done = await client.wait(app.name, {app_pb.STATE_SUBMITTED})
    assert done.state == app_pb.STATE_SUBMITTED, done.last_error
    sent = ats_sites.recorder.accepted(site="greenhouse", job_id="4001")
    assert len(sent) == 1
    assert sent[0].value("job_application[first_name]") == "Ada"
    assert sent[0].value("job_application[email]") == profile.email

    second = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/4002", "gh-4002")
    again = await client.apply(profile.name, second.name, app_pb.MODE_SUBMIT)
    straight = await client.wait(again.name, {app_pb.STATE_SUBMITTED})
    assert straight.state == app_pb.STATE_SUBMITTED, (straight.last_error, straight.pending_questions)
    assert len(ats_sites.recorder.accepted(site="greenhouse", job_id="4002")) == 1


async def test_a_site_answering_429_backs_off_every_worker_and_requeues(
    mesh: tuple[Client, Settings],
) -> None:
    client, settings = mesh
    seen: list[str] = []

    async def busy(request: Request) -> Response:
        seen.append(request.url.path)
        return PlainTextResponse("slow down", status_code=429, headers={"Retry-After": "7"})

    async with serve_app(Starlette(routes=[Route("/apply/{job}", busy)])) as busy_url:
        profile = await client.profile()
        job = await client.job(f"{busy_url}/apply/1", "busy-1")
        app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        redis = Redis.from_url(settings.redis_url or "")
        try:
            for _ in range(200):
                got = await client.applications.GetApplication(
                    app_pb.GetApplicationRequest(name=app.name), metadata=client.metadata
                )
                if got.application.attempts >= 1 and got.application.state == app_pb.STATE_QUEUED:
                    break
                await asyncio.sleep(0.1)
            assert got.application.state == app_pb.STATE_QUEUED
            assert "slow down (429)" in got.application.last_error
            blocked = await SiteLimits(TokenBucket(redis), 1, 1, 1, 1).blocked_for("127.0.0.1")
            assert 3 < blocked <= 7
        finally:
            await redis.aclose()
    assert seen == ["/apply/1"]
