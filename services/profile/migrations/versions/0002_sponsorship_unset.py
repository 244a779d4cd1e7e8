"""requires_sponsorship may be unset: a profile that does not say is asked, never read as "no".

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
    op.alter_column(
        "profiles",
        "requires_sponsorship",
        nullable=True,
        server_default=None,
        schema="profile",
        existing_type=sa.Boolean(),
    )


def downgrade() -> None:
    op.execute("UPDATE profile.profiles SET requires_sponsorship = false WHERE requires_sponsorship IS NULL")
    op.alter_column(
        "profiles",
        "requires_sponsorship",
        nullable=False,
        server_default=sa.false(),
        schema="profile",
        existing_type=sa.Boolean(),
    )
