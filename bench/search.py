"""The search half of bench.ingest: SearchJobs latency (through the catalog's own query code and over
gRPC) side by side with a naive `ILIKE '%term%'` scan of the same table, and the bulk load that grows
the catalog to a million postings for it.

The bulk load writes straight into `job.jobs` with COPY (the generated tsvector column is computed by
PostgreSQL as usual), with the secondary indexes dropped first and recreated from their own saved
definitions afterwards, then VACUUM ANALYZE: the table ends up as the migrations define it, in the
state autovacuum leaves it in. Queries run one
at a time. Must not start servers.
"""

from __future__ import annotations

import asyncio
import hashlib
import queue
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bench.common import percentile, say
from bench.corpus import Corpus
from services.job.boards.model import dedupe_key
from services.job.repository import SearchFilters
from services.job.service import JobCatalog

_TAG = re.compile(r"<[^>]+>")
_COPY_COLUMNS = (
    "id", "ats", "board", "external_id", "company", "title", "location", "locations", "remote",
    "workplace_type", "employment_type", "department", "description", "description_text", "apply_url",
    "posted_time", "state", "dedupe_key", "listing_hash", "content_hash", "create_time", "update_time",
)  # fmt: skip
# The naive alternative: every word must occur in the title or the description; newest first.
_ILIKE = """
select * from job.jobs
where state = 'OPEN' and canonical_id is null and {words}
order by coalesce(posted_time, create_time) desc, id desc
limit 50
"""


@dataclass
class Timings:
    """Latencies of one way of searching, by query kind."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)
    hits: int = 0

    def add(self, kind: str, seconds: float) -> None:
        self.by_kind.setdefault(kind, []).append(seconds)

    @property
    def all(self) -> list[float]:
        return [s for values in self.by_kind.values() for s in values]

    def p(self, q: float, kind: str | None = None) -> float:
        return percentile(self.all if kind is None else self.by_kind.get(kind, []), q)


async def time_queries(
    queries: Sequence[tuple[str, str]], search: Callable[[str], Awaitable[int]], *, warm: int = 5
) -> Timings:
    """Runs `search` once per query (after `warm` unrecorded ones) and times each call."""
    for _, query in queries[:warm]:
        await search(query)
    timings = Timings()
    for kind, query in queries:
        started = time.perf_counter()
        timings.hits += await search(query)
        timings.add(kind, time.perf_counter() - started)
    return timings


def catalog_search(catalog: JobCatalog) -> Callable[[str], Awaitable[int]]:
    """SearchJobs' use case in-process: the same SQL, ORM loading and page token as the service."""

    async def search(query: str) -> int:
        return len((await catalog.search_jobs(SearchFilters(query=query), 0, "")).items)

    return search


def ilike_search(pool: asyncpg.Pool) -> Callable[[str], Awaitable[int]]:
    async def search(query: str) -> int:
        words = query.split()
        escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
        where = " and ".join(
            f"(title ilike ${i} or description_text ilike ${i})" for i in range(1, len(words) + 1)
        )
        async with pool.acquire() as conn:
            rows = await conn.fetch(_ILIKE.format(words=where), *(f"%{w}%" for w in escaped))
        return len(rows)

    return search


def _records(corpus: Corpus, start: int, count: int) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    rows = []
    for p in corpus.postings(count, start=start):
        text = " ".join(_TAG.sub(" ", p.description).split())
        digest = hashlib.sha256(f"{p.ats}/{p.board}/{p.external_id}/{p.title}".encode()).hexdigest()
        rows.append(
            (
                uuid.uuid4(), p.ats, p.board, p.external_id, p.company, p.title, p.location, [p.location],
                p.remote, p.workplace_type, p.employment_type, p.department, p.description, text,
                p.apply_url, p.posted_time, "OPEN", dedupe_key(p.company, p.title, p.location), digest,
                digest, now, now,
            )
        )  # fmt: skip
    return rows


async def _secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """(name, definition) of job.jobs' indexes that no constraint owns."""
    rows = await conn.fetch(
        """
        select i.indexname, i.indexdef from pg_indexes i
        where i.schemaname = 'job' and i.tablename = 'jobs'
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
        """
    )
    return [(r["indexname"], r["indexdef"]) for r in rows]


async def bulk_load(dsn: str, start: int, count: int, *, batch: int = 5000, writers: int = 2) -> float:
    """COPYs `count` generated postings numbered from `start` into job.jobs; returns seconds taken."""
    began = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        indexes = await _secondary_indexes(conn)
        for name, _ in indexes:
            await conn.execute(f'drop index job."{name}"')
        batches: queue.Queue[list[tuple[Any, ...]] | None] = queue.Queue(maxsize=writers * 2)

        def produce() -> None:
            corpus = Corpus(seed=start)
            for offset in range(0, count, batch):
                batches.put(_records(corpus, start + offset, min(batch, count - offset)))
            for _ in range(writers):
                batches.put(None)

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()

        async def write() -> None:
            writer = await asyncpg.connect(dsn)
            try:
                while (rows := await asyncio.to_thread(batches.get)) is not None:
                    await writer.copy_records_to_table(
                        "jobs", schema_name="job", records=rows, columns=list(_COPY_COLUMNS)
                    )
            finally:
                await writer.close()

        await asyncio.gather(*(write() for _ in range(writers)))
        producer.join()
        say(
            f"copied {count:,} rows in {time.perf_counter() - began:.0f} s; rebuilding {len(indexes)} indexes"
        )
        await conn.execute("set maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            await conn.execute(definition)
        # What autovacuum does after a bulk write: statistics, and the visibility map that lets
        # SearchJobs read its covering index without visiting the table.
        await conn.execute("vacuum analyze job.jobs")
    finally:
        await conn.close()
    return time.perf_counter() - began
