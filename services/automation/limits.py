"""Limits shared by every worker through Redis: token buckets, site back-off and circuit breakers.

Workers on many machines must together respect an ATS host's pace, spread one owner's
applications out, stop hitting a host that answered 429, and stop using an adapter that
keeps failing. All state lives in Redis and every decision reads the Redis server's clock,
so workers with skewed clocks agree. Nothing here is global: the caller passes the client.
This module must not parse HTTP responses or decide what counts as a failure; callers do.
The scripts touch several keys at once, so they need one Redis (not a cluster).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

# KEYS: the block keys first (ARGV[1] of them), then the bucket keys.
# ARGV: number of block keys, cost, then rate and burst for each bucket.
# Returns the seconds to wait as a string (Lua numbers become integers in a reply);
# "0" means the cost was taken from every bucket, anything else means nothing was taken.
_ACQUIRE = """
local n_blocks = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local blocked_ms = 0
for i = 1, n_blocks do
  local ms = redis.call('PTTL', KEYS[i])
  if ms > blocked_ms then blocked_ms = ms end
end
if blocked_ms > 0 then return string.format('%.17g', blocked_ms / 1000) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local levels = {}
for i = n_blocks + 1, #KEYS do
  local j = 3 + (i - n_blocks - 1) * 2
  local rate = tonumber(ARGV[j])
  local burst = tonumber(ARGV[j + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    tokens = burst
  else
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
  end
  levels[i] = tokens
  if tokens < cost then wait = math.max(wait, (cost - tokens) / rate) end
end
if wait > 0 then return string.format('%.17g', wait) end
for i = n_blocks + 1, #KEYS do
  local j = 3 + (i - n_blocks - 1) * 2
  local rate = tonumber(ARGV[j])
  local burst = tonumber(ARGV[j + 1])
  local tokens = levels[i] - cost
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', now))
  -- Once refilled a bucket is the same as no bucket, so it may vanish then.
  redis.call('PEXPIRE', KEYS[i], math.ceil((burst - tokens) / rate * 1000) + 1000)
end
return '0'
"""

# KEYS: open, trial. ARGV: open_ms, trial_ms. Returns 1 when the caller may go ahead.
_ALLOW = """
local opened = tonumber(redis.call('GET', KEYS[1]))
if opened == nil then return 1 end
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now_ms < opened + tonumber(ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

# KEYS: failures, open, trial. ARGV: window_ms, open_ms, threshold, unique member.
# Returns 1 when this failure opened (or re-opened) the circuit.
_FAILURE = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window_ms = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now_ms, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window_ms)
redis.call('PEXPIRE', KEYS[1], window_ms)
local opened = tonumber(redis.call('GET', KEYS[2]))
if opened ~= nil then
  if now_ms >= opened + tonumber(ARGV[2]) then
    -- Half-open: this is the trial (or a straggler) failing, so the site is still broken.
    redis.call('SET', KEYS[2], now_ms)
    redis.call('DEL', KEYS[3])
    return 1
  end
  return 0
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], now_ms)
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
"""

# KEYS: failures, open. ARGV: window_ms.
# Returns {opened_at_ms or -1, recent failures, server now in ms}.
_STATE = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local recent = redis.call('ZCOUNT', KEYS[1], '(' .. (now_ms - tonumber(ARGV[1])), '+inf')
local opened = tonumber(redis.call('GET', KEYS[2]))
if opened == nil then opened = -1 end
return {opened, recent, now_ms}
"""


class RateLimited(Exception):
    """The caller would have to wait longer than it allowed; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited: retry after {retry_after:.3f}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class BucketSpec:
    """One token bucket: `burst` tokens at most, refilled at `rate_per_second`."""

    key: str
    rate_per_second: float
    burst: int


def _seconds(reply: bytes | str) -> float:
    return float(reply.decode() if isinstance(reply, bytes) else reply)


class TokenBucket:
    """Token buckets in Redis, shared by every process that uses the same `key_prefix`."""

    def __init__(self, redis: Redis, key_prefix: str = "jobmesh:rl") -> None:
        self._redis = redis
        self._prefix = key_prefix
        self._acquire = redis.register_script(_ACQUIRE)

    async def acquire(self, key: str, rate_per_second: float, burst: int, cost: int = 1) -> float:
        """Takes `cost` tokens and returns 0, or takes nothing and returns the seconds to wait."""
        return await self.acquire_all([BucketSpec(key, rate_per_second, burst)], cost=cost)

    async def acquire_all(
        self, buckets: Sequence[BucketSpec], *, cost: int = 1, blocked_by: Sequence[str] = ()
    ) -> float:
        """Takes `cost` from every bucket at once, or from none and returns the longest wait.

        A name in `blocked_by` that is `block`ed makes the wait at least what is left of the block.
        """
        if not buckets:
            raise ValueError("at least one bucket is needed")
        if cost < 1:
            raise ValueError(f"cost must be at least 1, got {cost}")
        args: list[str | int | float] = [len(blocked_by), cost]
        for spec in buckets:
            if not spec.rate_per_second > 0:
                raise ValueError(f"rate for {spec.key!r} must be positive, got {spec.rate_per_second}")
            if cost > spec.burst:
                raise ValueError(f"cost {cost} can never fit bucket {spec.key!r} of burst {spec.burst}")
            args += [repr(float(spec.rate_per_second)), spec.burst]
        keys = [self._block_key(name) for name in blocked_by] + [self._key(spec.key) for spec in buckets]
        reply = await self._acquire(keys=keys, args=args)
        return _seconds(reply)

    async def wait(
        self, key: str, rate_per_second: float, burst: int, *, max_wait: float, cost: int = 1
    ) -> None:
        """Sleeps until `cost` tokens are taken; raises RateLimited when that would take over `max_wait`."""
        await self.wait_all([BucketSpec(key, rate_per_second, burst)], max_wait=max_wait, cost=cost)

    async def wait_all(
        self,
        buckets: Sequence[BucketSpec],
        *,
        max_wait: float,
        cost: int = 1,
        blocked_by: Sequence[str] = (),
    ) -> None:
        """`acquire_all`, sleeping and retrying; RateLimited(wait) when the wait passes `max_wait` in all."""
        deadline = time.monotonic() + max_wait
        while True:
            delay = await self.acquire_all(buckets, cost=cost, blocked_by=blocked_by)
            if delay <= 0:
                return
            if time.monotonic() + delay > deadline:
                raise RateLimited(delay)
            # Waiters woken together would race for the same token; a little jitter spreads them.
            await asyncio.sleep(delay + random.uniform(0, min(0.02, delay / 10)))

    async def block(self, name: str, seconds: float) -> None:
        """Makes every `acquire_all(blocked_by=[name])` wait `seconds`; never shortens a longer block."""
        ms = int(seconds * 1000)
        if ms <= 0:
            return
        key = self._block_key(name)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, b"1", px=ms, nx=True)
            pipe.pexpire(key, ms, gt=True)
            await pipe.execute()

    async def blocked_for(self, name: str) -> float:
        """Seconds left of the block on `name`, 0 when it is not blocked."""
        ms = int(await self._redis.pttl(self._block_key(name)))
        return ms / 1000 if ms > 0 else 0.0

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def _block_key(self, name: str) -> str:
        return f"{self._prefix}:block:{name}"


def _host(site_host: str) -> str:
    host = site_host.strip().lower().rstrip(".")
    if not host:
        raise ValueError("site host is empty")
    return host


class SiteLimits:
    """Paces applications per ATS host and per owner, and honours a host's 429 for every worker."""

    def __init__(
        self,
        bucket: TokenBucket,
        per_site_rate: float,
        per_site_burst: int,
        per_user_rate: float,
        per_user_burst: int,
        *,
        max_block_seconds: float = 3600.0,
    ) -> None:
        self._bucket = bucket
        self._site_rate = per_site_rate
        self._site_burst = per_site_burst
        self._user_rate = per_user_rate
        self._user_burst = per_user_burst
        self._max_block = max_block_seconds

    async def admit(self, site_host: str, user_id: str, max_wait: float) -> None:
        """Waits for one token of both the host's and the owner's bucket.

        Raises RateLimited(seconds) at once when the host is backed off for longer than
        `max_wait`, or when the buckets would make the caller wait longer than that.
        """
        host = _host(site_host)
        buckets = [
            BucketSpec(f"site:{host}", self._site_rate, self._site_burst),
            BucketSpec(f"user:{user_id}", self._user_rate, self._user_burst),
        ]
        await self._bucket.wait_all(buckets, max_wait=max_wait, blocked_by=[f"site:{host}"])

    async def back_off(self, site_host: str, retry_after_seconds: float) -> None:
        """Stops every worker from admitting work for `site_host` for that long (capped at max_block_seconds)."""
        await self._bucket.block(f"site:{_host(site_host)}", min(retry_after_seconds, self._max_block))

    async def blocked_for(self, site_host: str) -> float:
        """Seconds left of the host's back-off, 0 when none."""
        return await self._bucket.blocked_for(f"site:{_host(site_host)}")


@dataclass(frozen=True)
class CircuitState:
    """An adapter's circuit: `open` while it refuses normal traffic (including half-open).

    `reopens_at` is the Unix time (Redis server clock) from which a single trial is let
    through; None while closed. `half_open` is True once that time has passed.
    """

    open: bool
    recent_failures: int
    reopens_at: float | None
    half_open: bool = False


class CircuitBreaker:
    """Per-adapter circuit breaker shared by all workers.

    Only failures of the form or the adapter (selectors not found, submit not confirmed,
    the site erroring) should be recorded; the caller must not record failures that are the
    user's (NEEDS_INPUT, validation errors in their answers), or one user could stop an
    adapter for everyone. Any recorded success closes the circuit and clears the count.
    """

    def __init__(
        self,
        redis: Redis,
        name_prefix: str = "jobmesh:cb",
        failure_threshold: int = 5,
        window_seconds: float = 300,
        open_seconds: float = 120,
        *,
        trial_seconds: float | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {failure_threshold}")
        self._redis = redis
        self._prefix = name_prefix
        self._threshold = failure_threshold
        self._window_ms = max(1, int(window_seconds * 1000))
        self._open_ms = max(1, int(open_seconds * 1000))
        # A trial whose worker died must not hold the half-open slot for ever.
        self._trial_ms = max(1, int((open_seconds if trial_seconds is None else trial_seconds) * 1000))
        self._allow = redis.register_script(_ALLOW)
        self._failure = redis.register_script(_FAILURE)
        self._state = redis.register_script(_STATE)

    async def allow(self, adapter: str) -> bool:
        """True when closed; when open, False until open_seconds passed, then True for one trial only."""
        open_key, trial_key = self._keys(adapter)[1:]
        return bool(await self._allow(keys=[open_key, trial_key], args=[self._open_ms, self._trial_ms]))

    async def record_success(self, adapter: str) -> None:
        """Closes the circuit and forgets the failures."""
        await self._redis.delete(*self._keys(adapter))

    async def record_failure(self, adapter: str) -> bool:
        """Counts a form/adapter failure; returns True when this one opened (or re-opened) the circuit."""
        args: list[int | str] = [self._window_ms, self._open_ms, self._threshold, uuid.uuid4().hex]
        return bool(await self._failure(keys=list(self._keys(adapter)), args=args))

    async def state(self, adapter: str) -> CircuitState:
        """The circuit as it is now."""
        failures_key, open_key, _ = self._keys(adapter)
        opened, recent, now_ms = await self._state(keys=[failures_key, open_key], args=[self._window_ms])
        if int(opened) < 0:
            return CircuitState(open=False, recent_failures=int(recent), reopens_at=None)
        reopens_ms = int(opened) + self._open_ms
        return CircuitState(
            open=True,
            recent_failures=int(recent),
            reopens_at=reopens_ms / 1000,
            half_open=int(now_ms) >= reopens_ms,
        )

    def _keys(self, adapter: str) -> tuple[str, str, str]:
        base = f"{self._prefix}:{adapter}"
        return f"{base}:failures", f"{base}:open", f"{base}:trial"
