"""SQLAlchemy models of the `application` schema: applications, their events, the outbox.

The partial unique index `applications_live_slot` is the database's own guarantee
that one profile holds at most one live application per job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, MetaData, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "application"
RELEASED_STATES_SQL = "state IN ('FAILED', 'CANCELLED', 'PLANNED')"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


class ApplicationRow(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), nullable=False)
    profile: Mapped[str] = mapped_column(String(200), nullable=False)
    job: Mapped[str] = mapped_column(String(200), nullable=False)
    # job_key is the canonical job (a repost or duplicate posting maps to the original),
    # so two postings of one job share one slot.
    job_key: Mapped[str] = mapped_column(String(200), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(24), nullable=False)
    resume: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    cover_letter: Mapped[str] = mapped_column(Text, nullable=False, default="")
    pending_questions: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, default=list)
    fill_plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    approved_plan_hash: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    artifacts: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, default=list)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    submit_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)

    __table_args__ = (
        Index("applications_owner_request", "owner_id", "request_id", unique=True),
        Index(
            "applications_live_slot",
            "owner_id",
            "profile",
            "job_key",
            unique=True,
            postgresql_where=text(f"NOT ({RELEASED_STATES_SQL})"),
        ),
        Index("applications_owner_order", "owner_id", "create_time", "id"),
        Index("applications_state", "state"),
    )


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(UUID(as_uuid=False), nullable=False)
    type: Mapped[str] = mapped_column(String(48), nullable=False)
    from_state: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    to_state: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("events_application", "application_id", "id"),)


class OutboxRow(Base):
    """Work to hand to the queue, written in the same transaction as the state change."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(UUID(as_uuid=False), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # not_before delays a retry: the job is handed to the queue at once, deferred until then.
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    dispatch_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("outbox_pending", "id", postgresql_where=text("dispatch_time IS NULL")),)
