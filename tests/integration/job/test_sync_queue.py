"""Syncs through the Job service's own arq queue: manual syncs run as jobs, the scheduler enqueues
each due source once however often it runs, and the service stops its worker cleanly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.jobs import Job
from sqlalchemy import text

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from services.common.runtime import RunningService, start_service
from services.common.settings import Settings
from services.job.__main__ import SPEC
from services.job.schedule import due_syncs
from services.job.sync_queue import SYNC_QUEUE, schedule_due_syncs
from tests.conftest import StartServices
from tests.integration.job.conftest import User
from tests.sites.boards import BoardRegistry, Fault, serve_boards

ASHBY_LIST = "/posting-api/job-board/gimlet"


@pytest.fixture
def registry() -> BoardRegistry:
    return BoardRegistry.from_fixtures()


@pytest.fixture
async def board_url(registry: BoardRegistry) -> AsyncIterator[str]:
    async with serve_boards(registry) as url:
        yield url


@pytest.fixture
async def service(start_services: StartServices) -> RunningService:
    return (await start_services(("job", SPEC)))["job"]


@pytest.fixture
async def stub(service: RunningService) -> AsyncIterator[pb_grpc.JobServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        yield pb_grpc.JobServiceStub(channel)


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[ArqRedis]:
    assert settings.redis_url
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url), default_queue_name=SYNC_QUEUE)
    yield pool
    await pool.aclose()


def _ctx(redis: ArqRedis, service: RunningService) -> dict[str, Any]:
    """What the worker gives the cron function."""
    return {"redis": redis, "sessions": service.resources.sessions}


async def _source(
    stub: pb_grpc.JobServiceStub, user: User, kind: int, board: str, base_url: str
) -> pb.JobSource:
    request = pb.CreateJobSourceRequest(source=pb.JobSource(kind=kind, board=board, base_url=base_url))
    return (await stub.CreateJobSource(request, metadata=user.metadata)).source


async def _sync(stub: pb_grpc.JobServiceStub, user: User, source: pb.JobSource) -> pb.SyncJobSourceResponse:
    return await stub.SyncJobSource(pb.SyncJobSourceRequest(name=source.name), metadata=user.metadata)


async def _get(stub: pb_grpc.JobServiceStub, user: User, source: pb.JobSource) -> pb.JobSource:
    return (await stub.GetJobSource(pb.GetJobSourceRequest(name=source.name), metadata=user.metadata)).source


def _id(source: pb.JobSource) -> str:
    return source.name.removeprefix("sources/")


async def _results(redis: ArqRedis, source: pb.JobSource) -> list[Any]:
    """The stored arq results of the sync jobs of a source."""
    keys = sorted(await redis.keys(f"arq:result:sync:{_id(source)}:*"))
    infos = [await Job(k.decode().removeprefix("arq:result:"), redis).result_info() for k in keys]
    return [info for info in infos if info is not None]


async def _clear_of_cron_tick() -> None:
    """The service's own cron scans at each minute's start (enqueueing up to a second early); a
    test that makes sources due and counts what it enqueues starts with at least 8s before the
    next scan, so that scan cannot take its jobs first."""
    now = datetime.now()
    second = now.second + now.microsecond / 1e6
    if second >= 50 or second < 1.5:
        await asyncio.sleep((61.5 - second) % 60)


async def _created_long_ago(service: RunningService, source: pb.JobSource) -> None:
    """Moves a source's creation an hour into the past, so that it is due if never synced."""
    async with service.resources.sessions() as s, s.begin():
        await s.execute(
            text("update job.sources set create_time = create_time - interval '1 hour' where id = :id"),
            {"id": _id(source)},
        )


async def _until_fetched(registry: BoardRegistry) -> None:
    """Waits until a sync has asked the board for its postings."""
    for _ in range(500):
        if any(path.startswith(ASHBY_LIST) for path in registry.requests):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("no sync fetched the board within 10s")


async def _backdate(service: RunningService, source: pb.JobSource, hours: float) -> None:
    """Moves a source's last sync attempt `hours` into the past."""
    when = datetime.now(UTC) - timedelta(hours=hours)
    async with service.resources.sessions() as s, s.begin():
        await s.execute(
            text(
                "update job.sources set last_sync_time = :t,"
                " last_sync = last_sync || jsonb_build_object('end_time', cast(:iso as text)) where id = :id"
            ),
            {"t": when, "iso": when.isoformat(), "id": _id(source)},
        )


async def test_a_manual_sync_runs_as_a_job_on_the_sync_queue(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, redis: ArqRedis
) -> None:
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    answer = await _sync(stub, user_a, src)
    r = answer.result
    assert (r.added, r.updated, r.closed, r.unchanged) == (3, 0, 0, 0)
    assert answer.source.job_count == 3 and answer.source.last_sync.added == 3
    [result] = await _results(redis, src)
    assert result.success and result.function == "sync_source" and result.queue_name == SYNC_QUEUE
    assert result.result["outcome"] == "synced" and result.result["report"]["added"] == 3
    assert await redis.zcard("arq:queue") == 0  # the automation pool's queue never saw it


async def test_concurrent_manual_syncs_of_one_source_both_answer(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, redis: ArqRedis, registry: BoardRegistry
) -> None:
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    answers = await asyncio.gather(_sync(stub, user_a, src), _sync(stub, user_a, src))
    assert sorted((a.result.added, a.result.unchanged) for a in answers) == [(0, 3), (3, 0)]
    assert registry.requests.count(f"{ASHBY_LIST}?includeCompensation=true") == 2
    assert len(await _results(redis, src)) == 2


async def test_failures_keep_their_status_through_the_queue(
    stub: pb_grpc.JobServiceStub, user_a: User, board_url: str, registry: BoardRegistry
) -> None:
    missing = await _source(stub, user_a, pb.ATS_GREENHOUSE, "nosuchboard", board_url)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _sync(stub, user_a, missing)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    registry.inject_fault("lever", "voltus", Fault("error", times=10, status=503))
    down = await _source(stub, user_a, pb.ATS_LEVER, "voltus", board_url)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _sync(stub, user_a, down)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert (await _get(stub, user_a, down)).last_sync.errors


async def test_the_scheduler_syncs_due_sources_only(
    stub: pb_grpc.JobServiceStub,
    user_a: User,
    user_b: User,
    board_url: str,
    redis: ArqRedis,
    service: RunningService,
    registry: BoardRegistry,
) -> None:
    await _clear_of_cron_tick()
    never = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    recent = await _source(stub, user_a, pb.ATS_GREENHOUSE, "vercel", board_url)
    stale = await _source(stub, user_b, pb.ATS_LEVER, "voltus", board_url)
    new = await _source(stub, user_b, pb.ATS_ASHBY, "gimlet", board_url)  # left for its client to sync
    await _created_long_ago(service, never)
    await _sync(stub, user_a, recent)
    await _sync(stub, user_b, stale)
    await _backdate(service, stale, hours=2)
    stale_before = await _get(stub, user_b, stale)
    recent_before = await _get(stub, user_a, recent)
    vercel_requests = sum("/vercel/" in path for path in registry.requests)

    planned = await due_syncs(service.resources.sessions, datetime.now(UTC))
    assert {d.source_id for d in planned} == {_id(never), _id(stale)}
    assert await schedule_due_syncs(_ctx(redis, service)) == 2
    for due in planned:
        outcome = await Job(due.job_id, redis, _queue_name=SYNC_QUEUE).result(timeout=30, poll_delay=0.05)
        assert outcome["outcome"] == "synced"

    assert (await _get(stub, user_a, never)).job_count == 3
    stale_after = await _get(stub, user_b, stale)
    assert stale_after.last_sync_time.ToDatetime() > stale_before.last_sync_time.ToDatetime()
    assert stale_after.last_sync.unchanged == 3
    assert (await _get(stub, user_a, recent)).last_sync_time == recent_before.last_sync_time
    assert sum("/vercel/" in path for path in registry.requests) == vercel_requests
    assert await due_syncs(service.resources.sessions, datetime.now(UTC)) == []
    assert not (await _get(stub, user_b, new)).HasField("last_sync_time")
    later = await due_syncs(service.resources.sessions, datetime.now(UTC) + timedelta(minutes=4))
    assert [d.source_id for d in later] == [_id(new)]


async def test_a_due_sync_scheduled_twice_runs_once(
    stub: pb_grpc.JobServiceStub,
    user_a: User,
    board_url: str,
    redis: ArqRedis,
    service: RunningService,
    registry: BoardRegistry,
    settings: Settings,
) -> None:
    await _clear_of_cron_tick()
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    await _created_long_ago(service, src)
    assert settings.redis_url
    replica = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        counts = await asyncio.gather(
            schedule_due_syncs(_ctx(redis, service)), schedule_due_syncs(_ctx(replica, service))
        )
        assert sorted(counts) == [0, 1]
        assert await schedule_due_syncs(_ctx(redis, service)) == 0
        [due] = await due_syncs(service.resources.sessions, datetime.now(UTC))
        await Job(due.job_id, redis, _queue_name=SYNC_QUEUE).result(timeout=30, poll_delay=0.05)
        assert await schedule_due_syncs(_ctx(replica, service)) == 0  # synced: no longer due
    finally:
        await replica.aclose()
    assert sum(path.startswith(ASHBY_LIST) for path in registry.requests) == 1
    assert len(await _results(redis, src)) == 1
    assert (await _get(stub, user_a, src)).job_count == 3


async def test_without_redis_the_sync_runs_in_the_call(
    settings: Settings, user_a: User, board_url: str, redis: ArqRedis
) -> None:
    running = await start_service(SPEC, settings.with_(redis_url=None), port=0)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = pb_grpc.JobServiceStub(channel)
            src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
            assert (await _sync(stub, user_a, src)).result.added == 3
    finally:
        await running.stop(grace=None)
    assert await redis.keys("arq:*") == []


async def test_stopping_the_service_cancels_a_running_sync_and_requeues_it(
    settings: Settings, user_a: User, board_url: str, redis: ArqRedis, registry: BoardRegistry
) -> None:
    running = await start_service(SPEC, settings, port=0)
    stopped = False
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = pb_grpc.JobServiceStub(channel)
            src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
            registry.inject_fault("ashby", "gimlet", Fault("slow", delay=10.0))
            call = asyncio.ensure_future(_sync(stub, user_a, src))
            await _until_fetched(registry)
            start = time.monotonic()
            await running.stop(grace=None)
            stopped = True
            assert time.monotonic() - start < 6  # well before the slow board answers
            with pytest.raises(grpc.aio.AioRpcError):
                await call
    finally:
        if not stopped:
            await running.stop(grace=None)
    [job_id] = await redis.zrange(SYNC_QUEUE, 0, -1)
    assert job_id.decode().startswith(f"sync:{_id(src)}:manual-")
    assert await redis.keys("arq:in-progress:*") == []


async def test_a_scheduled_sync_skips_a_source_synced_while_it_waited(
    stub: pb_grpc.JobServiceStub,
    user_a: User,
    board_url: str,
    redis: ArqRedis,
    service: RunningService,
    registry: BoardRegistry,
) -> None:
    await _clear_of_cron_tick()
    src = await _source(stub, user_a, pb.ATS_ASHBY, "gimlet", board_url)
    await _created_long_ago(service, src)
    registry.inject_fault("ashby", "gimlet", Fault("slow", delay=1.0))
    manual = asyncio.ensure_future(_sync(stub, user_a, src))
    await _until_fetched(registry)  # the manual sync holds the board's lock while it fetches
    [due] = await due_syncs(service.resources.sessions, datetime.now(UTC))  # the manual one not done yet
    assert await schedule_due_syncs(_ctx(redis, service)) == 1
    outcome = await Job(due.job_id, redis, _queue_name=SYNC_QUEUE).result(timeout=30, poll_delay=0.05)
    assert outcome == {"outcome": "not_due", "report": None}
    assert (await manual).result.added == 3
    assert sum(path.startswith(ASHBY_LIST) for path in registry.requests) == 1
