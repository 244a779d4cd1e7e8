"""REVIEW waits for approval with a plan and a screenshot; DRY_RUN plans only; a site that is down is retried.

All through the real worker, Redis and Chromium against the local ATS sites.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.automation.v1 import automation_service_pb2 as auto_pb
from jobmesh.profile.v1 import profile_service_pb2
from services.common.settings import Settings

from .conftest import AtsSites
from .pipeline_env import MeshEnv, pipeline_settings, start_mesh

PNG = b"\x89PNG\r\n\x1a\n"
WHY = "Why do you want to work at Acme?"
KNOWS_WHY = [profile_service_pb2.Answer(question=WHY, answer="I like reliable systems.")]


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[MeshEnv]:
    async with start_mesh(pipeline_settings(settings, max_attempts=2)) as mesh:
        yield mesh


async def test_review_waits_with_plan_and_screenshot_and_submits_only_after_approval(
    env: MeshEnv, ats_sites: AtsSites
) -> None:
    client = await env.client()
    profile = await client.profile(answers=KNOWS_WHY)
    job = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7101", "review-7101")
    async with env.worker():
        app = await client.apply(profile.name, job.name, app_pb.MODE_REVIEW)
        waiting = await client.wait(app.name, {app_pb.STATE_AWAITING_REVIEW})
        assert waiting.state == app_pb.STATE_AWAITING_REVIEW, waiting.last_error
        assert ats_sites.recorder.all(job_id="7101") == []

        plan = {f.label: f.value_preview for f in waiting.fill_plan.fields}
        assert plan["Email"] == profile.email and plan[WHY] == "I like reliable systems."
        assert waiting.fill_plan.plan_hash and not waiting.fill_plan.unanswered
        screenshots = [a for a in waiting.artifacts if a.kind == "screenshot"]
        assert screenshots
        shot = await client.automation.GetArtifact(
            auto_pb.GetArtifactRequest(name=screenshots[-1].name), metadata=client.metadata
        )
        assert shot.content.startswith(PNG) and shot.artifact.content_type == "image/png"

        await client.applications.ApproveApplication(
            app_pb.ApproveApplicationRequest(name=app.name, plan_hash=waiting.fill_plan.plan_hash),
            metadata=client.metadata,
        )
        done = await client.wait(app.name, {app_pb.STATE_SUBMITTED})
    assert done.state == app_pb.STATE_SUBMITTED, done.last_error
    sent = ats_sites.recorder.all(job_id="7101")
    assert [s.outcome for s in sent] == ["accepted"]
    assert sent[0].value("job_application[email]") == profile.email


async def test_dry_run_plans_without_submitting_and_a_real_application_may_follow(
    env: MeshEnv, ats_sites: AtsSites
) -> None:
    client = await env.client()
    profile = await client.profile(answers=KNOWS_WHY)
    job = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7102", "dry-7102")
    async with env.worker():
        dry = await client.apply(profile.name, job.name, app_pb.MODE_DRY_RUN)
        planned = await client.wait(dry.name, set())
        assert planned.state == app_pb.STATE_PLANNED, planned.last_error
        assert {f.label for f in planned.fill_plan.fields} >= {"First Name", "Email", "Resume/CV", WHY}
        assert ats_sites.recorder.all(job_id="7102") == []

        real = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        assert real.name != dry.name
        done = await client.wait(real.name, set())
    assert done.state == app_pb.STATE_SUBMITTED, done.last_error
    assert [s.outcome for s in ats_sites.recorder.all(job_id="7102")] == ["accepted"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_site_that_is_down_is_retried_after_a_delay_then_fails_with_the_reason(
    env: MeshEnv,
) -> None:
    client = await env.client()
    profile = await client.profile()
    job = await client.job(f"http://127.0.0.1:{_closed_port()}/greenhouse/acme/jobs/7103", "down-7103")
    async with env.worker(retry_base=1.0):
        app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        failed = await client.wait(app.name, set())
    assert failed.state == app_pb.STATE_FAILED
    assert failed.attempts == 2
    assert "gave up after 2 attempts" in failed.last_error
    assert "ERR_CONNECTION_REFUSED" in failed.last_error

    events = await client.events(app.name)
    moves = [(e.type, app_pb.State.Name(e.to_state)) for e in events]
    assert moves == [
        ("created", "STATE_QUEUED"),
        ("claimed", "STATE_RUNNING"),
        ("queued", "STATE_QUEUED"),
        ("claimed", "STATE_RUNNING"),
        ("failed", "STATE_FAILED"),
    ]
    retry, second = events[2], events[3]
    assert retry.message == "retry in 1s"
    waited = second.create_time.ToDatetime() - retry.create_time.ToDatetime()
    assert waited.total_seconds() >= 0.9
