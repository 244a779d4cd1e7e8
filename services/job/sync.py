"""Syncing one job source: fetch its board, write what changed through the bulk path, close what
left the board, and record the outcome on the source.

Plain async functions over `SyncDeps`, independent of gRPC, so the sync worker's task runs them.
Syncs of one board (by any source) run one at a time, serialised on an advisory lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.errors import NotFound
from services.common.netguard import BlockedURL
from services.job.boards import BoardClient, BoardFetchError, BoardFormatError, BoardJob
from services.job.boards.model import Ats
from services.job.domain import SyncReport, draft_from_board
from services.job.ingest import promote_duplicates, upsert_jobs
from services.job.models import JobSource
from services.job.repository import JobRepository
from services.job.schedule import due_time

log = logging.getLogger("jobmesh.job.sync")

MAX_ERRORS = 200

UNREADABLE = "BOARD_UNREADABLE"
NOT_FOUND = "BOARD_NOT_FOUND"
BLOCKED = "SOURCE_BLOCKED"
UNAVAILABLE = "BOARD_UNAVAILABLE"


@dataclass(frozen=True)
class SyncDeps:
    """What a sync needs: database sessions and a board client (one pooled client per process)."""

    sessions: async_sessionmaker[AsyncSession]
    boards: BoardClient


def _now() -> datetime:
    return datetime.now(UTC)


async def sync_source(deps: SyncDeps, source_id: str) -> SyncReport:
    """Syncs one source now. A board that cannot be read leaves the catalog as it was: the
    report's `failure_reason` says why and is recorded as the source's `last_sync`."""
    report = await _sync(deps, source_id, None)
    if report is None:
        raise NotFound(f"sources/{source_id}")
    return report


async def sync_if_due(deps: SyncDeps, source_id: str, due: datetime) -> SyncReport | None:
    """The scheduled sync of a source found due at `due`: None, without touching the board, when
    the source is gone or another sync (manual, or from another replica) has run since."""
    return await _sync(deps, source_id, due)


async def _sync(deps: SyncDeps, source_id: str, scheduled_for: datetime | None) -> SyncReport | None:
    async with deps.sessions() as s:
        source = await s.get(JobSource, source_id)
    if source is None:
        return None
    report = SyncReport(start_time=_now())
    async with deps.sessions() as lock, lock.begin():
        key = f"job-sync:{source.kind}:{source.board}"
        await lock.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
        if scheduled_for is not None:
            # Read under the lock: a sync that held it until now has committed its outcome.
            current = await lock.get(JobSource, source_id)
            if current is None or due_time(current) > scheduled_for:
                return None
        await _sync_locked(deps, source, report)
    log.info(
        "source synced",
        extra={
            "event": "job.source.synced",
            "source": f"sources/{source.id}",
            "kind": source.kind,
            "board": source.board,
            "scheduled": scheduled_for is not None,
            "added": report.added,
            "updated": report.updated,
            "closed": report.closed,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
            "failure": report.failure_reason,
            "duration_ms": round(
                ((report.end_time or report.start_time) - report.start_time).total_seconds() * 1000
            ),
        },
    )
    return report


async def _sync_locked(deps: SyncDeps, source: JobSource, report: SyncReport) -> None:
    async with deps.sessions() as s:
        known = await JobRepository(s).known_hashes(source.kind, source.board)

    def detail_needed(job: BoardJob) -> bool:
        return known.get(job.external_id) != job.listing_hash

    try:
        parsed = await deps.boards.fetch_board(
            cast(Ats, source.kind),
            source.board,
            base_url=source.base_url or None,
            detail_needed=detail_needed,
        )
    except BoardFormatError as exc:
        await _fail(deps, source, report, UNREADABLE, f"the board's answer is not a job board: {exc}")
        return
    except BlockedURL as exc:
        await _fail(deps, source, report, BLOCKED, f"the board's address may not be fetched: {exc}")
        return
    except BoardFetchError as exc:
        reason = NOT_FOUND if exc.status == 404 else UNAVAILABLE
        await _fail(deps, source, report, reason, f"the board could not be fetched: {exc}")
        return
    for warning in parsed.warnings:
        log.warning("board warning", extra={"source": f"sources/{source.id}", "warning": warning})
    if parsed.errors and not parsed.jobs:
        # Every posting unreadable is a broken board, not an empty one: closing them all would be wrong.
        await _fail(
            deps, source, report, UNREADABLE, f"no posting on the board could be read: {parsed.errors[0]}"
        )
        return
    drafts = [draft_from_board(job) for job in parsed.jobs]
    report.skipped = len(parsed.errors)
    report.errors = parsed.errors[:MAX_ERRORS]
    async with deps.sessions() as s, s.begin():
        result = await upsert_jobs(s, drafts, update_existing=True, source_id=source.id)
        closed = await JobRepository(s).close_missing(
            source.kind, source.board, [d.external_id for d in drafts]
        )
        await promote_duplicates(s, closed)
        report.added = len(result.inserted)
        report.updated = len(result.updated)
        report.unchanged = len(drafts) - report.added - report.updated
        report.closed = len(closed)
        report.end_time = _now()
        await s.execute(
            update(JobSource)
            .where(JobSource.id == source.id)
            .values(last_sync_time=report.end_time, last_sync=report.to_json(), update_time=func.now())
        )


async def _fail(deps: SyncDeps, source: JobSource, report: SyncReport, reason: str, message: str) -> None:
    report.failure_reason = reason
    report.failure = message
    report.errors = [message]
    report.end_time = _now()
    async with deps.sessions() as s, s.begin():
        await s.execute(
            update(JobSource)
            .where(JobSource.id == source.id)
            .values(last_sync=report.to_json(), update_time=func.now())
        )
