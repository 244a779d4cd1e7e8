"""HttpGetter's retry, Retry-After, redirect and size rules, over a fake transport and a recorded sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from services.common.netguard import BlockedURL, NetworkGuard
from services.job.boards import BoardFetchError, FetchConfig, ResponseTooLarge
from services.job.boards.httpget import HttpGetter
from services.job.boards.ratelimit import HostRateLimiter

URL = "http://127.0.0.1:9/board"


def _getter(
    responses: list[httpx.Response | Exception], sleeps: list[float], **config: Any
) -> tuple[HttpGetter, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        answer = responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    settings = FetchConfig(rate_per_host=1000, burst_per_host=1000, **config)
    guard = NetworkGuard(["127.0.0.1"], [])
    return HttpGetter(guard, settings, transport=httpx.MockTransport(handler), sleep=sleep), seen


async def test_retry_after_seconds_and_http_date_are_honoured_and_capped() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    responses: list[httpx.Response | Exception] = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(503, headers={"Retry-After": later}),
        httpx.Response(429, headers={"Retry-After": "86400"}),
        httpx.Response(200, content=b"[]"),
    ]
    sleeps: list[float] = []
    getter, _ = _getter(responses, sleeps, max_attempts=4, retry_after_cap=10)
    async with getter:
        assert await getter.get(URL) == b"[]"
    assert sleeps[0] == 3 and sleeps[1] == 10 and sleeps[2] == 10


async def test_backoff_grows_on_network_errors_then_gives_up() -> None:
    failures: list[httpx.Response | Exception] = [httpx.ConnectError("refused") for _ in range(3)]
    sleeps: list[float] = []
    getter, seen = _getter(failures, sleeps, max_attempts=3, backoff_base=1, backoff_max=100)
    async with getter:
        with pytest.raises(BoardFetchError, match="ConnectError"):
            await getter.get(URL)
    assert len(seen) == 3
    assert 0.5 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2


async def test_client_errors_are_not_retried() -> None:
    sleeps: list[float] = []
    getter, seen = _getter([httpx.Response(403)], sleeps)
    async with getter:
        with pytest.raises(BoardFetchError) as caught:
            await getter.get(URL)
    assert caught.value.status == 403 and len(seen) == 1 and sleeps == []


async def test_redirects_are_followed_up_to_the_limit() -> None:
    hop = httpx.Response(302, headers={"Location": "/next"})
    sleeps: list[float] = []
    getter, seen = _getter([hop, httpx.Response(200, content=b"{}")], sleeps)
    async with getter:
        assert await getter.get(URL) == b"{}"
    assert seen == [URL, "http://127.0.0.1:9/next"]

    loop: list[httpx.Response | Exception] = [
        httpx.Response(301, headers={"Location": "/again"}) for _ in range(4)
    ]
    getter, _ = _getter(loop, sleeps, max_redirects=2)
    async with getter:
        with pytest.raises(BoardFetchError, match="more than 2 redirects"):
            await getter.get(URL)


async def test_redirect_off_the_allowed_hosts_is_blocked_before_it_is_sent() -> None:
    sleeps: list[float] = []
    getter, seen = _getter([httpx.Response(307, headers={"Location": "http://10.0.0.1/"})], sleeps)
    async with getter:
        with pytest.raises(BlockedURL, match="private"):
            await getter.get(URL)
    assert seen == [URL]


@pytest.mark.parametrize(
    "make",
    [
        lambda: httpx.Response(200, content=b"x" * 2000),
        lambda: httpx.Response(200, headers={"Content-Length": "999999"}, content=b"x"),
    ],
)
async def test_bodies_over_the_cap_are_refused(make: Callable[[], httpx.Response]) -> None:
    getter, _ = _getter([make()], [], max_body_bytes=1000)
    async with getter:
        with pytest.raises(ResponseTooLarge):
            await getter.get(URL)


async def test_rate_limit_spaces_requests_to_one_host_but_not_across_hosts() -> None:
    limiter = HostRateLimiter(rate=20, burst=2)
    started = time.monotonic()
    for _ in range(6):
        await limiter.acquire("a.example:443")
    spent = time.monotonic() - started
    assert 0.18 <= spent < 1.0
    started = time.monotonic()
    await limiter.acquire("b.example:443")
    assert time.monotonic() - started < 0.05
