"""Worker runs.

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


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("application_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("adapter", sa.String(64), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("confirmation", sa.Text(), nullable=False),
        sa.Column("fill_plan", postgresql.JSONB(), nullable=True),
        sa.Column("artifacts", postgresql.JSONB(), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=True),
        schema="automation",
    )
    op.create_index(
        "runs_application", "runs", ["owner_id", "application_id", "start_time"], schema="automation"
    )


def downgrade() -> None:
    op.drop_table("runs", schema="automation")
