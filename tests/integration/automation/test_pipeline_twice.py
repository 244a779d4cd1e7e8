"""Never twice from the caller's side: retried creates, double approvals and repeat applications.

The site's recorder is the judge: whatever the client does twice, the employer sees one application.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.profile.v1 import profile_service_pb2
from services.common.settings import Settings

from .conftest import AtsSites
from .pipeline_env import MeshEnv, pipeline_settings, start_mesh

WHY = "Why do you want to work at Acme?"
KNOWS_WHY = [profile_service_pb2.Answer(question=WHY, answer="I like reliable systems.")]


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[MeshEnv]:
    async with start_mesh(pipeline_settings(settings)) as mesh:
        yield mesh


def _error_info(err: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    raise AssertionError(f"no ErrorInfo in {err!r}")


async def test_a_repeated_request_id_makes_one_application_and_one_submission(
    env: MeshEnv, ats_sites: AtsSites
) -> None:
    client = await env.client()
    profile = await client.profile(answers=KNOWS_WHY)
    first = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7201", "twice-7201")
    second = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7202", "twice-7202")

    sequential = [
        await client.apply(profile.name, first.name, app_pb.MODE_SUBMIT, "rid-7201") for _ in range(2)
    ]
    concurrent = await asyncio.gather(
        *(client.apply(profile.name, second.name, app_pb.MODE_SUBMIT, "rid-7202") for _ in range(10))
    )
    assert len({a.name for a in sequential}) == 1
    assert len({a.name for a in concurrent}) == 1
    listed = await client.applications.ListApplications(
        app_pb.ListApplicationsRequest(page_size=50), metadata=client.metadata
    )
    assert sorted(a.name for a in listed.applications) == sorted({sequential[0].name, concurrent[0].name})

    async with env.worker():
        for app in (sequential[0], concurrent[0]):
            done = await client.wait(app.name, set())
            assert done.state == app_pb.STATE_SUBMITTED, done.last_error
        # A retry after the fact still answers with the same, finished application.
        again = await client.apply(profile.name, second.name, app_pb.MODE_SUBMIT, "rid-7202")
        assert (again.name, again.state) == (concurrent[0].name, app_pb.STATE_SUBMITTED)
    for job_id in ("7201", "7202"):
        assert [s.outcome for s in ats_sites.recorder.all(site="greenhouse", job_id=job_id)] == ["accepted"]


async def test_a_double_approval_submits_once_and_a_second_application_names_the_live_one(
    env: MeshEnv, ats_sites: AtsSites
) -> None:
    client = await env.client()
    profile = await client.profile(answers=KNOWS_WHY)
    job = await client.job(f"{ats_sites.base_url}/greenhouse/acme/jobs/7203", "twice-7203")
    async with env.worker():
        app = await client.apply(profile.name, job.name, app_pb.MODE_REVIEW)
        waiting = await client.wait(app.name, {app_pb.STATE_AWAITING_REVIEW})
        assert waiting.state == app_pb.STATE_AWAITING_REVIEW, waiting.last_error

        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        assert raised.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert _error_info(raised.value).metadata["existing"] == app.name
        assert app.name in (raised.value.details() or "")

        approvals = await asyncio.gather(
            *(
                client.applications.ApproveApplication(
                    app_pb.ApproveApplicationRequest(name=app.name), metadata=client.metadata
                )
                for _ in range(2)
            ),
            return_exceptions=True,
        )
        refused = [r for r in approvals if isinstance(r, grpc.aio.AioRpcError)]
        assert len(refused) == 1, approvals
        assert refused[0].code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.ABORTED)
        done = await client.wait(app.name, set())
        assert done.state == app_pb.STATE_SUBMITTED, done.last_error

        # Submitted still holds the (profile, job) slot.
        with pytest.raises(grpc.aio.AioRpcError) as after:
            await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        assert after.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert _error_info(after.value).metadata["existing"] == app.name
    events = [e.type for e in await client.events(app.name)]
    assert events.count("approve") == 1 and events.count("submitting") == 1
    assert [s.outcome for s in ats_sites.recorder.all(site="greenhouse", job_id="7203")] == ["accepted"]
