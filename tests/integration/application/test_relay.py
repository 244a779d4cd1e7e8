"""The outbox relay hands work to arq exactly once per version, and the reconciler restores lost work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from arq.connections import ArqRedis

from services.application.relay import Relay, apply_job_id
from services.application.service import NewApplication
from services.common.settings import Settings

from .conftest import Env


@pytest.fixture
async def relay(env: Env, settings: Settings) -> AsyncIterator[Relay]:
    assert settings.redis_url and env.service.hub
    relay = Relay(env.resources.sessions, settings.redis_url, env.service.hub, stale_after=60)
    relay.queue = await _pool(settings.redis_url)
    yield relay
    await relay.queue.aclose()


async def _pool(url: str) -> ArqRedis:
    from arq.connections import RedisSettings, create_pool

    return await create_pool(RedisSettings.from_dsn(url))


async def _jobs(relay: Relay) -> set[str]:
    assert relay.queue is not None
    return {key.decode().removeprefix("arq:job:") for key in await relay.queue.keys("arq:job:*")}


def new(job: str) -> NewApplication:
    return NewApplication(profile="profiles/alice-1", job=job, mode="SUBMIT", resume="", cover_letter="")


async def test_dispatch_enqueues_each_outbox_row_once(env: Env, relay: Relay) -> None:
    row = await env.service.create(new("jobs/j1"), "")
    assert await relay.dispatch() == 1
    assert await relay.dispatch() == 0
    assert await _jobs(relay) == {apply_job_id(row.id, 1)}


async def test_reconcile_restores_queued_work_that_redis_lost(env: Env, relay: Relay) -> None:
    row = await env.service.create(new("jobs/j1"), "")
    await relay.dispatch()
    assert relay.queue is not None
    await relay.queue.flushdb()  # Redis restarted empty
    await env.force_state(
        f"applications/{row.id}", "QUEUED", update_time=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert await relay.reconcile() == 1
    assert await relay.reconcile() == 0  # the job now exists: a second pass is a no-op
    assert len(await _jobs(relay)) == 1


async def test_reconcile_requeues_applications_a_dead_worker_left_running_or_submitting(
    env: Env, relay: Relay
) -> None:
    old = datetime.now(UTC) - timedelta(minutes=5)
    running = await env.service.create(new("jobs/j1"), "")
    submitting = await env.service.create(new("jobs/j2"), "")
    fresh = await env.service.create(new("jobs/j3"), "")
    await env.force_state(f"applications/{running.id}", "RUNNING", update_time=old)
    await env.force_state(f"applications/{submitting.id}", "SUBMITTING", update_time=old)
    await env.force_state(f"applications/{fresh.id}", "RUNNING", update_time=datetime.now(UTC))
    assert await relay.reconcile() == 2
    queued_for = {job.split(":")[1] for job in await _jobs(relay)}
    assert queued_for == {running.id, submitting.id}
