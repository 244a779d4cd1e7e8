"""SQLAlchemy models of the `job` schema: the shared job catalog, users' job sources and
the request ids that make job creation idempotent.

Tables only: the DDL that creates them lives in migrations/, queries in repository.py and ingest.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Computed, DateTime, Float, ForeignKey, Integer, MetaData, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "job"

# Title weighs most, then company and location, then the description (capped so one
# huge posting cannot blow up the index entry).
SEARCH_EXPRESSION = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(company, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(location, '')), 'B') || "
    "setweight(to_tsvector('english', left(coalesce(description_text, ''), 100000)), 'C')"
)

# The head of a posting (title, company, location; a few dozen bytes, stored inline): SearchJobs
# ranks matches of it first and reads it from a covering index, never the detoasted full vector.
HEAD_EXPRESSION = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(company, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(location, '')), 'B')"
)

OPEN = "OPEN"
CLOSED = "CLOSED"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


def _now() -> Any:
    return func.now()


class Job(Base):
    """One public posting, unique on (ats, board, external_id)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    ats: Mapped[str] = mapped_column(Text)
    board: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text, default="")
    locations: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    workplace_type: Mapped[str] = mapped_column(Text, default="")
    employment_type: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(Text, default="")
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str] = mapped_column(Text, default="")
    salary_interval: Mapped[str] = mapped_column(Text, default="")
    salary_summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_text: Mapped[str] = mapped_column(Text, default="")
    apply_url: Mapped[str] = mapped_column(Text)
    questions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    posted_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    state: Mapped[str] = mapped_column(Text, default=OPEN)
    close_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    canonical_id: Mapped[str | None] = mapped_column(
        UUID(as_uuid=False), ForeignKey("job.jobs.id", ondelete="SET NULL")
    )
    dedupe_key: Mapped[str] = mapped_column(Text)
    listing_hash: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    owner_id: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(Text)
    search: Mapped[Any] = mapped_column(TSVECTOR, Computed(SEARCH_EXPRESSION, persisted=True))
    search_head: Mapped[Any] = mapped_column(TSVECTOR, Computed(HEAD_EXPRESSION, persisted=True))


class JobSource(Base):
    """A user's subscription to one board; unique per (owner, kind, board, base_url)."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    owner_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    board: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(Text, default="")
    display_name: Mapped[str] = mapped_column(Text, default="")
    sync_interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    request_id: Mapped[str | None] = mapped_column(Text)
    request_hash: Mapped[str] = mapped_column(Text, default="")
    last_sync_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class CreateRequest(Base):
    """A CreateJob / BatchCreateJobs call already answered, by caller and request id."""

    __tablename__ = "create_requests"

    owner_id: Mapped[str] = mapped_column(Text, primary_key=True)
    request_id: Mapped[str] = mapped_column(Text, primary_key=True)
    request_hash: Mapped[str] = mapped_column(Text)
    job_ids: Mapped[list[str]] = mapped_column(ARRAY(UUID(as_uuid=False)))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
