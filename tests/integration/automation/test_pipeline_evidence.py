"""The evidence of an application: one run per attempt with its artifacts, shown to its owner only,
and a watch stream that tells every step in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.automation.v1 import automation_service_pb2 as auto_pb
from services.common.settings import Settings

from .conftest import AtsSites
from .pipeline_env import Client, MeshEnv, pipeline_settings, start_mesh

PNG = b"\x89PNG\r\n\x1a\n"
ZIP = b"PK\x03\x04"


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[MeshEnv]:
    async with start_mesh(pipeline_settings(settings)) as mesh:
        yield mesh


async def _watch(client: Client, name: str, first: asyncio.Event) -> list[app_pb.WatchApplicationResponse]:
    seen = []
    async for message in client.applications.WatchApplication(
        app_pb.WatchApplicationRequest(name=name), metadata=client.metadata
    ):
        seen.append(message)
        first.set()
    return seen


async def _content(client: Client, artifact: str) -> bytes:
    response = await client.automation.GetArtifact(
        auto_pb.GetArtifactRequest(name=artifact), metadata=client.metadata
    )
    return response.content


async def test_runs_artifacts_and_the_watch_stream_tell_the_whole_story_to_the_owner_only(
    env: MeshEnv, ats_sites: AtsSites
) -> None:
    client = await env.client()
    profile = await client.profile()
    job = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7301", "evidence-7301")
    app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
    watching = asyncio.Event()
    stream = asyncio.create_task(_watch(client, app.name, watching))
    await asyncio.wait_for(watching.wait(), 10)  # subscribed before any worker runs
    async with env.worker():
        asked = await client.wait(app.name, {app_pb.STATE_NEEDS_INPUT})
        assert asked.state == app_pb.STATE_NEEDS_INPUT, asked.last_error
        await client.answer_all(asked, {})
        messages = await asyncio.wait_for(stream, 60)

    assert messages[0].application.state == app_pb.STATE_QUEUED and not messages[0].HasField("event")
    assert [app_pb.State.Name(m.event.to_state) for m in messages[1:]] == [
        "STATE_RUNNING",
        "STATE_NEEDS_INPUT",
        "STATE_QUEUED",
        "STATE_RUNNING",
        "STATE_SUBMITTING",
        "STATE_SUBMITTED",
    ]
    assert messages[-1].application.state == app_pb.STATE_SUBMITTED

    runs = await client.runs(app.name)
    assert [(r.attempt, r.outcome, r.adapter) for r in runs] == [
        (1, app_pb.STATE_NEEDS_INPUT, "greenhouse"),
        (2, app_pb.STATE_SUBMITTED, "greenhouse"),
    ]
    asking, submitting = runs
    assert asking.fill_plan.unanswered and not submitting.fill_plan.unanswered
    assert "Thank you for applying" in submitting.confirmation
    assert {a.kind for a in asking.artifacts} == {"screenshot", "trace"}
    assert {a.kind for a in submitting.artifacts} == {"screenshot", "confirmation", "trace"}
    for run in runs:
        assert all(a.run == run.name and a.name.startswith(run.name + "/artifacts/") for a in run.artifacts)
        for artifact in run.artifacts:
            content = await _content(client, artifact.name)
            assert content.startswith(ZIP if artifact.kind == "trace" else PNG), artifact.name
            assert len(content) == artifact.size_bytes
    got = await client.automation.GetRun(
        auto_pb.GetRunRequest(name=submitting.name), metadata=client.metadata
    )
    fetched = got.run
    assert fetched.name == submitting.name and fetched.confirmation == submitting.confirmation
    assert [a.name for a in fetched.artifacts] == [a.name for a in submitting.artifacts]

    stranger = await env.client()
    for call in (
        stranger.automation.ListRuns(auto_pb.ListRunsRequest(parent=app.name), metadata=stranger.metadata),
        stranger.automation.GetRun(auto_pb.GetRunRequest(name=submitting.name), metadata=stranger.metadata),
        stranger.automation.GetArtifact(
            auto_pb.GetArtifactRequest(name=submitting.artifacts[0].name), metadata=stranger.metadata
        ),
        stranger.applications.GetApplication(
            app_pb.GetApplicationRequest(name=app.name), metadata=stranger.metadata
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
