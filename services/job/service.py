"""Catalog use cases: create (one or a batch, idempotent), get, list, search and delete postings.

Every call runs in one transaction it owns; callers are taken from the request context.
It knows nothing of protobuf (servicer.py) or of boards (sync.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.context import current_principal
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.pagination import PageTokens, page_size
from services.job.domain import JobDraft
from services.job.ingest import promote_duplicates, upsert_jobs
from services.job.models import Job
from services.job.query import parse_filter, parse_order_by
from services.job.repository import TIME_KEYS, JobRepository, SearchFilters, SourceRepository
from services.job.validation import JobInput, job_draft, job_violations, parse_name

T = TypeVar("T")
MAX_BATCH = 1000
MAX_REQUEST_ID = 200
MAX_QUERY = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_page_token: str


def check_request_id(request_id: str) -> str:
    """The request id, stripped; INVALID_ARGUMENT when it is too long."""
    if len(request_id) > MAX_REQUEST_ID:
        raise InvalidArgument([("request_id", f"must be at most {MAX_REQUEST_ID} characters")])
    return request_id.strip()


def _position(key: Sequence[Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, datetime) else v for v in key]


class JobCatalog:
    """The use cases of the shared job catalog."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], page_tokens: PageTokens):
        self.sessions = sessions
        self.page_tokens = page_tokens

    async def create_job(self, job: JobInput, request_id: str) -> Job:
        """Adds one posting, or returns the stored one with the same (ats, board, external_id)."""
        violations = job_violations(job, "job")
        if violations:
            raise InvalidArgument(violations)
        jobs = await self._create([job_draft(job)], check_request_id(request_id), "one")
        if not jobs:
            raise NotFound("jobs/-", "the job created under this request_id has been deleted")
        return jobs[0]

    async def batch_create(self, jobs: Sequence[JobInput | None], request_id: str) -> list[Job]:
        """Adds up to 1000 postings all-or-nothing; the result is in request order."""
        if not jobs:
            raise InvalidArgument([("requests", "is required: give at least one job")])
        if len(jobs) > MAX_BATCH:
            raise InvalidArgument([("requests", f"must hold at most {MAX_BATCH} jobs, got {len(jobs)}")])
        violations: list[tuple[str, str]] = []
        for i, job in enumerate(jobs):
            if job is None:
                violations.append((f"requests[{i}].job", "is required"))
            else:
                violations.extend(job_violations(job, f"requests[{i}].job"))
        if violations:
            raise InvalidArgument(violations)
        drafts = [job_draft(job) for job in jobs if job is not None]
        return await self._create(drafts, check_request_id(request_id), "batch")

    async def _create(self, drafts: list[JobDraft], request_id: str, kind: str) -> list[Job]:
        owner = current_principal().user_id
        digest = hashlib.sha256(kind.encode())
        for draft in drafts:
            digest.update(draft.content_hash.encode())
        request_hash = digest.hexdigest()
        async with self.sessions() as s, s.begin():
            repo = JobRepository(s)
            if request_id:
                await repo.lock_request(owner, request_id)
                prior = await repo.find_request(owner, request_id)
                if prior is not None:
                    if prior.request_hash != request_hash:
                        raise AlreadyExists(
                            f"request_id {request_id!r} was already used for a different request",
                            reason="REQUEST_ID_REUSED",
                            existing=f"jobs/{prior.job_ids[0]}" if prior.job_ids else "",
                        )
                    return await repo.get_many(prior.job_ids)
            result = await upsert_jobs(
                s, drafts, update_existing=False, owner_id=owner, request_id=request_id or None
            )
            if request_id:
                await repo.save_request(owner, request_id, request_hash, result.ids)
            return await repo.get_many(result.ids)

    async def get_job(self, name: str) -> Job:
        job_id = parse_name(name, "jobs")
        async with self.sessions() as s:
            job = await JobRepository(s).get(job_id)
        if job is None:
            raise NotFound(f"jobs/{job_id}")
        return job

    async def list_jobs(self, filter_text: str, order_by: str, size: int, token: str) -> Page[Job]:
        conditions = parse_filter(filter_text)
        order = parse_order_by(order_by)
        limit = page_size(size)
        query = {"m": "list", "f": filter_text, "o": order_by}
        after = self.page_tokens.decode(token, query)
        if after is not None:
            times = [k.field in TIME_KEYS for k in order] + [False]
            after = [datetime.fromisoformat(v) if t else v for v, t in zip(after, times, strict=True)]
        owner = current_principal().user_id
        async with self.sessions() as s:
            source_ids = [str(c.value) for c in conditions if c.field == "source"]
            sources = await SourceRepository(s, owner).boards_of(source_ids) if source_ids else {}
            rows = await JobRepository(s).list_page(conditions, order, after, limit + 1, sources)
        return self._page(rows, limit, query)

    async def search_jobs(self, filters: SearchFilters, size: int, token: str) -> Page[Job]:
        if len(filters.query) > MAX_QUERY:
            raise InvalidArgument([("query", f"must be at most {MAX_QUERY} characters")])
        if len(filters.location) > 200 or len(filters.company) > 1000:
            field = "location" if len(filters.location) > 200 else "company"
            raise InvalidArgument([(field, "is too long")])
        limit = page_size(size)
        query = {"m": "search", **asdict(filters)}
        after = self.page_tokens.decode(token, query)
        if after is not None and not filters.query.strip():
            after = [datetime.fromisoformat(after[0]), after[1]]
        async with self.sessions() as s:
            rows = await JobRepository(s).search(filters, after, limit + 1)
        return self._page(rows, limit, query)

    def _page(self, rows: list[tuple[Job, list[Any]]], limit: int, query: Any) -> Page[Job]:
        token = self.page_tokens.encode(_position(rows[limit - 1][1]), query) if len(rows) > limit else ""
        return Page([job for job, _ in rows[:limit]], token)

    async def delete_job(self, name: str) -> None:
        """Deletes a posting the caller created by hand; postings from boards cannot be deleted."""
        job_id = parse_name(name, "jobs")
        owner = current_principal().user_id
        async with self.sessions() as s, s.begin():
            repo = JobRepository(s)
            job = await repo.get(job_id)
            if job is None:
                raise NotFound(f"jobs/{job_id}")
            if job.source_id is not None or job.owner_id != owner:
                raise PermissionDenied(
                    "only the caller who created a job by hand may delete it; jobs from boards close instead",
                    reason="NOT_JOB_CREATOR",
                )
            await promote_duplicates(s, [job_id])
            await repo.delete(job_id)
