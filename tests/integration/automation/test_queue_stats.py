"""Queue statistics over jobs enqueued and run by real arq, and the worker heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis
from arq import Worker, create_pool, func
from arq.connections import ArqRedis, RedisSettings

from services.automation.queue_stats import heartbeat, keep_heartbeat, queue_stats, stop_heartbeat


@pytest.fixture
async def arq_pool(redis_url: str) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    yield pool
    await pool.aclose()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_empty_queue(redis: aioredis.Redis) -> None:
    stats = await queue_stats(redis)
    assert (stats.queued, stats.in_progress, stats.deferred, stats.workers, stats.oldest_queued) == (
        0,
        0,
        0,
        0,
        None,
    )


async def test_due_and_deferred_jobs_are_counted_apart(arq_pool: ArqRedis, redis: aioredis.Redis) -> None:
    before = datetime.now(UTC)
    await arq_pool.enqueue_job("apply", 1)
    after = datetime.now(UTC)
    await asyncio.sleep(0.01)
    await arq_pool.enqueue_job("apply", 2)
    await arq_pool.enqueue_job("apply", 3, _defer_by=timedelta(minutes=5))
    await arq_pool.enqueue_job("apply", 4, _defer_by=0.3)
    await arq_pool.enqueue_job("apply", 5, _queue_name="arq:other")

    stats = await queue_stats(redis)
    assert (stats.queued, stats.deferred, stats.in_progress) == (2, 2, 0)
    assert stats.oldest_queued is not None
    # arq rounds enqueue times to the millisecond.
    assert before - timedelta(milliseconds=1) <= stats.oldest_queued <= after + timedelta(milliseconds=1)

    await asyncio.sleep(0.35)
    stats = await queue_stats(redis)
    assert (stats.queued, stats.deferred) == (3, 1)
    assert (await queue_stats(redis, "arq:other")).queued == 1


async def test_a_job_a_worker_is_running_is_in_progress_not_queued(
    arq_pool: ArqRedis, redis: aioredis.Redis
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def apply(ctx: dict[str, Any], n: int) -> int:
        started.set()
        await release.wait()
        return n

    first = await arq_pool.enqueue_job("apply", 1)
    await asyncio.sleep(0.01)
    await arq_pool.enqueue_job("apply", 2)
    await asyncio.sleep(0.01)
    second_enqueued = datetime.now(UTC)
    await arq_pool.enqueue_job("apply", 3)

    worker = Worker(
        functions=[func(apply, name="apply")],
        redis_pool=arq_pool,
        max_jobs=1,
        poll_delay=0.05,
        handle_signals=False,
    )
    running = asyncio.create_task(worker.async_run())
    try:
        await asyncio.wait_for(started.wait(), 10)
        stats = await queue_stats(redis)
        assert (stats.queued, stats.in_progress, stats.deferred) == (2, 1, 0)
        # The running job was the oldest; the oldest still waiting came after it.
        assert stats.oldest_queued is not None and stats.oldest_queued < second_enqueued

        release.set()
        assert first is not None and await first.result(timeout=10, poll_delay=0.05) == 1
        deadline = time.monotonic() + 10
        stats = await queue_stats(redis)
        while stats.queued or stats.in_progress:
            assert time.monotonic() < deadline, stats
            await asyncio.sleep(0.05)
            stats = await queue_stats(redis)
    finally:
        release.set()
        # Worker.close() would close the shared pool with a call redis deprecates; stop it as a signal does.
        worker.handle_sig(signal.SIGTERM)
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)


async def test_workers_are_counted_from_live_heartbeats(redis: aioredis.Redis) -> None:
    await heartbeat(redis, "host-a:1", 10)
    await heartbeat(redis, "host-b:1", 0.2)
    await heartbeat(redis, "host-c:1", 10, queue_name="arq:other")
    assert (await queue_stats(redis)).workers == 2
    assert (await queue_stats(redis, "arq:other")).workers == 1

    await asyncio.sleep(0.3)
    assert (await queue_stats(redis)).workers == 1
    await heartbeat(redis, "host-b:1", 10)
    assert (await queue_stats(redis)).workers == 2

    await stop_heartbeat(redis, "host-a:1")
    assert (await queue_stats(redis)).workers == 1


async def test_a_kept_heartbeat_outlives_its_ttl_and_goes_when_cancelled(redis: aioredis.Redis) -> None:
    keeping = asyncio.create_task(keep_heartbeat(redis, "host-a:7", 0.2))
    await asyncio.sleep(0.5)
    assert (await queue_stats(redis)).workers == 1
    keeping.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await keeping
    assert (await queue_stats(redis)).workers == 0
