"""Outbox relay and reconciler: from committed state changes to arq jobs, without loss.

The relay hands pending outbox rows to the queue (woken by NOTIFY when a row is
written, with a slow sweep as a safety net). Job ids are derived from the
application and its queued version, so handing the same work over twice is a
no-op in arq. The reconciler re-enqueues applications that are QUEUED but whose
job is not in Redis (Redis restarted, a job expired): at-least-once delivery,
with the ledger's leases making a second delivery harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from arq.connections import ArqRedis, RedisSettings, create_pool
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.application.repository import OUTBOX_TOPIC, ApplicationRepository, now
from services.application.states import State
from services.application.watch import EventHub

log = logging.getLogger("jobmesh.application.relay")

APPLY_FUNCTION = "apply"
# Workers listen here (services/automation/wake.py) so they start new work without waiting for a poll.
WAKE_CHANNEL = "jobmesh:queue:wake"


def apply_job_id(app_id: str, version: int) -> str:
    return f"apply:{app_id}:v{version}"


class Relay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis_url: str,
        hub: EventHub,
        *,
        sweep_seconds: float = 5.0,
        reconcile_seconds: float = 30.0,
        stale_after: float = 180.0,
    ):
        self.sessions = sessions
        self.redis_url = redis_url
        self.hub = hub
        self.sweep_seconds = sweep_seconds
        self.reconcile_seconds = reconcile_seconds
        self.stale_after = stale_after
        self.queue: ArqRedis | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.queue = await create_pool(RedisSettings.from_dsn(self.redis_url))
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.queue is not None:
            await self.queue.aclose()

    async def _run(self) -> None:
        last_reconcile = 0.0
        loop = asyncio.get_running_loop()
        async with self.hub.subscribe(OUTBOX_TOPIC) as wakeups:
            while True:
                try:
                    await self.dispatch()
                    if loop.time() - last_reconcile >= self.reconcile_seconds:
                        await self.reconcile()
                        last_reconcile = loop.time()
                except Exception:
                    log.exception("relay pass failed; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeups.get(), self.sweep_seconds)

    async def dispatch(self) -> int:
        """Enqueues every pending outbox row; returns how many were handed over."""
        assert self.queue is not None
        sent = 0
        while True:
            async with self.sessions() as session, session.begin():
                repo = ApplicationRepository(session)
                rows = await repo.pending_outbox(100)
                for row in rows:
                    await self.queue.enqueue_job(
                        APPLY_FUNCTION,
                        f"applications/{row.application_id}",
                        _job_id=apply_job_id(row.application_id, row.attempt),
                        _defer_until=row.not_before,
                    )
                await repo.mark_dispatched([r.id for r in rows])
            sent += len(rows)
            if rows:
                await self.queue.publish(WAKE_CHANNEL, b"1")
            if len(rows) < 100:
                return sent

    async def reconcile(self, older_than: float = 10.0) -> int:
        """Re-enqueues work Redis no longer holds: QUEUED applications whose job is missing, and
        RUNNING or SUBMITTING ones left behind by a worker whose job ran out of time or tries
        (the ledger then lets a new run reclaim them, or look for evidence of the submission)."""
        assert self.queue is not None
        async with self.sessions() as session:
            repo = ApplicationRepository(session)
            rows = await repo.in_state(State.QUEUED, before=now() - timedelta(seconds=older_than))
            stale = now() - timedelta(seconds=self.stale_after + older_than)
            rows += await repo.in_state(State.RUNNING, before=stale)
            rows += await repo.in_state(State.SUBMITTING, before=stale)
        restored = 0
        for row in rows:
            job_id = apply_job_id(row.id, row.version)
            if await self.queue.exists(
                f"arq:job:{job_id}", f"arq:in-progress:{job_id}", f"arq:result:{job_id}"
            ):
                continue
            if await self.queue.enqueue_job(APPLY_FUNCTION, f"applications/{row.id}", _job_id=job_id):
                restored += 1
                log.warning("re-enqueued lost work", extra={"application": row.id, "job_id": job_id})
        if restored:
            await self.queue.publish(WAKE_CHANNEL, b"1")
        return restored
