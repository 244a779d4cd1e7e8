"""SyncJobSource against the local board site: the three fixture boards, re-syncs, changes,
garbage, unreadable postings, missing boards and concurrent syncs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from tests.integration.job.conftest import User
from tests.integration.job.helpers import job, reason
from tests.sites.boards import BoardRegistry, Fault, serve_boards


@pytest.fixture
def registry() -> BoardRegistry:
    return BoardRegistry.from_fixtures()


@pytest.fixture
async def board_url(registry: BoardRegistry) -> AsyncIterator[str]:
    async with serve_boards(registry) as url:
        yield url


async def _source(
    stub: pb_grpc.JobServiceStub, user: User, kind: int, board: str, base_url: str
) -> pb.JobSource:
    request = pb.CreateJobSourceRequest(source=pb.JobSource(kind=kind, board=board, base_url=base_url))
    return (await stub.CreateJobSource(request, metadata=user.metadata)).source


async def _sync(stub: pb_grpc.JobServiceStub, user: User, source: pb.JobSource) -> pb.SyncJobSourceResponse:
    return await stub.SyncJobSource(pb.SyncJobSourceRequest(name=source.name), metadata=user.metadata)


async def _board_jobs(
    stub: pb_grpc.JobServiceStub, user: User, board: str, closed: bool = False
) -> list[pb.Job]:
    state = " AND state = CLOSED" if closed else ""
    page = await stub.ListJobs(pb.ListJobsRequest(filter=f'board = "{board}"{state}'), metadata=user.metadata)
    return sorted(page.jobs, key=lambda j: j.external_id)


async def test_greenhouse_board_with_details_and_questions(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    src = await _source(stub, user_a, pb.ATS_GREENHOUSE, "vercel", board_url)
    answer = await _sync(stub, user_a, src)
    r = answer.result
    assert (r.added, r.updated, r.closed, r.unchanged, r.skipped) == (3, 0, 0, 0, 0)
    assert answer.source.job_count == 3 and answer.source.HasField("last_sync_time")
    assert answer.source.last_sync.added == 3
    jobs = await _board_jobs(stub, user_a, "vercel")
    assert [j.external_id for j in jobs] == ["5841911004", "5999792004", "6136160004"]
    commercial = jobs[2]
    assert commercial.title == "Account Executive, Commercial" and commercial.company == "Vercel"
    assert commercial.ats == pb.ATS_GREENHOUSE and commercial.source == src.name
    assert commercial.location == "Hybrid - London" and commercial.workplace_type == pb.WORKPLACE_TYPE_HYBRID
    assert commercial.apply_url == f"{board_url}/greenhouse/vercel/jobs/6136160004"
    assert {"First Name", "Email", "Resume"} <= {q.label for q in commercial.questions}
    assert commercial.description_text and commercial.posted_time.seconds > 0

    details_before = sum("/jobs/" in path for path in registry.requests)
    again = await _sync(stub, user_a, src)
    r = again.result
    assert (r.added, r.updated, r.closed, r.unchanged) == (0, 0, 0, 3)
    assert sum("/jobs/" in path for path in registry.requests) == details_before  # unchanged: no detail calls
    after = await _board_jobs(stub, user_a, "vercel")
    assert [j.update_time for j in after] == [j.update_time for j in jobs]
    assert [list(j.questions) for j in after] == [list(j.questions) for j in jobs]


async def test_lever_board(stub: pb_grpc.JobServiceStub, user_a: User, board_url: str) -> None:
    src = await _source(stub, user_a, pb.ATS_LEVER, "voltus", board_url)
    assert (await _sync(stub, user_a, src)).result.added == 3
    jobs = {j.title: j for j in await _board_jobs(stub, user_a, "voltus")}
    marketing = jobs["Director of Product Marketing"]
    assert marketing.remote and marketing.workplace_type == pb.WORKPLACE_TYPE_REMOTE
    assert marketing.location == "Remote" and marketing.employment_type == "FullTime"
    assert marketing.apply_url == f"{board_url}/lever/voltus/e966b65f-09d3-48e1-b96f-508be800ec4f/apply"
    technician = jobs["Hardware Production Technician"]
    assert technician.location == "Georgetown,TX" and not technician.remote
    assert (await _sync(stub, user_a, src)).result.unchanged == 3
    by_source = await stub.ListJobs(
        pb.ListJobsRequest(filter=f'source = "{src.name}"'), metadata=user_a.metadata
    )
    assert len(by_source.jobs) == 3
    other = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    none = await stub.ListJobs(
        pb.ListJobsRequest(filter=f'source = "{other.name}"'), metadata=user_a.metadata
    )
    assert list(none.jobs) == []


async def test_ashby_board(stub: pb_grpc.JobServiceStub, user_a: User, board_url: str) -> None:
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    assert (await _sync(stub, user_a, src)).result.added == 3
    jobs = await _board_jobs(stub, user_a, "gimlet")
    assert {j.title for j in jobs} == {
        "Member of Technical Staff - Compiler Engineer",
        "Member of Technical Staff - Distributed Systems",
        "Member of Technical Staff - Kernels & GPU Performance",
    }
    assert all(
        j.location == "San Francisco, CA" and j.workplace_type == pb.WORKPLACE_TYPE_ON_SITE for j in jobs
    )
    assert all(j.employment_type == "FullTime" and j.apply_url.startswith(board_url) for j in jobs)
    found = await stub.SearchJobs(pb.SearchJobsRequest(query="compiler"), metadata=user_a.metadata)
    assert found.jobs[0].title == "Member of Technical Staff - Compiler Engineer"  # the title match first


async def test_changed_board_updates_closes_and_reopens(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    src = await _source(stub, user_a, pb.ATS_LEVER, "voltus", board_url)
    await _sync(stub, user_a, src)
    before = {j.external_id: j for j in await _board_jobs(stub, user_a, "voltus")}
    changed, removed, kept = sorted(before)
    registry.update_job("lever", "voltus", changed, text="Director of Growth Marketing")
    registry.remove_job("lever", "voltus", removed)
    r = (await _sync(stub, user_a, src)).result
    assert (r.added, r.updated, r.closed, r.unchanged) == (0, 1, 1, 1)
    now = {j.external_id: j for j in await _board_jobs(stub, user_a, "voltus")}
    assert set(now) == {changed, kept}
    assert now[changed].title == "Director of Growth Marketing"
    assert now[changed].update_time.ToDatetime() > before[changed].update_time.ToDatetime()
    assert now[kept].update_time == before[kept].update_time
    gone = (await stub.GetJob(pb.GetJobRequest(name=before[removed].name), metadata=user_a.metadata)).job
    assert gone.state == pb.JOB_STATE_CLOSED and gone.HasField("close_time")
    assert [j.external_id for j in await _board_jobs(stub, user_a, "voltus", closed=True)] == [removed]
    source_now = (
        await stub.GetJobSource(pb.GetJobSourceRequest(name=src.name), metadata=user_a.metadata)
    ).source
    assert source_now.job_count == 2

    registry.set_jobs("lever", "voltus", [*registry.jobs("lever", "voltus"), _lever_job(removed, board_url)])
    r = (await _sync(stub, user_a, src)).result
    assert (r.updated, r.closed, r.unchanged) == (1, 0, 2)
    back = (await stub.GetJob(pb.GetJobRequest(name=before[removed].name), metadata=user_a.metadata)).job
    assert back.state == pb.JOB_STATE_OPEN and not back.HasField("close_time")


def _lever_job(job_id: str, board_url: str) -> dict[str, object]:
    return {
        "id": job_id,
        "text": "Returning Role",
        "categories": {"location": "Remote"},
        "description": "<p>x</p>",
    }


async def test_garbage_board_leaves_the_catalog_intact(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    first = await _sync(stub, user_a, src)
    registry.inject_fault("ashby", "gimlet", Fault("garbage"))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _sync(stub, user_a, src)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert reason(err.value) == "BOARD_UNREADABLE"
    assert len(await _board_jobs(stub, user_a, "gimlet")) == 3
    after = (await stub.GetJobSource(pb.GetJobSourceRequest(name=src.name), metadata=user_a.metadata)).source
    assert after.last_sync_time == first.source.last_sync_time
    assert after.last_sync.errors and "JSON" in after.last_sync.errors[0]
    assert after.job_count == 3


async def test_missing_board_and_unreachable_board(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    missing = await _source(stub, user_a, pb.ATS_GREENHOUSE, "nosuchboard", board_url)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _sync(stub, user_a, missing)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION and reason(err.value) == "BOARD_NOT_FOUND"
    registry.inject_fault("lever", "voltus", Fault("error", times=10, status=503))
    down = await _source(stub, user_a, pb.ATS_LEVER, "voltus", board_url)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _sync(stub, user_a, down)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert await _board_jobs(stub, user_a, "voltus") == []


async def test_bad_postings_are_skipped_and_counted(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    registry.add_job("ashby", "gimlet", {"id": "broken-1", "title": None, "location": "x"})
    registry.add_job("ashby", "gimlet", {"id": "broken-2", "title": ["not", "text"]})
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    r = (await _sync(stub, user_a, src)).result
    assert (r.added, r.skipped) == (3, 2)
    assert len(r.errors) == 2 and all("broken" in e for e in r.errors)


async def test_concurrent_syncs_of_one_board_serialise(
    stub: pb_grpc.JobServiceStub, user_a: User, user_b: User, board_url: str
) -> None:
    mine = await _source(stub, user_a, pb.ATS_GREENHOUSE, "vercel", board_url)
    theirs = await _source(stub, user_b, pb.ATS_GREENHOUSE, "vercel", board_url)
    answers = await asyncio.gather(
        _sync(stub, user_a, mine), _sync(stub, user_b, theirs), _sync(stub, user_a, mine)
    )
    assert sorted(a.result.added for a in answers) == [0, 0, 3]
    assert sorted(a.result.unchanged for a in answers) == [0, 3, 3]
    assert len(await _board_jobs(stub, user_a, "vercel")) == 3


async def test_duplicates_link_to_the_canonical_posting_and_take_over_when_it_closes(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    src = await _source(stub, user_a, pb.ATS_LEVER, "voltus", board_url)
    await _sync(stub, user_a, src)
    original = next(
        j for j in await _board_jobs(stub, user_a, "voltus") if j.title == "Director of Product Marketing"
    )
    copy = job("Dir. of Product Marketing", "Voltus, Inc.", location="remote")
    duplicate = (await stub.CreateJob(pb.CreateJobRequest(job=copy), metadata=user_a.metadata)).job
    assert duplicate.canonical_job == original.name
    found = await stub.SearchJobs(pb.SearchJobsRequest(query="product marketing"), metadata=user_a.metadata)
    names = [j.name for j in found.jobs]
    assert original.name in names and duplicate.name not in names
    listed = await stub.ListJobs(
        pb.ListJobsRequest(filter='company = "Voltus, Inc."'), metadata=user_a.metadata
    )
    assert list(listed.jobs) == []

    registry.remove_job("lever", "voltus", original.external_id)
    await _sync(stub, user_a, src)
    found = await stub.SearchJobs(pb.SearchJobsRequest(query="product marketing"), metadata=user_a.metadata)
    names = [j.name for j in found.jobs]
    assert duplicate.name in names and original.name not in names
    taken_over = (await stub.GetJob(pb.GetJobRequest(name=duplicate.name), metadata=user_a.metadata)).job
    assert taken_over.canonical_job == ""
    closed = (await stub.GetJob(pb.GetJobRequest(name=original.name), metadata=user_a.metadata)).job
    assert closed.canonical_job == duplicate.name
