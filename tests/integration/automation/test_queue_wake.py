"""The worker starts queued work when woken, not when its (here: very slow) poll timer fires."""

from __future__ import annotations

import asyncio
import contextlib
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq import create_pool, func
from arq.connections import ArqRedis, RedisSettings

from services.application.relay import WAKE_CHANNEL as RELAY_CHANNEL
from services.automation.wake import WAKE_CHANNEL, WakeableWorker

# Far longer than any wait below: a job started within the test's limits was started by a wake-up.
SLOW_TIMER = 60.0


@pytest.fixture
async def arq_pool(redis_url: str) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    yield pool
    await pool.aclose()


@contextlib.asynccontextmanager
async def running(worker: WakeableWorker) -> AsyncIterator[None]:
    task = asyncio.create_task(worker.async_run())
    try:
        yield
    finally:
        with warnings.catch_warnings():
            # arq's close() calls a redis-py method deprecated in favour of aclose().
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _subscribed(pool: ArqRedis) -> None:
    deadline = time.monotonic() + 10
    while (await pool.pubsub_numsub(WAKE_CHANNEL))[0][1] < 1:
        assert time.monotonic() < deadline, "the worker never subscribed"
        await asyncio.sleep(0.02)


async def test_relay_and_worker_agree_on_the_channel() -> None:
    assert RELAY_CHANNEL == WAKE_CHANNEL


async def test_a_published_wake_up_starts_a_job_at_once_and_a_freed_slot_takes_the_next(
    arq_pool: ArqRedis, redis_url: str
) -> None:
    started: list[float] = []

    async def apply(ctx: dict[str, Any], n: int) -> int:
        started.append(time.monotonic())
        await asyncio.sleep(0.2)
        return n

    worker = WakeableWorker(
        functions=[func(apply, name="apply")],
        redis_settings=RedisSettings.from_dsn(redis_url),
        max_jobs=1,
        handle_signals=False,
        idle_poll=SLOW_TIMER,
    )
    async with running(worker):
        await _subscribed(arq_pool)
        await asyncio.sleep(0.3)  # the worker is now waiting on its slow timer
        sent = time.monotonic()
        first = await arq_pool.enqueue_job("apply", 1)
        second = await arq_pool.enqueue_job("apply", 2)
        await arq_pool.publish(WAKE_CHANNEL, b"1")
        assert first is not None and second is not None
        assert await first.result(timeout=10, poll_delay=0.05) == 1
        # max_jobs=1: the second job waited for the first and started when its slot was freed.
        assert await second.result(timeout=10, poll_delay=0.05) == 2
    assert len(started) == 2
    assert started[0] - sent < 2.0
    assert started[1] - started[0] < 2.0
    assert worker.wakeups >= 1


async def test_without_a_wake_up_the_timer_still_finds_the_job(arq_pool: ArqRedis, redis_url: str) -> None:
    async def apply(ctx: dict[str, Any], n: int) -> int:
        return n

    worker = WakeableWorker(
        functions=[func(apply, name="apply")],
        redis_settings=RedisSettings.from_dsn(redis_url),
        max_jobs=1,
        handle_signals=False,
        idle_poll=0.2,
    )
    async with running(worker):
        await _subscribed(arq_pool)
        job = await arq_pool.enqueue_job("apply", 7)  # nobody publishes
        assert job is not None and await job.result(timeout=10, poll_delay=0.05) == 7
    assert worker.wakeups == 0
