"""Polite, bounded GETs for board APIs: retries with backoff, Retry-After, per-host rate limits,
a body size cap, and redirects followed by hand so the network guard sees every hop.

It returns bytes; it knows nothing of board shapes (fetch.py) and decides no URL policy
(services.common.netguard does).
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from services.common.netguard import GuardedTransport, NetworkGuard
from services.job.boards.ratelimit import HostRateLimiter

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class BoardFetchError(Exception):
    """A board API could not be read: HTTP error, too many redirects, body too large, network failure."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ResponseTooLarge(BoardFetchError):
    """The response body passed the size cap; reading stopped there."""


@dataclass(frozen=True)
class FetchConfig:
    """Limits of one BoardClient. Delays are seconds; `rate_per_host` is requests per second."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    retry_after_cap: float = 60.0
    max_body_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    rate_per_host: float = 5.0
    burst_per_host: int = 10
    detail_concurrency: int = 4
    lever_page_size: int = 100
    lever_max_pages: int = 1000
    user_agent: str = "jobmesh-board-sync/0.1"


Sleep = Callable[[float], Awaitable[None]]


class HttpGetter:
    """GETs through a guarded httpx client. Use as `async with`, or call `aclose()`."""

    def __init__(
        self,
        guard: NetworkGuard,
        config: FetchConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(guard, transport),
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": config.user_agent, "Accept": "application/json"},
        )
        self._limiter = HostRateLimiter(config.rate_per_host, config.burst_per_host)
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def __aenter__(self) -> HttpGetter:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._client.aclose()

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        """The body of a 2xx answer, after retrying 429, 5xx and network failures.

        Raises BoardFetchError (ResponseTooLarge past the cap) or the guard's BlockedURL.
        """
        target = httpx.URL(url, params=dict(params)) if params else httpx.URL(url)
        attempts = max(1, self.config.max_attempts)
        for attempt in range(1, attempts + 1):
            try:
                status, headers, body = await self._follow(target)
            except httpx.TransportError as exc:
                if attempt == attempts:
                    raise BoardFetchError(f"GET {target}: {type(exc).__name__}: {exc}") from exc
                await self._sleep(self._backoff(attempt))
                continue
            if 200 <= status < 300:
                return body
            if status != 429 and status < 500:
                raise BoardFetchError(f"GET {target}: HTTP {status}", status=status)
            if attempt == attempts:
                raise BoardFetchError(f"GET {target}: HTTP {status} after {attempts} attempts", status=status)
            await self._sleep(self._retry_after(headers) or self._backoff(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    async def _follow(self, url: httpx.URL) -> tuple[int, httpx.Headers, bytes]:
        for _ in range(self.config.max_redirects + 1):
            await self._limiter.acquire(f"{url.host}:{url.port}")
            response = await self._client.send(self._client.build_request("GET", url), stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    url = url.join(location)
                    continue
                if not 200 <= response.status_code < 300:
                    return response.status_code, response.headers, b""
                return response.status_code, response.headers, await self._read(response)
            finally:
                await response.aclose()
        raise BoardFetchError(f"GET {url}: more than {self.config.max_redirects} redirects")

    async def _read(self, response: httpx.Response) -> bytes:
        cap = self.config.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(f"GET {response.url}: body of {declared} bytes exceeds {cap}")
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb is stopped too.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise ResponseTooLarge(f"GET {response.url}: body exceeds {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_max, self.config.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _retry_after(self, headers: httpx.Headers) -> float | None:
        raw = headers.get("retry-after", "").strip()
        if not raw:
            return None
        try:
            delay = float(raw)
        except ValueError:
            try:
                when = parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            delay = (when - datetime.now(UTC)).total_seconds()
        if math.isnan(delay) or delay <= 0:
            return None
        return min(delay, self.config.retry_after_cap)
