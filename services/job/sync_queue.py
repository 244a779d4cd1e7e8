"""Board syncs as arq jobs, run by a small arq worker inside each Job service process.

The worker reads its own queue (`SYNC_QUEUE`), never arq's default one, so the automation
worker pool never picks a sync up and the Job service alone writes the `job` schema. A cron job
enqueues the scheduled syncs every minute; a manual SyncJobSource enqueues one sync and waits
for its result. Job ids make each due sync run once however many replicas see it due.

It only queues and runs syncs: what a sync does is `sync.py`, when one is due `schedule.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from arq import cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import in_progress_key_prefix
from arq.worker import Worker, func

from services.common.errors import NotFound, Unavailable
from services.job.domain import SyncReport
from services.job.schedule import due_syncs
from services.job.sync import SyncDeps, sync_if_due, sync_source

log = logging.getLogger("jobmesh.job.sync_queue")

SYNC_QUEUE = "jobmesh:sync"
SYNC_FUNCTION = "sync_source"
CONCURRENCY = 4
TRIES = 3
KEEP_RESULT_SECONDS = 3600
POLL_SECONDS = 0.2
RESULT_POLL_SECONDS = 0.1
# Time for a manual sync to wait in the queue on top of its run time before the caller gives up.
QUEUE_SLACK_SECONDS = 30.0
STOP_SECONDS = 5.0
RESTART_SECONDS = 2.0

SYNCED, NOT_DUE, NOT_FOUND = "synced", "not_due", "not_found"


async def sync_source_task(ctx: dict[str, Any], source_id: str, due: str | None = None) -> dict[str, Any]:
    """arq task: syncs one source; with `due` (ISO time) only if it is still due since then.
    Returns plain data: the outcome and, when synced, the report as stored on the source."""
    deps: SyncDeps = ctx["sync_deps"]
    try:
        if due is None:
            report: SyncReport | None = await sync_source(deps, source_id)
        else:
            report = await sync_if_due(deps, source_id, datetime.fromisoformat(due))
    except NotFound:
        return {"outcome": NOT_FOUND, "report": None}
    if report is None:
        return {"outcome": NOT_DUE, "report": None}
    return {"outcome": SYNCED, "report": report.to_json()}


async def schedule_due_syncs(ctx: dict[str, Any]) -> int:
    """arq cron task: enqueues a sync of every due source; returns how many were new to the queue."""
    redis: ArqRedis = ctx["redis"]
    due = await due_syncs(ctx["sessions"], datetime.now(UTC))
    enqueued = 0
    for sync in due:
        job = await redis.enqueue_job(
            SYNC_FUNCTION, sync.source_id, sync.due.isoformat(), _job_id=sync.job_id, _queue_name=SYNC_QUEUE
        )
        enqueued += job is not None
    if due:
        log.info("scheduled syncs", extra={"event": "job.sync.scheduled", "due": len(due), "new": enqueued})
    return enqueued


class SyncRunner(Protocol):
    """Runs a manual sync of a source and returns its report (None when the source is gone),
    waiting at most `wait_seconds` (None: as long as a sync may take)."""

    async def run(self, source_id: str, wait_seconds: float | None) -> SyncReport | None: ...


class InProcessSyncs:
    """Syncs in the calling task: the fallback when no Redis is configured."""

    def __init__(self, deps: SyncDeps):
        self.deps = deps

    async def run(self, source_id: str, wait_seconds: float | None) -> SyncReport | None:
        try:
            return await sync_source(self.deps, source_id)
        except NotFound:
            return None


class QueuedSyncs:
    """Enqueues a manual sync on the sync queue and waits for its result."""

    def __init__(self, redis: ArqRedis, run_seconds: float):
        self.redis = redis
        self.max_wait = run_seconds + QUEUE_SLACK_SECONDS

    async def run(self, source_id: str, wait_seconds: float | None) -> SyncReport | None:
        wait = self.max_wait if wait_seconds is None else max(0.0, min(wait_seconds, self.max_wait))
        job_id = f"sync:{source_id}:manual-{uuid.uuid4().hex}"
        job = await self.redis.enqueue_job(SYNC_FUNCTION, source_id, _job_id=job_id, _queue_name=SYNC_QUEUE)
        if job is None:
            raise Unavailable("the sync could not be queued", reason="SYNC_NOT_QUEUED")
        try:
            result = await job.result(timeout=wait, poll_delay=RESULT_POLL_SECONDS)
        except TimeoutError as exc:
            # The sync itself goes on; its outcome is recorded on the source when it ends.
            raise Unavailable(
                f"the sync did not finish within {wait:.0f}s; its outcome will be on the source",
                reason="SYNC_TIMEOUT",
            ) from exc
        except Exception as exc:
            log.warning("sync job failed", extra={"job_id": job_id, "error": repr(exc)})
            raise Unavailable("the sync failed; try again", reason="SYNC_FAILED") from exc
        if result["outcome"] == NOT_FOUND:
            return None
        return SyncReport.from_json(result["report"])


def create_sync_worker(redis: ArqRedis, ctx: dict[str, Any], run_seconds: float) -> Worker:
    """An arq worker for the sync queue over `redis`; `ctx` carries `sync_deps` and `sessions`."""
    return Worker(
        functions=[func(sync_source_task, name=SYNC_FUNCTION, timeout=run_seconds, max_tries=TRIES)],
        cron_jobs=[
            cron(
                schedule_due_syncs,
                name="schedule_due_syncs",
                second=0,
                unique=True,
                run_at_startup=False,
                timeout=50,
                keep_result=60,
            )
        ],
        queue_name=SYNC_QUEUE,
        redis_pool=redis,
        max_jobs=CONCURRENCY,
        job_timeout=run_seconds,
        keep_result=KEEP_RESULT_SECONDS,
        poll_delay=POLL_SECONDS,
        handle_signals=False,
        ctx=ctx,
    )


async def _supervise(worker: Worker) -> None:
    # A lost Redis connection ends arq's poll loop; the jobs it started go on, and so must polling.
    while True:
        try:
            await worker.main()
        except Exception:
            log.exception("sync worker stopped; restarting", extra={"event": "job.sync.worker_restart"})
        await asyncio.sleep(RESTART_SECONDS)


async def start_sync_worker(
    redis_url: str, deps: SyncDeps, run_seconds: float
) -> tuple[QueuedSyncs, Callable[[], Awaitable[None]]]:
    """Starts the sync worker in this process; returns the manual runner and the stop function."""
    redis = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=SYNC_QUEUE)
    worker = create_sync_worker(redis, {"sync_deps": deps, "sessions": deps.sessions}, run_seconds)
    main = asyncio.create_task(_supervise(worker), name="job-sync-worker")
    worker.main_task = main

    async def stop() -> None:
        """Cancels polling and the running syncs (arq puts those back on the queue for another
        replica) and waits for them, within STOP_SECONDS."""
        jobs = dict(worker.tasks)
        tasks = [main, *jobs.values()]
        for task in tasks:
            task.cancel()
        done, pending = await asyncio.wait(tasks, timeout=STOP_SECONDS)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.warning("sync job ended badly on stop", extra={"error": repr(task.exception())})
        if pending:
            log.warning("sync jobs still running after stop", extra={"count": len(pending)})
        # A job cancelled before its function started skips arq's own clean-up, and its
        # in-progress mark would keep every replica off it until the mark expires.
        unstarted = [in_progress_key_prefix + job_id for job_id, task in jobs.items() if task.cancelled()]
        with contextlib.suppress(Exception):
            await redis.delete(worker.health_check_key, *unstarted)
        await redis.aclose()

    return QueuedSyncs(redis, run_seconds), stop
