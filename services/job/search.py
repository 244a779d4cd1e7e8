"""SearchJobs' SQL: one page of matches, newest first without a query, in two tiers with one.

Tier 1, head matches: postings whose title, company and location (the small `search_head` vector)
match the whole query. They are ranked by ts_rank_cd over that vector (title above company and
location), then newest first, within the newest SEARCH_WINDOW head matches, read off a covering
index without touching the table. Tier 2, body matches: every other posting whose full `search`
vector matches (thanks to the description, or to words spread over several fields), newest first,
after all of tier 1. Testing the full vector of a row means detoasting a few kB, so tier 2 runs only
when a page reaches it, and its plan (walk the posting-time index, or collect the matches through
GIN, first only among the newest postings) is chosen here from the planner's row estimates, because
the planner does not cost detoasting.

It never commits and builds no protobuf.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CompoundSelect,
    Select,
    Text,
    and_,
    cast,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import REAL
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from services.common.errors import InvalidArgument
from services.job.models import OPEN, Job

SEARCH_WINDOW = 1000  # head matches ranked per query: the newest ones
NEWEST = func.coalesce(Job.posted_time, Job.create_time)
# Cost of one row in each tier-2 plan, in one arbitrary unit: walking the posting-time index
# detoasts and tests every row it passes; a GIN bitmap visits only the matching rows' tuples.
_WALK_ROW_COST = 25.0
_BITMAP_ROW_COST = 3.0
TIER_HEAD, TIER_BODY = 1, 2
_CHILD_ROWS = re.compile(r"^  ->  .*\brows=(\d+)")


@dataclass(frozen=True)
class SearchFilters:
    """SearchJobs' restrictions, already checked."""

    query: str = ""
    company: str = ""
    location: str = ""
    remote_only: bool = False
    posted_after: datetime | None = None
    ats: str = ""
    include_closed: bool = False


class _Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, with its bound parameters (text format: json would come back decoded
    and re-stringified by the driver layers)."""

    inherit_cache = False

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]):
        self.statement = statement


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN " + compiler.process(element.statement, **kw)


def like(value: str) -> str:
    """An ILIKE pattern matching `value` anywhere, its wildcards escaped."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def after(exprs: Sequence[tuple[Any, bool]], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of (expression, descending) pairs."""
    branches = []
    for i, (expr, desc) in enumerate(exprs):
        equal = [e == v for (e, _), v in zip(exprs[:i], values[:i], strict=True)]
        branches.append(and_(*equal, expr < values[i] if desc else expr > values[i]))
    return or_(*branches)


def filters_where(f: SearchFilters) -> list[ColumnElement[bool]]:
    """The restrictions every tier shares. OPEN is a literal, not a parameter, so the planner can
    prove the partial indexes' predicate."""
    where: list[ColumnElement[bool]] = [Job.canonical_id.is_(None)]
    if not f.include_closed:
        where.append(Job.state == literal_column(f"'{OPEN}'"))
    if f.company:
        where.append(func.lower(Job.company) == f.company.lower())
    if f.location:
        pattern = like(f.location)
        where.append(
            or_(
                Job.location.ilike(pattern, escape="\\"),
                func.array_to_string(Job.locations, "\n").ilike(pattern, escape="\\"),
            )
        )
    if f.remote_only:
        where.append(or_(Job.remote.is_(true()), Job.workplace_type == "remote"))
    if f.posted_after is not None:
        where.append(Job.posted_time > f.posted_after)
    if f.ats:
        where.append(Job.ats == f.ats)
    return where


def _bad_token() -> InvalidArgument:
    return InvalidArgument([("page_token", "is not a page token of this query")])


def _position(position: Sequence[Any]) -> tuple[int, list[Any]]:
    """(tier, sort key) of a decoded page-token position of a search with a query."""
    try:
        tier, *key = position
        if tier == TIER_HEAD and len(key) == 3:
            return tier, [float(key[0]), datetime.fromisoformat(key[1]), str(key[2])]
        if tier == TIER_BODY and len(key) == 2:
            return tier, [datetime.fromisoformat(key[0]), str(key[1])]
    except (TypeError, ValueError) as exc:
        raise _bad_token() from exc
    raise _bad_token()


class QuerySearch:
    """Pages of one SearchJobs query (non-empty `query`) over a session."""

    def __init__(self, session: AsyncSession, f: SearchFilters):
        self.session = session
        self.tsquery = func.websearch_to_tsquery(literal_column("'english'::regconfig"), f.query)
        # Only stop words: nothing can match, and a scan filtering on an empty query would read
        # the whole index. A constant condition, so PostgreSQL evaluates it once, up front.
        nonempty = func.numnode(self.tsquery) > 0
        self.listed = [*filters_where(SearchFilters(include_closed=f.include_closed)), nonempty]
        self.where = [*filters_where(f), nonempty]

    def _full(self) -> ColumnElement[bool]:
        return Job.search.bool_op("@@")(self.tsquery)

    def _head(self) -> ColumnElement[bool]:
        return Job.search_head.bool_op("@@")(self.tsquery)

    async def page(self, position: Sequence[Any] | None, limit: int) -> list[tuple[Job, list[Any]]]:
        """Up to `limit` rows strictly after `position`, tier 1 first, each with its position."""
        tier, key = _position(position) if position is not None else (TIER_HEAD, None)
        # Plans depend on the query's words; a generic plan cached for other words would not.
        await self.session.execute(text("set local plan_cache_mode = force_custom_plan"))
        rows: list[tuple[Job, list[Any]]] = []
        if tier == TIER_HEAD:
            rows = await self._head_page(key, limit)
            key = None
        if len(rows) < limit:
            rows += await self._body_page(key, limit - len(rows))
        return rows

    async def _head_page(self, key: list[Any] | None, limit: int) -> list[tuple[Job, list[Any]]]:
        # With a NOT (`-word`) in the query a head match does not prove that the full vector, with
        # the description, matches too. The query is a constant of the plan, so without a NOT
        # PostgreSQL folds the second test away.
        without_not = func.strpos(cast(self.tsquery, Text), "!") == 0
        match = and_(self._head(), or_(without_not, self._full()))
        rank = func.ts_rank_cd(Job.search_head, self.tsquery, type_=REAL)
        window = (
            select(Job.id.label("id"), rank.label("rank"), NEWEST.label("newest"))
            .where(*self.where, match)
            .order_by(NEWEST.desc(), Job.id.desc())
            .limit(SEARCH_WINDOW)
            .subquery("head_window")
        )
        order = [(window.c.rank, True), (window.c.newest, True), (window.c.id, True)]
        top = select(window).order_by(*(e.desc() for e, _ in order)).limit(limit)
        if key is not None:
            top = top.where(after(order, key))
        best = top.subquery("head_page")
        stmt = (
            select(Job, best.c.rank, best.c.newest)
            .join(best, Job.id == best.c.id)
            .order_by(best.c.rank.desc(), best.c.newest.desc(), best.c.id.desc())
            .execution_options(populate_existing=True)
        )
        result = await self.session.execute(stmt)
        return [(job, [TIER_HEAD, r, newest, job.id]) for job, r, newest in result.all()]

    async def _estimates(self) -> tuple[float, float, float]:
        """The planner's row estimates: (listed rows, full matches, head matches), the matches
        with every filter; zeros when it proved the query matches nothing."""
        base = select(Job.id).where(*self.where)
        listed = select(Job.id).where(*self.listed)
        union = listed.union_all(base.where(self._full()), base.where(self._head()))
        lines = (await self.session.execute(_Explain(union))).scalars()
        # The three branches are the direct children of the Append node at the top.
        rows = [float(m.group(1)) for line in lines if (m := _CHILD_ROWS.match(line))]
        if len(rows) != 3:
            return 0.0, 0.0, 0.0
        return rows[0], rows[1], rows[2]

    async def _body_page(self, key: list[Any] | None, limit: int) -> list[tuple[Job, list[Any]]]:
        listed, full, head = await self._estimates()
        body = max(full - head, 0.0)
        walk_rows = listed if body < 1 else min(listed, limit * listed / body)
        older = [] if key is None else [after([(NEWEST, True), (Job.id, True)], key)]
        where = [*self.where, ~self._head(), *older]
        if walk_rows * _WALK_ROW_COST <= full * _BITMAP_ROW_COST:
            # The function behind @@ is not indexable: the plan walks the posting-time index.
            walk: ColumnElement[bool] = func.ts_match_vq(Job.search, self.tsquery, type_=Boolean)
            return await self._body_rows([*where, walk], NEWEST, limit)
        # Ordering by an expression no index provides leaves the GIN bitmap as the plan. Its
        # cost is a table read per match, so first try only the newest postings that should
        # hold twice the page's worth of matches: GIN's bitmap ANDed with the time index's.
        where.append(self._full())
        unordered = NEWEST + literal_column("interval '0 seconds'")
        span = int(listed * 2 * limit / max(full, 1.0))
        if span < listed / 4:
            cutoff = await self.session.scalar(
                select(NEWEST)
                .where(*self.listed, *older)
                .order_by(NEWEST.desc(), Job.id.desc())
                .offset(span)
                .limit(1)
            )
            if cutoff is not None:
                rows = await self._body_rows([*where, cutoff <= NEWEST], unordered, limit)
                if len(rows) == limit:
                    return rows
        return await self._body_rows(where, unordered, limit)

    async def _body_rows(
        self, where: Sequence[ColumnElement[bool]], newest: Any, limit: int
    ) -> list[tuple[Job, list[Any]]]:
        stmt = (
            select(Job, NEWEST)
            .where(*where)
            .order_by(newest.desc(), Job.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        result = await self.session.execute(stmt)
        return [(job, [TIER_BODY, n, job.id]) for job, n in result.all()]
