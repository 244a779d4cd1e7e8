"""Outbox rows may carry the earliest time their work should run (retry backoff).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("not_before", sa.DateTime(timezone=True), nullable=True), schema="application"
    )


def downgrade() -> None:
    op.drop_column("outbox", "not_before", schema="application")
