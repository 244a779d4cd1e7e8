"""Token buckets, site back-off and circuit breakers against a real Valkey shared by several clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis

from services.automation.limits import (
    CircuitBreaker,
    RateLimited,
    SiteLimits,
    TokenBucket,
)

RedisFactory = Callable[[], Awaitable[aioredis.Redis]]


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[RedisFactory]:
    """Opens separate clients, as separate worker processes would have."""
    opened: list[aioredis.Redis] = []

    async def open_client() -> aioredis.Redis:
        client = aioredis.from_url(redis_url)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.aclose()


@pytest.fixture
async def redis(clients: RedisFactory) -> aioredis.Redis:
    return await clients()


async def test_bucket_gives_the_burst_then_asks_to_wait_about_one_token(redis: aioredis.Redis) -> None:
    # 2 tokens a second: slow enough that a loaded machine does not refill one between the calls.
    bucket = TokenBucket(redis)
    waits = [await bucket.acquire("site:a", 2, 5) for _ in range(5)]
    assert waits == [0, 0, 0, 0, 0]
    wait = await bucket.acquire("site:a", 2, 5)
    assert 0 < wait <= 0.5
    await asyncio.sleep(wait + 0.005)
    assert await bucket.acquire("site:a", 2, 5) == 0
    assert await bucket.acquire("site:a", 2, 5) > 0


async def test_a_refused_acquire_takes_nothing(redis: aioredis.Redis) -> None:
    bucket = TokenBucket(redis)
    assert await bucket.acquire("k", 1, 2, cost=2) == 0
    first = await bucket.acquire("k", 1, 2)
    second = await bucket.acquire("k", 1, 2)
    # Had the first refusal taken a token, the second would ask for a longer wait.
    assert 0 < second <= first <= 1.0


async def test_fifty_concurrent_callers_on_five_clients_share_exactly_the_burst(
    clients: RedisFactory,
) -> None:
    buckets = [TokenBucket(await clients()) for _ in range(5)]
    calls = [buckets[i % 5].acquire("site:busy", 0.01, 10) for i in range(50)]
    waits = await asyncio.gather(*calls)
    assert sum(1 for w in waits if w == 0) == 10
    assert all(w > 10 for w in waits if w != 0)


async def test_two_keys_do_not_share_tokens(redis: aioredis.Redis) -> None:
    bucket = TokenBucket(redis)
    for _ in range(3):
        assert await bucket.acquire("site:a", 1, 3) == 0
    assert await bucket.acquire("site:a", 1, 3) > 0
    assert [await bucket.acquire("site:b", 1, 3) for _ in range(3)] == [0, 0, 0]


async def test_idle_bucket_expires_once_it_would_be_full(redis: aioredis.Redis) -> None:
    bucket = TokenBucket(redis, key_prefix="t:rl")
    await bucket.acquire("site:a", 20, 4)
    ttl_ms = await redis.pttl("t:rl:site:a")
    # One token back at 20/s is 50 ms, plus the one-second margin.
    assert 0 < ttl_ms <= 1050


async def test_wait_sleeps_until_a_token_is_free(redis: aioredis.Redis) -> None:
    bucket = TokenBucket(redis)
    await bucket.wait("k", 20, 1, max_wait=1)
    started = time.monotonic()
    await bucket.wait("k", 20, 1, max_wait=1)
    assert 0.03 < time.monotonic() - started < 0.5


async def test_wait_refuses_at_once_when_the_wait_is_too_long(redis: aioredis.Redis) -> None:
    bucket = TokenBucket(redis)
    await bucket.wait("k", 1, 1, max_wait=0)
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        await bucket.wait("k", 1, 1, max_wait=0.2)
    assert time.monotonic() - started < 0.1
    assert 0.8 < caught.value.retry_after <= 1.0


async def test_a_cost_the_bucket_can_never_hold_is_an_error(redis: aioredis.Redis) -> None:
    with pytest.raises(ValueError, match="never fit"):
        await TokenBucket(redis).acquire("k", 1, 2, cost=3)


async def test_site_limits_pace_each_owner_across_sites(redis: aioredis.Redis) -> None:
    limits = SiteLimits(TokenBucket(redis), 100, 100, per_user_rate=0.01, per_user_burst=2)
    await limits.admit("boards.greenhouse.io", "alice", max_wait=0)
    await limits.admit("jobs.lever.co", "alice", max_wait=0)
    with pytest.raises(RateLimited):
        await limits.admit("jobs.ashbyhq.com", "alice", max_wait=0.1)
    await limits.admit("jobs.ashbyhq.com", "bob", max_wait=0)


async def test_site_limits_pace_each_host_across_owners(redis: aioredis.Redis) -> None:
    limits = SiteLimits(TokenBucket(redis), 0.01, 3, per_user_rate=100, per_user_burst=100)
    for user in ("u1", "u2", "u3"):
        await limits.admit("boards.greenhouse.io", user, max_wait=0)
    with pytest.raises(RateLimited):
        await limits.admit("BOARDS.Greenhouse.io.", "u4", max_wait=0.1)
    await limits.admit("jobs.lever.co", "u4", max_wait=0)


async def test_an_owner_out_of_tokens_does_not_use_up_the_site(redis: aioredis.Redis) -> None:
    limits = SiteLimits(TokenBucket(redis), 0.01, 1, per_user_rate=0.01, per_user_burst=1)
    await limits.admit("a.example", "alice", max_wait=0)
    with pytest.raises(RateLimited):
        await limits.admit("b.example", "alice", max_wait=0)
    await limits.admit("b.example", "bob", max_wait=0)


async def test_back_off_blocks_the_host_for_every_worker_until_it_expires(clients: RedisFactory) -> None:
    worker_a = SiteLimits(TokenBucket(await clients()), 100, 100, 100, 100)
    worker_b = SiteLimits(TokenBucket(await clients()), 100, 100, 100, 100)
    await worker_a.back_off("jobs.lever.co", 0.4)

    with pytest.raises(RateLimited) as caught:
        await worker_b.admit("jobs.lever.co", "bob", max_wait=0.1)
    assert 0.2 < caught.value.retry_after <= 0.4
    await worker_b.admit("boards.greenhouse.io", "bob", max_wait=0)

    started = time.monotonic()
    await worker_b.admit("Jobs.Lever.co", "carol", max_wait=2)
    assert 0.2 < time.monotonic() - started < 1.0
    assert await worker_a.blocked_for("jobs.lever.co") == 0
    await worker_a.admit("jobs.lever.co", "alice", max_wait=0)


async def test_a_shorter_retry_after_does_not_cut_a_longer_back_off(redis: aioredis.Redis) -> None:
    limits = SiteLimits(TokenBucket(redis), 1, 1, 1, 1, max_block_seconds=60)
    await limits.back_off("jobs.ashbyhq.com", 30)
    await limits.back_off("jobs.ashbyhq.com", 0.1)
    assert 29 < await limits.blocked_for("jobs.ashbyhq.com") <= 30
    await limits.back_off("jobs.ashbyhq.com", 10_000)
    assert 59 < await limits.blocked_for("jobs.ashbyhq.com") <= 60


def _breaker(redis: aioredis.Redis, **kwargs: float) -> CircuitBreaker:
    options: dict[str, float] = {"failure_threshold": 3, "window_seconds": 5, "open_seconds": 0.3}
    options.update(kwargs)
    return CircuitBreaker(
        redis,
        failure_threshold=int(options["failure_threshold"]),
        window_seconds=options["window_seconds"],
        open_seconds=options["open_seconds"],
        trial_seconds=options.get("trial_seconds"),
    )


async def _open(breaker: CircuitBreaker, adapter: str, failures: int = 3) -> None:
    opened = [await breaker.record_failure(adapter) for _ in range(failures)]
    assert opened[-1] is True


async def test_breaker_opens_at_the_threshold_and_refuses(redis: aioredis.Redis) -> None:
    breaker = _breaker(redis)
    assert await breaker.record_failure("greenhouse") is False
    assert await breaker.record_failure("greenhouse") is False
    assert await breaker.allow("greenhouse")
    state = await breaker.state("greenhouse")
    assert (state.open, state.recent_failures, state.reopens_at) == (False, 2, None)

    assert await breaker.record_failure("greenhouse") is True
    assert not await breaker.allow("greenhouse")
    state = await breaker.state("greenhouse")
    assert state.open and not state.half_open and state.recent_failures == 3
    assert state.reopens_at is not None and 0.1 < state.reopens_at - time.time() <= 0.35
    assert await breaker.allow("lever")


async def test_half_open_lets_exactly_one_trial_through_among_workers(clients: RedisFactory) -> None:
    breakers = [_breaker(await clients()) for _ in range(5)]
    await _open(breakers[0], "lever")
    await asyncio.sleep(0.35)
    assert (await breakers[1].state("lever")).half_open
    allowed = await asyncio.gather(*(breakers[i % 5].allow("lever") for i in range(10)))
    assert allowed.count(True) == 1

    await breakers[3].record_success("lever")
    state = await breakers[2].state("lever")
    assert (state.open, state.recent_failures, state.reopens_at) == (False, 0, None)
    assert all(await asyncio.gather(*(b.allow("lever") for b in breakers)))


async def test_a_failed_trial_reopens_the_circuit(redis: aioredis.Redis) -> None:
    breaker = _breaker(redis)
    await _open(breaker, "ashby")
    await asyncio.sleep(0.35)
    assert await breaker.allow("ashby")
    assert await breaker.record_failure("ashby") is True
    assert not await breaker.allow("ashby")
    assert not (await breaker.state("ashby")).half_open
    await asyncio.sleep(0.35)
    assert await breaker.allow("ashby")
    assert not await breaker.allow("ashby")


async def test_failures_during_the_open_period_do_not_extend_it(redis: aioredis.Redis) -> None:
    breaker = _breaker(redis)
    await _open(breaker, "generic")
    reopens_at = (await breaker.state("generic")).reopens_at
    assert await breaker.record_failure("generic") is False
    assert (await breaker.state("generic")).reopens_at == reopens_at


async def test_failures_outside_the_window_are_forgotten(redis: aioredis.Redis) -> None:
    breaker = _breaker(redis, failure_threshold=2, window_seconds=0.2)
    await breaker.record_failure("generic")
    await asyncio.sleep(0.3)
    assert (await breaker.state("generic")).recent_failures == 0
    assert await breaker.record_failure("generic") is False
    assert await breaker.allow("generic")
    assert await breaker.record_failure("generic") is True


async def test_a_trial_whose_worker_died_frees_the_slot(redis: aioredis.Redis) -> None:
    breaker = _breaker(redis, trial_seconds=0.2)
    await _open(breaker, "greenhouse")
    await asyncio.sleep(0.35)
    assert await breaker.allow("greenhouse")
    assert not await breaker.allow("greenhouse")
    await asyncio.sleep(0.25)
    assert await breaker.allow("greenhouse")
