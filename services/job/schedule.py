"""When a job source is next due for a sync, and which sources are due now.

A source's last attempt is the later of its last successful sync and its last recorded outcome
(a failed sync records an outcome but keeps `last_sync_time`), so a broken board is retried once
per interval rather than every minute. A source never tried is first due FIRST_SYNC_DELAY after
its creation: clients usually sync a new source at once, and that sync should be the one that
reports the postings as added, not a scheduled one that happened to start first.

Queries only: it neither syncs nor enqueues anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, DateTime, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.job.models import JobSource

FIRST_SYNC_DELAY = timedelta(minutes=3)


@dataclass(frozen=True)
class DueSync:
    """A source whose scheduled sync is due at `due`."""

    source_id: str
    due: datetime

    @property
    def job_id(self) -> str:
        """The same for every replica that sees the same last attempt, so the sync is enqueued
        once; a new attempt moves `due` on by at least one interval and so gives a new id."""
        return f"sync:{self.source_id}:{int(self.due.timestamp())}"


def last_attempt(source: JobSource) -> datetime | None:
    """When the source was last synced or tried, None if never."""
    attempts = [source.last_sync_time]
    end = (source.last_sync or {}).get("end_time")
    if isinstance(end, str):
        attempts.append(datetime.fromisoformat(end))
    known = [t for t in attempts if t is not None]
    return max(known) if known else None


def due_time(source: JobSource) -> datetime:
    """When the source's next scheduled sync is due."""
    attempt = last_attempt(source)
    if attempt is None:
        return source.create_time + FIRST_SYNC_DELAY
    return attempt + timedelta(minutes=source.sync_interval_minutes)


def _last_attempt_sql() -> ColumnElement[datetime]:
    ended = JobSource.last_sync["end_time"].astext.cast(DateTime(timezone=True))
    # GREATEST ignores NULLs, so either column alone is enough.
    return func.greatest(JobSource.last_sync_time, ended)


async def due_syncs(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[DueSync]:
    """Every source whose next sync is due at `now`, the longest overdue first."""
    attempt = _last_attempt_sql()
    next_time = attempt + func.make_interval(0, 0, 0, 0, 0, JobSource.sync_interval_minutes)
    due = func.coalesce(next_time, JobSource.create_time + FIRST_SYNC_DELAY)
    query = select(JobSource.id, due).where(due <= now).order_by(due)
    async with sessions() as s:
        rows = (await s.execute(query)).all()
    return [DueSync(source_id, when) for source_id, when in rows]
