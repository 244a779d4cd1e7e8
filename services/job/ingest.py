"""The one bulk write path of the catalog: COPY drafts into a temporary staging table, then a
single `INSERT … SELECT … ON CONFLICT (ats, board, external_id)`, then canonical linking.

Used by CreateJob/BatchCreateJobs (existing postings are returned untouched, so no caller can
rewrite a posting another source owns) and by board syncs (changed postings are updated,
unchanged ones are not rewritten). It runs inside the caller's transaction and never commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.job.domain import JobDraft

_STAGING = "_job_staging"
_COLUMNS = (
    "ord", "ats", "board", "external_id", "company", "title", "location", "locations", "remote",
    "workplace_type", "employment_type", "department", "salary_min", "salary_max", "salary_currency",
    "salary_interval", "salary_summary", "description", "description_text", "apply_url", "questions",
    "posted_time", "dedupe_key", "listing_hash", "content_hash",
)  # fmt: skip
_STAGING_DDL = f"""
create temp table {_STAGING} (
    ord int not null, ats text not null, board text not null, external_id text not null,
    company text not null, title text not null, location text not null, locations text[] not null,
    remote bool not null, workplace_type text not null, employment_type text not null,
    department text not null, salary_min float8, salary_max float8, salary_currency text not null,
    salary_interval text not null, salary_summary text not null, description text not null,
    description_text text not null, apply_url text not null, questions jsonb, posted_time timestamptz,
    dedupe_key text not null, listing_hash text not null, content_hash text not null
) on commit drop
"""
_PAYLOAD = [c for c in _COLUMNS if c != "ord"]
# Rows go in in key order, so concurrent writers of overlapping postings lock them in one order.
_INSERT = f"""
insert into job.jobs as j (id, {", ".join(_PAYLOAD)}, source_id, owner_id, request_id,
                           state, create_time, update_time)
select gen_random_uuid(), {", ".join(_PAYLOAD)}, $1::uuid, $2, $3, 'OPEN', now(), now()
from (select distinct on (ats, board, external_id) * from {_STAGING}
      order by ats, board, external_id, ord) s
on conflict (ats, board, external_id) do {{action}}
returning j.id::text, j.external_id, (j.xmax = 0) as inserted
"""
_UPDATE = (
    "update set "
    + ", ".join(f"{c} = excluded.{c}" for c in _PAYLOAD if c not in ("questions", "content_hash"))
    + """,
    questions = coalesce(excluded.questions, j.questions),
    content_hash = case when excluded.questions is null then j.content_hash else excluded.content_hash end,
    source_id = coalesce(j.source_id, excluded.source_id),
    state = 'OPEN', close_time = null, update_time = now()
where j.listing_hash <> excluded.listing_hash
   or (excluded.questions is not null and j.content_hash <> excluded.content_hash)
   or j.state <> 'OPEN'
"""
)
# A new posting equal (same company, title and location) to an open canonical one from
# elsewhere points at the oldest such posting; new postings of one batch link to each other too.
# Each new posting looks its head up on its own through ix_jobs_dedupe_head (a few index entries),
# whatever the table's statistics say: the table may have grown by far since its last ANALYZE.
_LINK = """
update job.jobs d set canonical_id = h.head
from (select n.id, (select o.id from job.jobs o
                    where o.dedupe_key = n.dedupe_key and o.state = 'OPEN' and o.canonical_id is null
                    order by o.create_time, o.id limit 1) as head
      from job.jobs n where n.id = any($1::uuid[])) h
where d.id = h.id and h.head <> d.id and d.canonical_id is null
"""
_ORDER = f"""
select s.ord, j.id::text from {_STAGING} s
join job.jobs j on j.ats = s.ats and j.board = s.board and j.external_id = s.external_id
"""
# When canonical postings close or go away, the oldest open duplicate of each takes over and
# the rest (the old canonical included) point at it, so an open posting never stays hidden.
PROMOTE = """
with heads as (
    select distinct on (canonical_id) canonical_id as old, id as new from job.jobs
    where canonical_id = any($1::uuid[]) and state = 'OPEN'
    order by canonical_id, create_time, id
)
update job.jobs x set canonical_id = case when x.id = h.new then null else h.new end
from heads h where x.canonical_id = h.old or x.id = h.old
"""


@dataclass
class UpsertResult:
    """Ids in draft order (a repeated posting gets the first one's id) and what happened."""

    ids: list[str] = field(default_factory=list)
    inserted: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)


def _record(ord_: int, d: JobDraft) -> tuple[Any, ...]:
    s = d.salary
    questions = None if d.questions is None else json.dumps(list(d.questions), ensure_ascii=False)
    return (
        ord_, d.ats, d.board, d.external_id, d.company, d.title, d.location, list(d.locations), d.remote,
        d.workplace_type, d.employment_type, d.department, s.min if s else None, s.max if s else None,
        s.currency if s else "", s.interval if s else "", s.summary if s else "", d.description,
        d.description_text, d.apply_url, questions, d.posted_time, d.dedupe_key, d.listing_hash,
        d.content_hash,
    )  # fmt: skip


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's current transaction."""
    connection = await session.connection()
    # SQLAlchemy sends BEGIN lazily, with its first statement: without one, raw asyncpg calls
    # would each run in autocommit, outside the caller's transaction.
    await connection.exec_driver_sql("select 1")
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None or not driver.is_in_transaction():
        raise RuntimeError("bulk job writes must run inside the caller's transaction")
    return driver


async def upsert_jobs(
    session: AsyncSession,
    drafts: Sequence[JobDraft],
    *,
    update_existing: bool,
    source_id: str | None = None,
    owner_id: str | None = None,
    request_id: str | None = None,
) -> UpsertResult:
    """Writes `drafts` in one statement; see the module docstring for the two modes."""
    if not drafts:
        return UpsertResult()
    conn = await driver_connection(session)
    await conn.execute(f"drop table if exists pg_temp.{_STAGING}")
    await conn.execute(_STAGING_DDL)
    await conn.copy_records_to_table(
        _STAGING, records=[_record(i, d) for i, d in enumerate(drafts)], columns=list(_COLUMNS)
    )
    action = _UPDATE if update_existing else "nothing"
    rows = await conn.fetch(_INSERT.format(action=action), source_id, owner_id, request_id)
    result = UpsertResult()
    for row in rows:
        (result.inserted if row["inserted"] else result.updated).add(row["id"])
    if result.inserted:
        await conn.execute(_LINK, sorted(result.inserted))
    by_ord = {row["ord"]: row["id"] for row in await conn.fetch(_ORDER)}
    result.ids = [by_ord[i] for i in range(len(drafts))]
    await conn.execute(f"drop table pg_temp.{_STAGING}")
    return result


async def promote_duplicates(session: AsyncSession, canonical_ids: Sequence[str]) -> None:
    """Re-elects a canonical posting for the duplicates of postings that closed or will be deleted."""
    if canonical_ids:
        conn = await driver_connection(session)
        await conn.execute(PROMOTE, list(canonical_ids))
