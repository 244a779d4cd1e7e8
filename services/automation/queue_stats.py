"""How busy the worker pool is, read from arq's keys in Redis, plus the worker heartbeat it counts.

arq keeps one sorted set per queue, scored by the Unix time in ms at which a job may run;
a job stays in it while it runs, marked by an `arq:in-progress:<job_id>` key. arq's own
health-check key is one per queue (every worker overwrites it), so live workers are
counted from `jobmesh:worker:<worker_id>` keys that each worker refreshes with a TTL.
Like arq's workers, "now" is this machine's clock. This module only reads arq's keys.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

_IN_PROGRESS_PREFIX = "arq:in-progress:"
_WORKER_PREFIX = "jobmesh:worker:"
# Big queues are read in pages so no single reply (or pipeline) grows without bound.
_PAGE = 500


@dataclass(frozen=True)
class QueueStats:
    """A snapshot of one queue.

    `queued`: due jobs no worker has started; `in_progress`: jobs a worker is running;
    `workers`: live heartbeats for this queue; `oldest_queued`: when the longest-waiting
    queued job became due (UTC); `deferred`: jobs scheduled for later (including retries
    waiting out their back-off).
    """

    queued: int
    in_progress: int
    workers: int
    oldest_queued: datetime | None
    deferred: int


async def heartbeat(
    redis: Redis, worker_id: str, ttl_seconds: float, *, queue_name: str = "arq:queue"
) -> None:
    """Marks `worker_id` alive on `queue_name` for `ttl_seconds`; call it more often than the TTL."""
    ms = int(ttl_seconds * 1000)
    if ms <= 0:
        raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds}")
    await redis.set(_WORKER_PREFIX + worker_id, queue_name, px=ms)


async def stop_heartbeat(redis: Redis, worker_id: str) -> None:
    """Stops counting `worker_id` at once (on a clean shutdown) instead of after its TTL."""
    await redis.delete(_WORKER_PREFIX + worker_id)


async def keep_heartbeat(
    redis: Redis, worker_id: str, ttl_seconds: float, *, queue_name: str = "arq:queue"
) -> None:
    """Refreshes the heartbeat three times per TTL until cancelled, then removes it.

    Run it as a task from the worker's on_startup and cancel it in on_shutdown; a worker that
    dies without cancelling stops being counted when the TTL runs out.
    """
    try:
        while True:
            await heartbeat(redis, worker_id, ttl_seconds, queue_name=queue_name)
            await asyncio.sleep(ttl_seconds / 3)
    finally:
        await stop_heartbeat(redis, worker_id)


async def count_workers(redis: Redis, queue_name: str = "arq:queue") -> int:
    """Live heartbeats on `queue_name`."""
    count = 0
    keys: list[bytes | str] = []
    async for key in redis.scan_iter(match=_WORKER_PREFIX + "*", count=_PAGE):
        keys.append(key)
        if len(keys) >= _PAGE:
            count += await _count_on_queue(redis, keys, queue_name)
            keys = []
    if keys:
        count += await _count_on_queue(redis, keys, queue_name)
    return count


async def _count_on_queue(redis: Redis, keys: list[bytes | str], queue_name: str) -> int:
    # A heartbeat can expire between SCAN and MGET: its value is then None and it is not counted.
    values = await redis.mget(keys)
    wanted = queue_name.encode()
    return sum(1 for value in values if value is not None and _as_bytes(value) == wanted)


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


async def queue_stats(redis: Redis, queue_name: str = "arq:queue") -> QueueStats:
    """Counts queued, in-progress and deferred jobs of `queue_name` and the workers serving it."""
    now_ms = int(time.time() * 1000)
    deferred = int(await redis.zcount(queue_name, f"({now_ms}", "+inf"))
    queued = 0
    in_progress = 0
    oldest_ms: float | None = None
    offset = 0
    while True:
        page: list[tuple[bytes | str, float]] = await redis.zrangebyscore(
            queue_name, "-inf", now_ms, start=offset, num=_PAGE, withscores=True
        )
        if not page:
            break
        async with redis.pipeline(transaction=False) as pipe:
            for job_id, _ in page:
                pipe.exists(_IN_PROGRESS_PREFIX + _as_bytes(job_id).decode())
            running = await pipe.execute()
        for (_, score), is_running in zip(page, running, strict=True):
            if is_running:
                in_progress += 1
                continue
            queued += 1
            if oldest_ms is None or score < oldest_ms:
                oldest_ms = score
        offset += len(page)
        if len(page) < _PAGE:
            break
    oldest = None if oldest_ms is None else datetime.fromtimestamp(oldest_ms / 1000, tz=UTC)
    return QueueStats(
        queued=queued,
        in_progress=in_progress,
        workers=await count_workers(redis, queue_name),
        oldest_queued=oldest,
        deferred=deferred,
    )
