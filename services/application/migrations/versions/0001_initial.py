"""Applications, events and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "application"
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("job", sa.String(200), nullable=False),
        sa.Column("job_key", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("resume", sa.String(300), nullable=False),
        sa.Column("cover_letter", sa.Text(), nullable=False),
        sa.Column("pending_questions", postgresql.JSONB(), nullable=False),
        sa.Column("fill_plan", postgresql.JSONB(), nullable=True),
        sa.Column("approved_plan_hash", sa.String(128), nullable=False),
        sa.Column("artifacts", postgresql.JSONB(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("submit_time", TZ, nullable=True),
        sa.Column("create_time", TZ, nullable=False),
        sa.Column("update_time", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "applications_owner_request", "applications", ["owner_id", "request_id"], unique=True, schema=SCHEMA
    )
    op.create_index(
        "applications_live_slot",
        "applications",
        ["owner_id", "profile", "job_key"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("NOT (state IN ('FAILED', 'CANCELLED', 'PLANNED'))"),
    )
    op.create_index(
        "applications_owner_order", "applications", ["owner_id", "create_time", "id"], schema=SCHEMA
    )
    op.create_index("applications_state", "applications", ["state"], schema=SCHEMA)
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("application_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=False),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("create_time", TZ, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("events_application", "events", ["application_id", "id"], schema=SCHEMA)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("application_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("create_time", TZ, nullable=False),
        sa.Column("dispatch_time", TZ, nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "outbox_pending", "outbox", ["id"], schema=SCHEMA, postgresql_where=sa.text("dispatch_time IS NULL")
    )


def downgrade() -> None:
    op.drop_table("outbox", schema=SCHEMA)
    op.drop_table("events", schema=SCHEMA)
    op.drop_table("applications", schema=SCHEMA)
