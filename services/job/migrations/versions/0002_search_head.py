"""SearchJobs reads a small head vector from a covering index; indexes no query uses are dropped.

- `search_head` (title, company, location; generated) with a GIN index, and a partial covering
  index of listed postings (open, canonical) in posting-time order that carries it, so ranking
  the newest head matches reads neither the table nor the big `search` vector.
- Dropped: ix_jobs_board_state (uq_jobs_posting's (ats, board) prefix serves the same queries),
  ix_jobs_state (two values; every query that tests state also narrows by something else),
  ix_jobs_source (no query reads jobs by source_id). ix_jobs_canonical becomes partial: only
  duplicates point somewhere, and only they are looked up by canonical_id. ix_jobs_dedupe_key
  becomes ix_jobs_dedupe_head: only open canonical postings can be a new duplicate's head, and
  the index yields the oldest of them first.

Adding a stored generated column rewrites job.jobs once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "job"
# Frozen copy of models.HEAD_EXPRESSION as of this revision.
HEAD_EXPRESSION = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(company, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(location, '')), 'B')"
)
LISTED = sa.text("state = 'OPEN' and canonical_id is null")


def upgrade() -> None:
    op.add_column(
        "jobs", sa.Column("search_head", TSVECTOR, sa.Computed(HEAD_EXPRESSION, persisted=True)), schema=S
    )
    op.create_index("ix_jobs_search_head", "jobs", ["search_head"], postgresql_using="gin", schema=S)
    op.create_index(
        "ix_jobs_listed_newest",
        "jobs",
        [sa.text("coalesce(posted_time, create_time)"), "id"],
        postgresql_include=["posted_time", "create_time", "search_head"],
        postgresql_where=LISTED,
        schema=S,
    )
    op.drop_index("ix_jobs_board_state", "jobs", schema=S)
    op.drop_index("ix_jobs_state", "jobs", schema=S)
    op.drop_index("ix_jobs_source", "jobs", schema=S)
    op.drop_index("ix_jobs_dedupe_key", "jobs", schema=S)
    op.create_index(
        "ix_jobs_dedupe_head", "jobs", ["dedupe_key", "create_time", "id"], postgresql_where=LISTED, schema=S
    )
    op.drop_index("ix_jobs_canonical", "jobs", schema=S)
    op.create_index(
        "ix_jobs_canonical",
        "jobs",
        ["canonical_id"],
        postgresql_where=sa.text("canonical_id is not null"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_canonical", "jobs", schema=S)
    op.create_index("ix_jobs_canonical", "jobs", ["canonical_id"], schema=S)
    op.drop_index("ix_jobs_dedupe_head", "jobs", schema=S)
    op.create_index("ix_jobs_dedupe_key", "jobs", ["dedupe_key", "create_time"], schema=S)
    op.create_index("ix_jobs_source", "jobs", ["source_id"], schema=S)
    op.create_index("ix_jobs_state", "jobs", ["state"], schema=S)
    op.create_index("ix_jobs_board_state", "jobs", ["ats", "board", "state"], schema=S)
    op.drop_index("ix_jobs_listed_newest", "jobs", schema=S)
    op.drop_index("ix_jobs_search_head", "jobs", schema=S)
    op.drop_column("jobs", "search_head", schema=S)
