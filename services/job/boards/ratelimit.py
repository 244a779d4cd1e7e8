"""Per-host token buckets, so one client never hammers a board API however many syncs share it.

In-process only: limits across processes and machines belong to Redis, not here.
"""

from __future__ import annotations

import asyncio
import time


class _Bucket:
    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._updated = time.monotonic()
        # Held while waiting, so waiters are served in arrival order.
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
        self._updated = now

    async def take(self) -> None:
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1


class HostRateLimiter:
    """Allows `rate` requests per second per host, with bursts of up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = burst
        self._buckets: dict[str, _Bucket] = {}

    async def acquire(self, host: str) -> None:
        """Waits until one more request to `host` is allowed."""
        bucket = self._buckets.get(host)
        if bucket is None:
            bucket = self._buckets[host] = _Bucket(self._rate, self._burst)
        await bucket.take()
