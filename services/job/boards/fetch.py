"""Reads a whole board from its public API: the request sequence each ATS needs, then the parsers.

Greenhouse: the list with content, then each job's detail with questions (bounded
concurrency, skippable per job); Lever: pages of `limit` until a short page; Ashby: one
call. It does not store anything and does not decide what changed: the caller compares
`listing_hash` / `content_hash` with what it has.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from types import TracebackType
from urllib.parse import quote

import httpx

from services.common.netguard import BlockedURL, NetworkGuard
from services.job.boards.ashby import parse_ashby_board
from services.job.boards.fields import load_document
from services.job.boards.greenhouse import parse_greenhouse_job, parse_greenhouse_jobs
from services.job.boards.httpget import BoardFetchError, FetchConfig, HttpGetter, Sleep
from services.job.boards.lever import parse_lever_postings
from services.job.boards.model import ATS_KINDS, Ats, BoardFormatError, BoardJob, ParseResult

PUBLIC_ORIGINS: dict[Ats, str] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "ashby": "https://api.ashbyhq.com",
}
# Lever serves EU-hosted accounts from its own origin.
BOARD_API_HOSTS: tuple[str, ...] = (
    "boards-api.greenhouse.io",
    "api.lever.co",
    "api.eu.lever.co",
    "api.ashbyhq.com",
)

DetailNeeded = Callable[[BoardJob], bool]


def board_guard(allowed_hosts: tuple[str, ...] | list[str] = ()) -> NetworkGuard:
    """A guard that lets a BoardClient reach the public board APIs and the operator's allowed hosts."""
    return NetworkGuard(allowed_hosts, BOARD_API_HOSTS)


class BoardClient:
    """Fetches boards over one pooled, guarded HTTP client. Use as `async with`, or call `aclose()`."""

    def __init__(
        self,
        guard: NetworkGuard,
        config: FetchConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config or FetchConfig()
        self._http = HttpGetter(guard, self.config, transport=transport, sleep=sleep, rng=rng)

    async def __aenter__(self) -> BoardClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._http.aclose()

    async def get(self, url: str, params: dict[str, str] | None = None) -> bytes:
        """One guarded, retried, size-capped GET (see HttpGetter.get)."""
        return await self._http.get(url, params)

    async def fetch_board(
        self,
        kind: Ats,
        board: str,
        *,
        base_url: str | None = None,
        company: str | None = None,
        detail_needed: DetailNeeded | None = None,
    ) -> ParseResult:
        """Every posting on a board, normalised.

        `detail_needed(listing_job)` decides per Greenhouse job whether to fetch its
        detail (questions); when it returns False the listing job is returned with
        `questions=None`. Typical use: `lambda job: known.get(job.external_id) != job.listing_hash`.
        Raises BoardFetchError, BoardFormatError or BlockedURL when the board as a whole
        cannot be read; single bad postings end up in `errors`.
        """
        if kind not in ATS_KINDS:
            raise ValueError(f"unknown board kind {kind!r}")
        if not board.strip() or len(board) > 200:
            raise ValueError("board must be a non-empty token of at most 200 characters")
        origin = (base_url or PUBLIC_ORIGINS[kind]).rstrip("/")
        token = quote(board.strip(), safe="")
        if kind == "greenhouse":
            result = await self._greenhouse(origin, token, board, company, detail_needed)
        elif kind == "lever":
            result = await self._lever(origin, token, board, company)
        else:
            body = await self.get(f"{origin}/posting-api/job-board/{token}", {"includeCompensation": "true"})
            result = parse_ashby_board(body, board, company=company)
        return _without_repeats(result, kind, board)

    async def _greenhouse(
        self, origin: str, token: str, board: str, company: str | None, detail_needed: DetailNeeded | None
    ) -> ParseResult:
        body = await self.get(f"{origin}/v1/boards/{token}/jobs", {"content": "true"})
        listing = parse_greenhouse_jobs(body, board, company=company)
        limit = asyncio.Semaphore(max(1, self.config.detail_concurrency))
        warnings: list[str] = []

        async def with_detail(job: BoardJob) -> BoardJob:
            if detail_needed is not None and not detail_needed(job):
                return job
            async with limit:
                url = f"{origin}/v1/boards/{token}/jobs/{quote(job.external_id, safe='')}"
                try:
                    detail = parse_greenhouse_job(
                        await self.get(url, {"questions": "true"}), board, company=company
                    )
                except (BoardFetchError, BoardFormatError, BlockedURL) as exc:
                    warnings.append(
                        f"greenhouse board {board!r}: job {job.external_id!r}: detail not read ({exc})"
                    )
                    return job
            if not detail.jobs:
                warnings.extend(f"{error} (listing kept)" for error in detail.errors)
                return job
            return detail.jobs[0]

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(with_detail(job)) for job in listing.jobs]
        return ParseResult(
            jobs=[task.result() for task in tasks],
            errors=listing.errors,
            warnings=listing.warnings + warnings,
        )

    async def _lever(self, origin: str, token: str, board: str, company: str | None) -> ParseResult:
        result = ParseResult()
        size = max(1, self.config.lever_page_size)
        seen: set[str] = set()
        skip = 0
        for _ in range(self.config.lever_max_pages):
            params = {"mode": "json", "skip": str(skip), "limit": str(size)}
            page = load_document(await self.get(f"{origin}/v0/postings/{token}", params))
            if not isinstance(page, list):
                raise BoardFormatError(f"Lever postings must be a JSON array, got {type(page).__name__}")
            parsed = parse_lever_postings(page, board, company=company)
            fresh = [job for job in parsed.jobs if job.external_id not in seen]
            seen.update(job.external_id for job in fresh)
            result.extend(ParseResult(fresh, parsed.errors, parsed.warnings))
            if len(page) < size:
                return result
            if not fresh and not parsed.errors:
                result.warnings.append(
                    f"lever board {board!r}: paging returned only repeats; stopped at {skip}"
                )
                return result
            skip += len(page)
        raise BoardFetchError(f"lever board {board!r}: more than {self.config.lever_max_pages} pages")


async def fetch_board(
    kind: Ats,
    board: str,
    *,
    guard: NetworkGuard,
    base_url: str | None = None,
    company: str | None = None,
    detail_needed: DetailNeeded | None = None,
    config: FetchConfig | None = None,
) -> ParseResult:
    """One board with a client of its own; syncing many boards should share one BoardClient."""
    async with BoardClient(guard, config) as client:
        return await client.fetch_board(
            kind, board, base_url=base_url, company=company, detail_needed=detail_needed
        )


def _without_repeats(result: ParseResult, kind: str, board: str) -> ParseResult:
    """A board listing one id twice keeps the first: the pair would collide on (ats, board, id)."""
    seen: set[str] = set()
    jobs: list[BoardJob] = []
    for job in result.jobs:
        if job.external_id in seen:
            result.warnings.append(
                f"{kind} board {board!r}: job {job.external_id!r} listed twice; first kept"
            )
            continue
        seen.add(job.external_id)
        jobs.append(job)
    return ParseResult(jobs, result.errors, result.warnings)
