"""The worker pool process: `jobmesh worker` / `python -m services.automation.worker`.

arq on Redis hands out `apply` jobs; each process keeps ONE Chromium (started in
`on_startup`) and runs up to JOBMESH_WORKER_CONCURRENCY applications at once, each
in a fresh browser context. Start as many processes, on as many machines, as the
queue needs: they coordinate only through Redis and the Application ledger.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

from arq.connections import RedisSettings
from arq.worker import func
from redis.asyncio import Redis

from services.automation.browser import BrowserPool
from services.automation.faults import FaultPause
from services.automation.limits import CircuitBreaker, SiteLimits, TokenBucket
from services.automation.mesh import Mesh
from services.automation.migrations_path import MIGRATIONS
from services.automation.pipeline import Deps, ats_hosts, run_application
from services.automation.queue_stats import heartbeat
from services.automation.runs import Runs
from services.automation.wake import WakeableWorker
from services.common.blobs import open_blob_store
from services.common.crypto import Envelope
from services.common.logs import configure_logging
from services.common.migrations import migrate
from services.common.netguard import NetworkGuard
from services.common.runtime import build_resources
from services.common.settings import Settings
from services.common.telemetry import configure_tracing

log = logging.getLogger("jobmesh.worker")

HEARTBEAT_SECONDS = 10


async def apply(ctx: dict[str, Any], name: str) -> str:
    """arq task: run one application (claim → plan → review/submit → outcome)."""
    deps: Deps = ctx["deps"]
    return await run_application(deps, name)


async def _beat(redis: Redis, worker_id: str) -> None:
    while True:
        await heartbeat(redis, worker_id, HEARTBEAT_SECONDS * 3)
        await asyncio.sleep(HEARTBEAT_SECONDS)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    fault = FaultPause.parse(settings.fault_pause)  # before anything starts: a typo fails fast
    resources = await build_resources(settings, "automation")
    await migrate(resources.engine, MIGRATIONS, "automation")
    blobs = open_blob_store(settings)
    pool = BrowserPool.from_settings(settings)
    await pool.browser()
    redis: Redis = ctx["redis"]
    ctx["resources"] = resources
    ctx["pool"] = pool
    ctx["blobs"] = blobs
    ctx["heartbeat"] = asyncio.create_task(_beat(redis, worker_id))
    ctx["deps"] = Deps(
        mesh=Mesh(resources.channels, resources.tokens, worker_id),
        pool=pool,
        runs=Runs(resources.sessions, blobs, Envelope(resources.master_key)),
        guard=NetworkGuard(settings.allowed_hosts, ats_hosts()),
        limits=SiteLimits(
            TokenBucket(redis), per_site_rate=1.0, per_site_burst=5, per_user_rate=0.5, per_user_burst=5
        ),
        breaker=CircuitBreaker(redis),
        max_attempts=settings.max_attempts,
        fault=fault,
        trace=settings.trace,
    )
    log.info("worker ready", extra={"worker": worker_id, "concurrency": settings.worker_concurrency})


async def shutdown(ctx: dict[str, Any]) -> None:
    task = ctx.get("heartbeat")
    if task is not None:
        task.cancel()
    if "pool" in ctx:
        await ctx["pool"].close()
    if "blobs" in ctx:
        await ctx["blobs"].close()
    if "resources" in ctx:
        await ctx["resources"].close()


def create_worker(settings: Settings, **overrides: Any) -> WakeableWorker:
    """An arq worker for `settings` (tests pass burst=True and short timeouts)."""
    if not settings.redis_url:
        raise ValueError("JOBMESH_REDIS_URL is not set (`jobmesh run` starts an embedded Valkey)")
    options: dict[str, Any] = {
        "functions": [func(apply, name="apply", timeout=settings.job_timeout_seconds, max_tries=5)],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_jobs": settings.worker_concurrency,
        "job_timeout": settings.job_timeout_seconds,
        "keep_result": 3600,
        "ctx": {"settings": settings},
        "handle_signals": True,
        "health_check_interval": HEARTBEAT_SECONDS,
    }
    options.update(overrides)
    # Woken by the relay's message (wake.py) rather than a short poll timer: enqueue → start is
    # a Redis round trip, and an idle worker reads its queue twice a second instead of 20 times.
    return WakeableWorker(**options)


def main() -> None:
    settings = Settings.from_env()
    configure_logging("worker", level=settings.log_level, json_format=settings.log_json)
    configure_tracing("worker", settings.otlp_endpoint)
    create_worker(settings).run()


if __name__ == "__main__":
    main()
