"""Queries of the job schema over an AsyncSession: the public catalog (readable by every signed-in
user) and job sources (every query scoped by owner). Bulk writes are in ingest.py.

It never commits: the service layer owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    false,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.job.models import CLOSED, OPEN, CreateRequest, Job, JobSource
from services.job.query import Condition, OrderKey
from services.job.search import NEWEST, QuerySearch, filters_where
from services.job.search import SearchFilters as SearchFilters
from services.job.search import after as _keyset

_SORT_EXPRESSIONS: dict[str, Any] = {
    "create_time": Job.create_time,
    "posted_time": func.coalesce(Job.posted_time, Job.create_time),
    "company": func.lower(Job.company),
    "title": func.lower(Job.title),
}
TIME_KEYS = frozenset({"create_time", "posted_time"})


class JobRepository:
    """The shared catalog."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, job_id: str) -> Job | None:
        return await self.session.get(Job, job_id, populate_existing=True)

    async def get_many(self, ids: Sequence[str]) -> list[Job]:
        """Jobs in the order of `ids` (repeats allowed; deleted ones left out)."""
        rows = await self.session.scalars(
            select(Job).where(Job.id.in_(set(ids))).execution_options(populate_existing=True)
        )
        found = {job.id: job for job in rows}
        return [found[i] for i in ids if i in found]

    def _condition(self, c: Condition, sources: dict[str, tuple[str, str]]) -> ColumnElement[bool]:
        if c.field in ("company", "title"):
            column = Job.company if c.field == "company" else Job.title
            test: ColumnElement[bool] = func.lower(column) == str(c.value).lower()
        elif c.field == "board":
            test = Job.board == c.value
        elif c.field == "ats":
            test = Job.ats == str(c.value).lower()
        elif c.field == "state":
            test = Job.state == c.value
        elif c.field == "remote":
            test = Job.remote.is_(bool(c.value))
        else:
            target = sources.get(str(c.value))
            test = and_(Job.ats == target[0], Job.board == target[1]) if target else false()
        return test if c.op == "=" else ~test

    async def list_page(
        self,
        conditions: Sequence[Condition],
        order: Sequence[OrderKey],
        after: Sequence[Any] | None,
        limit: int,
        sources: dict[str, tuple[str, str]],
    ) -> list[tuple[Job, list[Any]]]:
        """One page of `limit` jobs and each one's sort key; `sources` maps the caller's source ids
        named in the filter to their (ats, board)."""
        named = {c.field for c in conditions}
        where = [self._condition(c, sources) for c in conditions]
        if "state" not in named:
            where.append(Job.state == OPEN)
        if not named & {"source", "board"}:
            # Duplicates are shown only to a caller who asks for one board's postings.
            where.append(Job.canonical_id.is_(None))
        exprs = [(_SORT_EXPRESSIONS[k.field], k.desc) for k in order]
        exprs.append((Job.id, order[-1].desc))
        if after is not None:
            where.append(_keyset(exprs, after))
        columns = [e.label(f"k{i}") for i, (e, _) in enumerate(exprs[:-1])]
        stmt = (
            select(Job, *columns)
            .where(*where)
            .order_by(*(e.desc() if d else e.asc() for e, d in exprs))
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(row[0], [*row[1:], row[0].id]) for row in rows]

    async def search(
        self, f: SearchFilters, after: Sequence[Any] | None, limit: int
    ) -> list[tuple[Job, list[Any]]]:
        """One page of matches, best first (see search.py), or newest first without a query; each
        with its position for the page token."""
        if f.query.strip():
            return await QuerySearch(self.session, f).page(after, limit)
        where = filters_where(f)
        exprs: list[tuple[Any, bool]] = [(NEWEST, True), (Job.id, True)]
        if after is not None:
            where.append(_keyset(exprs, after))
        stmt = (
            select(Job, NEWEST.label("k0"))
            .where(*where)
            .order_by(NEWEST.desc(), Job.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(row[0], [row[1], row[0].id]) for row in rows]

    async def delete(self, job_id: str) -> None:
        await self.session.execute(delete(Job).where(Job.id == job_id))

    async def lock_request(self, owner_id: str, request_id: str) -> None:
        """Serialises calls of one caller that share a request id, until the transaction ends."""
        await self.session.execute(
            select(
                func.pg_advisory_xact_lock(func.hashtextextended(f"job-create:{owner_id}:{request_id}", 0))
            )
        )

    async def find_request(self, owner_id: str, request_id: str) -> CreateRequest | None:
        return await self.session.get(CreateRequest, (owner_id, request_id))

    async def save_request(self, owner_id: str, request_id: str, request_hash: str, ids: list[str]) -> None:
        self.session.add(
            CreateRequest(owner_id=owner_id, request_id=request_id, request_hash=request_hash, job_ids=ids)
        )
        await self.session.flush()

    async def known_hashes(self, ats: str, board: str) -> dict[str, str]:
        """listing_hash by external_id of a board's open postings whose questions are stored."""
        rows = await self.session.execute(
            select(Job.external_id, Job.listing_hash).where(
                Job.ats == ats, Job.board == board, Job.state == OPEN, Job.questions.is_not(None)
            )
        )
        return {external_id: listing for external_id, listing in rows}

    async def close_missing(self, ats: str, board: str, seen: Sequence[str]) -> list[str]:
        """Closes a board's open postings not in `seen`; returns their ids."""
        stmt = (
            update(Job)
            .where(Job.ats == ats, Job.board == board, Job.state == OPEN, Job.external_id.not_in(list(seen)))
            .values(state=CLOSED, close_time=func.now(), update_time=func.now())
            .returning(Job.id)
        )
        return list((await self.session.scalars(stmt)).all())

    async def open_counts(self, boards: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Open postings per (ats, board)."""
        if not boards:
            return {}
        rows = await self.session.execute(
            select(Job.ats, Job.board, func.count())
            .where(Job.state == OPEN, tuple_(Job.ats, Job.board).in_(list(set(boards))))
            .group_by(Job.ats, Job.board)
        )
        return {(ats, board): count for ats, board, count in rows}


class SourceRepository:
    """One owner's job sources."""

    def __init__(self, session: AsyncSession, owner_id: str):
        self.session = session
        self.owner_id = owner_id

    async def get(self, source_id: str) -> JobSource | None:
        return await self.session.scalar(
            select(JobSource)
            .where(JobSource.id == source_id, JobSource.owner_id == self.owner_id)
            .execution_options(populate_existing=True)
        )

    async def boards_of(self, source_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(kind, board) of those of `source_ids` that are the owner's."""
        rows = await self.session.execute(
            select(JobSource.id, JobSource.kind, JobSource.board).where(
                JobSource.id.in_(list(source_ids)), JobSource.owner_id == self.owner_id
            )
        )
        return {sid: (kind, board) for sid, kind, board in rows}

    async def insert(self, values: dict[str, Any]) -> bool:
        """Adds a source; False when one with the same request id or board exists already."""
        stmt = insert(JobSource).values(owner_id=self.owner_id, **values).on_conflict_do_nothing()
        result = await self.session.execute(stmt.returning(JobSource.id))
        return result.scalar() is not None

    async def find_by_request(self, request_id: str) -> JobSource | None:
        return await self.session.scalar(
            select(JobSource).where(JobSource.owner_id == self.owner_id, JobSource.request_id == request_id)
        )

    async def find_by_board(self, kind: str, board: str, base_url: str) -> JobSource | None:
        return await self.session.scalar(
            select(JobSource).where(
                JobSource.owner_id == self.owner_id,
                JobSource.kind == kind,
                JobSource.board == board,
                JobSource.base_url == base_url,
            )
        )

    async def list_page(self, after: Sequence[Any] | None, limit: int) -> list[JobSource]:
        where = [JobSource.owner_id == self.owner_id]
        if after is not None:
            where.append(_keyset([(JobSource.create_time, False), (JobSource.id, False)], after))
        stmt = (
            select(JobSource)
            .where(*where)
            .order_by(JobSource.create_time, JobSource.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(stmt)).all())

    async def delete(self, source_id: str) -> bool:
        result = await self.session.execute(
            delete(JobSource)
            .where(JobSource.id == source_id, JobSource.owner_id == self.owner_id)
            .returning(JobSource.id)
        )
        return result.scalar() is not None
