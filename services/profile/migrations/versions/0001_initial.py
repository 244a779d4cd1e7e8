"""The profile schema: users, refresh tokens, profiles, answers and resumes.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "profile"
UUID = sa.Uuid(as_uuid=False)


def _ts(name: str, *, nullable: bool = False, now: bool = True) -> sa.Column[object]:
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now() if now else None
    )


def _text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        _ts("create_time"),
        _ts("update_time"),
        sa.UniqueConstraint("email", name="users_email_key"),
        schema=SCHEMA,
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("user_id", UUID, sa.ForeignKey(f"{SCHEMA}.users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("family_id", UUID, nullable=False),
        sa.Column("parent_id", UUID, nullable=True),
        sa.Column("token_hash", sa.Text(), nullable=False),
        _ts("create_time"),
        _ts("expires_at", now=False),
        _ts("used_at", nullable=True, now=False),
        _ts("revoked_at", nullable=True, now=False),
        sa.UniqueConstraint("token_hash", name="refresh_tokens_token_hash_key"),
        schema=SCHEMA,
    )
    op.create_index("refresh_tokens_family_id_idx", "refresh_tokens", ["family_id"], schema=SCHEMA)
    op.create_index("refresh_tokens_user_id_idx", "refresh_tokens", ["user_id"], schema=SCHEMA)

    op.create_table(
        "profiles",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("owner_id", UUID, nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        *[
            _text(name)
            for name in (
                "display_name",
                "given_name",
                "family_name",
                "email",
                "phone",
                "city",
                "region",
                "country",
                "linkedin_url",
                "github_url",
                "website_url",
                "headline",
                "summary",
            )
        ],
        sa.Column(
            "work_authorized_countries", sa.ARRAY(sa.Text()), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("requires_sponsorship", sa.Boolean(), nullable=False, server_default=sa.false()),
        *[
            _text(name)
            for name in (
                "current_company",
                "current_title",
                "salary_expectation",
                "earliest_start_date",
                "pronouns",
                "gender",
                "race_ethnicity",
                "veteran_status",
                "disability_status",
            )
        ],
        sa.Column("default_resume_id", UUID, nullable=True),
        _ts("create_time"),
        _ts("update_time"),
        sa.UniqueConstraint("owner_id", "request_id", name="profiles_owner_id_request_id_key"),
        schema=SCHEMA,
    )
    op.create_index("profiles_owner_order_idx", "profiles", ["owner_id", "create_time", "id"], schema=SCHEMA)

    op.create_table(
        "answers",
        sa.Column(
            "profile_id",
            UUID,
            sa.ForeignKey(f"{SCHEMA}.profiles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("fingerprint", sa.Text(), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        _ts("update_time"),
        schema=SCHEMA,
    )

    op.create_table(
        "resumes",
        sa.Column("id", UUID, primary_key=True),
        sa.Column(
            "profile_id", UUID, sa.ForeignKey(f"{SCHEMA}.profiles.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("owner_id", UUID, nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("blob_key", sa.Text(), nullable=False),
        _ts("create_time"),
        sa.UniqueConstraint("profile_id", "request_id", name="resumes_profile_id_request_id_key"),
        schema=SCHEMA,
    )
    op.create_index(
        "resumes_profile_order_idx", "resumes", ["profile_id", "create_time", "id"], schema=SCHEMA
    )
    op.create_foreign_key(
        "profiles_default_resume_id_fkey",
        "profiles",
        "resumes",
        ["default_resume_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint("profiles_default_resume_id_fkey", "profiles", schema=SCHEMA, type_="foreignkey")
    op.drop_table("resumes", schema=SCHEMA)
    op.drop_table("answers", schema=SCHEMA)
    op.drop_table("profiles", schema=SCHEMA)
    op.drop_table("refresh_tokens", schema=SCHEMA)
    op.drop_table("users", schema=SCHEMA)
