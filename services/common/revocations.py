"""Ended sessions, so an access token stops working when its session ends, not at its expiry.

Access tokens are verified locally by every service; each names its session (the `sid`
claim: the refresh-token family). Ending a session (Logout, or a replayed refresh token)
writes `jobmesh:ended-session:{sid}` to Redis with a TTL of one access-token lifetime (no
token of that session outlives it) and publishes the sid. Every process keeps the set in
memory: loaded after each (re)subscription, kept current by the publications, so checking a
token is a dictionary lookup.

While Redis is unreachable a process keeps what it knew and reloads on reconnect; tokens
still expire within their lifetime (fail open, so a Redis outage does not stop the API).
Must not decide anything else about tokens: `TokenService` verifies them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("jobmesh.revocations")

CHANNEL = "jobmesh:ended-sessions"
KEY_PREFIX = "jobmesh:ended-session:"


class EndedSessions:
    """The sessions ended in the last access-token lifetime, shared through Redis."""

    def __init__(self, redis_url: str, ttl_seconds: int) -> None:
        self._redis: Redis = Redis.from_url(redis_url, decode_responses=True)
        self._ttl = ttl_seconds
        self._until: dict[str, float] = {}  # sid -> monotonic time after which it no longer matters
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self, wait: float = 2.0) -> None:
        """Starts following; waits up to `wait` seconds for the first load (not forever: fail open)."""
        self._listener = asyncio.create_task(self._follow(), name="ended-sessions")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), wait)

    def __contains__(self, sid: str) -> bool:
        until = self._until.get(sid)
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[sid]
            return False
        return True

    async def end(self, sid: str) -> None:
        """Ends a session everywhere; raises RedisError when Redis cannot record it."""
        self._remember(sid, self._ttl)
        await self._redis.set(KEY_PREFIX + sid, "1", ex=self._ttl)
        await self._redis.publish(CHANNEL, sid)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._redis.aclose()

    def _remember(self, sid: str, ttl: float) -> None:
        self._until[sid] = time.monotonic() + ttl

    async def _follow(self) -> None:
        delay = 0.2
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    # Loaded after subscribing, so a session ended in between is in one or the other.
                    await self._load()
                    self._subscribed.set()
                    delay = 0.2
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._remember(str(message["data"]), self._ttl)
            except (RedisError, OSError) as exc:
                log.warning("ended-session feed interrupted (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _load(self) -> None:
        keys = [key async for key in self._redis.scan_iter(match=KEY_PREFIX + "*", count=1000)]
        if not keys:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.ttl(key)
            ttls = await pipe.execute()
        for key, ttl in zip(keys, ttls, strict=True):
            if isinstance(ttl, int) and ttl > 0:
                self._remember(key.removeprefix(KEY_PREFIX), ttl)
