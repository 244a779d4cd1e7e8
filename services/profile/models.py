"""SQLAlchemy models of the `profile` schema: accounts, refresh tokens, profiles, answers, resumes.

Only table shapes live here; queries are in the repositories and the DDL that
creates these tables is in migrations/ (never `metadata.create_all`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "profile"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


def _id() -> Mapped[str]:
    return mapped_column(Uuid(as_uuid=False), primary_key=True)


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class User(Base):
    """An account: the owner of profiles."""

    __tablename__ = "users"

    id: Mapped[str] = _id()
    email: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = _now()
    update_time: Mapped[datetime] = _now()


class RefreshToken(Base):
    """One issued refresh token, known only by its SHA-256; rotation chains form a family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = _id()
    user_id: Mapped[str] = mapped_column(Uuid(as_uuid=False), ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[str] = mapped_column(Uuid(as_uuid=False))  # indexed by migration 0001
    parent_id: Mapped[str | None] = mapped_column(Uuid(as_uuid=False))
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    create_time: Mapped[datetime] = _now()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Profile(Base):
    """A candidate profile; `version` increments on every change and feeds the etag."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("owner_id", "request_id"),)

    id: Mapped[str] = _id()
    owner_id: Mapped[str] = mapped_column(Uuid(as_uuid=False))
    request_id: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    display_name: Mapped[str] = mapped_column(Text, default="")
    given_name: Mapped[str] = mapped_column(Text, default="")
    family_name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(Text, default="")
    linkedin_url: Mapped[str] = mapped_column(Text, default="")
    github_url: Mapped[str] = mapped_column(Text, default="")
    website_url: Mapped[str] = mapped_column(Text, default="")
    headline: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    work_authorized_countries: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    requires_sponsorship: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    current_company: Mapped[str] = mapped_column(Text, default="")
    current_title: Mapped[str] = mapped_column(Text, default="")
    salary_expectation: Mapped[str] = mapped_column(Text, default="")
    earliest_start_date: Mapped[str] = mapped_column(Text, default="")
    pronouns: Mapped[str] = mapped_column(Text, default="")
    gender: Mapped[str] = mapped_column(Text, default="")
    race_ethnicity: Mapped[str] = mapped_column(Text, default="")
    veteran_status: Mapped[str] = mapped_column(Text, default="")
    disability_status: Mapped[str] = mapped_column(Text, default="")
    default_resume_id: Mapped[str | None] = mapped_column(
        Uuid(as_uuid=False), ForeignKey("resumes.id", ondelete="SET NULL", use_alter=True)
    )
    create_time: Mapped[datetime] = _now()
    update_time: Mapped[datetime] = _now()


class Answer(Base):
    """One answer-bank entry, keyed by the question's fingerprint within its profile."""

    __tablename__ = "answers"

    profile_id: Mapped[str] = mapped_column(
        Uuid(as_uuid=False), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(Text, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    update_time: Mapped[datetime] = _now()


class Resume(Base):
    """A resume's metadata; the (sealed) bytes live in the blob store under `blob_key`."""

    __tablename__ = "resumes"
    __table_args__ = (UniqueConstraint("profile_id", "request_id"),)

    id: Mapped[str] = _id()
    profile_id: Mapped[str] = mapped_column(
        Uuid(as_uuid=False), ForeignKey("profiles.id", ondelete="CASCADE")
    )
    owner_id: Mapped[str] = mapped_column(Uuid(as_uuid=False))
    request_id: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(Text)
    blob_key: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = _now()
