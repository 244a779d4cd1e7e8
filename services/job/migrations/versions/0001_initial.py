"""The job catalog, job sources and create-request ids.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "job"
# Frozen copy of models.SEARCH_EXPRESSION as of this revision.
SEARCH_EXPRESSION = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(company, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(location, '')), 'B') || "
    "setweight(to_tsvector('english', left(coalesce(description_text, ''), 100000)), 'C')"
)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _time(name: str, *, required: bool = True) -> sa.Column[object]:
    if required:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("ats", sa.Text, nullable=False),
        _text("board"),
        sa.Column("external_id", sa.Text, nullable=False),
        sa.Column("company", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        _text("location"),
        sa.Column("locations", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("remote", sa.Boolean, nullable=False, server_default=sa.false()),
        _text("workplace_type"),
        _text("employment_type"),
        _text("department"),
        sa.Column("salary_min", sa.Float, nullable=True),
        sa.Column("salary_max", sa.Float, nullable=True),
        _text("salary_currency"),
        _text("salary_interval"),
        _text("salary_summary"),
        _text("description"),
        _text("description_text"),
        sa.Column("apply_url", sa.Text, nullable=False),
        sa.Column("questions", JSONB, nullable=True),
        _time("posted_time", required=False),
        sa.Column("source_id", UUID(as_uuid=False), nullable=True),
        sa.Column("state", sa.Text, nullable=False, server_default="OPEN"),
        _time("close_time", required=False),
        sa.Column(
            "canonical_id",
            UUID(as_uuid=False),
            sa.ForeignKey(f"{S}.jobs.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("dedupe_key", sa.Text, nullable=False),
        sa.Column("listing_hash", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        _time("create_time"),
        _time("update_time"),
        sa.Column("owner_id", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("search", TSVECTOR, sa.Computed(SEARCH_EXPRESSION, persisted=True)),
        sa.CheckConstraint("state in ('OPEN', 'CLOSED')", name="ck_jobs_state"),
        schema=S,
    )
    op.create_index("uq_jobs_posting", "jobs", ["ats", "board", "external_id"], unique=True, schema=S)
    op.create_index("ix_jobs_create_time", "jobs", ["create_time", "id"], schema=S)
    op.create_index(
        "ix_jobs_posted_time", "jobs", [sa.text("coalesce(posted_time, create_time)"), "id"], schema=S
    )
    op.create_index("ix_jobs_company", "jobs", [sa.text("lower(company)"), "id"], schema=S)
    op.create_index("ix_jobs_title", "jobs", [sa.text("lower(title)"), "id"], schema=S)
    op.create_index("ix_jobs_board_state", "jobs", ["ats", "board", "state"], schema=S)
    op.create_index("ix_jobs_state", "jobs", ["state"], schema=S)
    op.create_index("ix_jobs_dedupe_key", "jobs", ["dedupe_key", "create_time"], schema=S)
    op.create_index("ix_jobs_canonical", "jobs", ["canonical_id"], schema=S)
    op.create_index("ix_jobs_source", "jobs", ["source_id"], schema=S)
    op.create_index("ix_jobs_search", "jobs", ["search"], postgresql_using="gin", schema=S)

    op.create_table(
        "sources",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("owner_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("board", sa.Text, nullable=False),
        _text("base_url"),
        _text("display_name"),
        sa.Column("sync_interval_minutes", sa.Integer, nullable=False, server_default="60"),
        sa.Column("request_id", sa.Text, nullable=True),
        _text("request_hash"),
        _time("last_sync_time", required=False),
        sa.Column("last_sync", JSONB, nullable=True),
        _time("create_time"),
        _time("update_time"),
        schema=S,
    )
    op.create_index(
        "uq_sources_board", "sources", ["owner_id", "kind", "board", "base_url"], unique=True, schema=S
    )
    op.create_index(
        "uq_sources_request",
        "sources",
        ["owner_id", "request_id"],
        unique=True,
        postgresql_where=sa.text("request_id is not null"),
        schema=S,
    )
    op.create_index("ix_sources_owner_time", "sources", ["owner_id", "create_time", "id"], schema=S)

    op.create_table(
        "create_requests",
        sa.Column("owner_id", sa.Text, primary_key=True),
        sa.Column("request_id", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("job_ids", ARRAY(UUID(as_uuid=False)), nullable=False),
        _time("create_time"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("create_requests", schema=S)
    op.drop_table("sources", schema=S)
    op.drop_table("jobs", schema=S)
