"""SQLAlchemy models of the `automation` schema: one row per worker run, with its evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, MetaData, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "automation"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    application_id: Mapped[str] = mapped_column(UUID(as_uuid=False), nullable=False)
    owner_id: Mapped[str] = mapped_column(String(64), nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    outcome: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    worker: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    adapter: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    confirmation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fill_plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    artifacts: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, default=list)
    start_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("runs_application", "owner_id", "application_id", "start_time"),)
