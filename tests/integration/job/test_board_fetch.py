"""BoardClient against the local board site over real HTTP on loopback."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from services.common.netguard import BlockedURL, NetworkGuard
from services.job.boards import (
    BOARD_API_HOSTS,
    BoardClient,
    BoardFetchError,
    BoardFormatError,
    FetchConfig,
    ResponseTooLarge,
    board_guard,
    fetch_board,
)
from tests.sites.boards import BoardRegistry, Fault, serve_boards

FAST = FetchConfig(backoff_base=0.05, backoff_max=0.2, rate_per_host=1000, burst_per_host=1000)


@pytest.fixture
def registry() -> BoardRegistry:
    return BoardRegistry.from_fixtures()


@pytest.fixture
async def site(registry: BoardRegistry) -> AsyncIterator[str]:
    async with serve_boards(registry) as base_url:
        yield base_url


@pytest.fixture
async def client() -> AsyncIterator[BoardClient]:
    async with BoardClient(NetworkGuard(["127.0.0.1"], BOARD_API_HOSTS), FAST) as board_client:
        yield board_client


async def test_greenhouse_board_with_details_and_questions(site: str, client: BoardClient) -> None:
    result = await client.fetch_board("greenhouse", "vercel", base_url=site)
    assert result.errors == [] and result.warnings == []
    by_id = {job.external_id: job for job in result.jobs}
    assert set(by_id) == {"6136160004", "5999792004", "5841911004"}
    job = by_id["6136160004"]
    assert job.company == "Vercel" and job.title == "Account Executive, Commercial"
    assert job.apply_url == f"{site}/greenhouse/vercel/jobs/6136160004"
    assert job.department == "Account Executive"
    assert "London, England, United Kingdom" in job.locations
    assert "About Vercel:" in job.description_text and "&lt;" not in job.description_html
    assert job.questions is not None
    assert [q.id for q in job.questions][:3] == ["first_name", "last_name", "email"]


async def test_greenhouse_details_are_skipped_for_unchanged_jobs(
    site: str, client: BoardClient, registry: BoardRegistry
) -> None:
    first = await client.fetch_board("greenhouse", "vercel", base_url=site)
    known = {job.external_id: job.listing_hash for job in first.jobs}
    registry.update_job("greenhouse", "vercel", 5999792004, title="Account Executive, Majors (EMEA)")
    registry.requests.clear()

    second = await client.fetch_board(
        "greenhouse",
        "vercel",
        base_url=site,
        detail_needed=lambda job: known.get(job.external_id) != job.listing_hash,
    )

    details = [path for path in registry.requests if "/jobs/" in path]
    assert details == ["/v1/boards/vercel/jobs/5999792004?questions=true"]
    changed = next(job for job in second.jobs if job.external_id == "5999792004")
    assert changed.title == "Account Executive, Majors (EMEA)" and changed.questions
    unchanged = next(job for job in second.jobs if job.external_id == "6136160004")
    assert unchanged.questions is None and unchanged.listing_hash == known["6136160004"]


async def test_greenhouse_detail_failure_keeps_the_listing_with_a_warning(
    site: str, client: BoardClient, registry: BoardRegistry
) -> None:
    registry.inject_fault("greenhouse", "vercel", Fault("garbage", path_contains="/jobs/5841911004"))
    result = await client.fetch_board("greenhouse", "vercel", base_url=site)
    assert len(result.jobs) == 3 and result.errors == []
    assert len(result.warnings) == 1 and "5841911004" in result.warnings[0]
    kept = next(job for job in result.jobs if job.external_id == "5841911004")
    assert kept.questions is None


async def test_lever_pages_until_a_short_page(site: str, registry: BoardRegistry) -> None:
    registry.add_synthetic_jobs("lever", "voltus", 22)
    config = FetchConfig(lever_page_size=10, rate_per_host=1000, burst_per_host=1000)
    async with BoardClient(NetworkGuard(["127.0.0.1"]), config) as client:
        result = await client.fetch_board("lever", "voltus", base_url=site)
    pages = [path for path in registry.requests if path.startswith("/v0/postings/voltus")]
    assert len(pages) == 3
    assert len(result.jobs) == 25 and len({job.external_id for job in result.jobs}) == 25
    voltus = next(job for job in result.jobs if job.title == "Director of Product Marketing")
    assert voltus.apply_url == f"{site}/lever/voltus/e966b65f-09d3-48e1-b96f-508be800ec4f/apply"
    assert voltus.remote and voltus.salary is not None and voltus.salary.min == 190000


async def test_ashby_board(site: str, client: BoardClient) -> None:
    result = await client.fetch_board("ashby", "gimlet", base_url=site, company="Gimlet Labs")
    assert [job.company for job in result.jobs] == ["Gimlet Labs"] * 3
    assert result.jobs[0].apply_url.startswith(f"{site}/ashby/gimlet/")
    assert result.jobs[0].workplace_type == "on_site"


async def test_retries_after_a_server_error(site: str, client: BoardClient, registry: BoardRegistry) -> None:
    registry.inject_fault("ashby", "gimlet", Fault("error", status=503))
    result = await client.fetch_board("ashby", "gimlet", base_url=site)
    assert len(result.jobs) == 3
    assert len([p for p in registry.requests if p.startswith("/posting-api/")]) == 2


async def test_waits_for_retry_after_on_429(site: str, client: BoardClient, registry: BoardRegistry) -> None:
    registry.inject_fault("lever", "voltus", Fault("rate_limit", retry_after="1"))
    started = time.monotonic()
    result = await client.fetch_board("lever", "voltus", base_url=site)
    assert time.monotonic() - started >= 0.95
    assert len(result.jobs) == 3


async def test_retries_a_read_timeout(site: str, registry: BoardRegistry) -> None:
    registry.inject_fault("ashby", "gimlet", Fault("slow", delay=0.8))
    config = FetchConfig(read_timeout=0.2, backoff_base=0.05, rate_per_host=1000, burst_per_host=1000)
    async with BoardClient(NetworkGuard(["127.0.0.1"]), config) as client:
        result = await client.fetch_board("ashby", "gimlet", base_url=site)
    assert len(result.jobs) == 3


async def test_gives_up_after_max_attempts(site: str, registry: BoardRegistry) -> None:
    registry.inject_fault("ashby", "gimlet", Fault("error", times=5))
    config = FetchConfig(max_attempts=2, backoff_base=0.01, rate_per_host=1000, burst_per_host=1000)
    async with BoardClient(NetworkGuard(["127.0.0.1"]), config) as client:
        with pytest.raises(BoardFetchError) as caught:
            await client.fetch_board("ashby", "gimlet", base_url=site)
    assert caught.value.status == 500


async def test_size_cap_aborts_a_huge_body(site: str, registry: BoardRegistry) -> None:
    registry.inject_fault("ashby", "gimlet", Fault("huge", size=3 * 1024 * 1024))
    config = FetchConfig(max_body_bytes=1024 * 1024)
    async with BoardClient(NetworkGuard(["127.0.0.1"]), config) as client:
        with pytest.raises(ResponseTooLarge):
            await client.fetch_board("ashby", "gimlet", base_url=site)


async def test_garbage_board_is_a_format_error(
    site: str, client: BoardClient, registry: BoardRegistry
) -> None:
    registry.inject_fault("greenhouse", "vercel", Fault("garbage"))
    with pytest.raises(BoardFormatError):
        await client.fetch_board("greenhouse", "vercel", base_url=site)


async def test_unknown_board_is_not_retried(site: str, client: BoardClient, registry: BoardRegistry) -> None:
    with pytest.raises(BoardFetchError) as caught:
        await client.fetch_board("lever", "nobody", base_url=site)
    assert caught.value.status == 404
    assert len(registry.requests) == 1


async def test_redirect_to_a_blocked_address_is_refused(
    site: str, client: BoardClient, registry: BoardRegistry
) -> None:
    registry.inject_fault(
        "ashby", "gimlet", Fault("redirect", location="http://169.254.169.254/latest/meta-data/")
    )
    with pytest.raises(BlockedURL, match="link-local"):
        await client.fetch_board("ashby", "gimlet", base_url=site)


async def test_redirect_within_allowed_hosts_is_followed(
    site: str, client: BoardClient, registry: BoardRegistry
) -> None:
    registry.inject_fault("ashby", "other", Fault("redirect", location="/posting-api/job-board/gimlet"))
    result = await client.fetch_board("ashby", "other", base_url=site)
    assert len(result.jobs) == 3


async def test_loopback_needs_listing(site: str) -> None:
    async with BoardClient(NetworkGuard([], BOARD_API_HOSTS), FAST) as client:
        with pytest.raises(BlockedURL, match="loopback"):
            await client.fetch_board("ashby", "gimlet", base_url=site)


async def test_large_board_and_removed_jobs(site: str, client: BoardClient, registry: BoardRegistry) -> None:
    ids = registry.add_synthetic_jobs("greenhouse", "big", 120)
    first = await client.fetch_board("greenhouse", "big", base_url=site)
    assert len(first.jobs) == 120 and all(job.questions for job in first.jobs)
    registry.remove_job("greenhouse", "big", ids[0])
    second = await client.fetch_board("greenhouse", "big", base_url=site, detail_needed=lambda job: False)
    assert len(second.jobs) == 119 and ids[0] not in {job.external_id for job in second.jobs}
    assert {job.listing_hash for job in second.jobs} < {job.listing_hash for job in first.jobs}


async def test_one_shot_fetch_board(site: str) -> None:
    result = await fetch_board(
        "lever", "voltus", guard=board_guard(["127.0.0.1"]), base_url=site, config=FAST
    )
    assert len(result.jobs) == 3 and result.jobs[0].external_id == "e966b65f-09d3-48e1-b96f-508be800ec4f"
