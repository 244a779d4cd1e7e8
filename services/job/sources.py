"""Job source use cases: create (idempotent), get, list, delete and sync a caller's sources.

Every query is scoped by the caller: another user's source is NOT_FOUND over every call.
A sync runs through a `SyncRunner` (the sync queue, or in process without Redis); this module
maps its failures to errors.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.context import current_principal
from services.common.errors import AlreadyExists, DomainError, FailedPrecondition, NotFound, Unavailable
from services.common.netguard import NetworkGuard
from services.common.pagination import PageTokens, page_size
from services.job.domain import SyncReport
from services.job.models import JobSource
from services.job.repository import JobRepository, SourceRepository
from services.job.service import Page, check_request_id
from services.job.sync import UNAVAILABLE
from services.job.sync_queue import SyncRunner
from services.job.validation import SourceInput, checked_source, parse_name


@dataclass(frozen=True)
class SourceView:
    """A source with its number of open postings."""

    source: JobSource
    job_count: int

    @property
    def last_sync(self) -> SyncReport | None:
        data = self.source.last_sync
        return SyncReport.from_json(data) if data else None


class SourceService:
    """The use cases of a caller's job sources."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        page_tokens: PageTokens,
        guard: NetworkGuard,
        syncs: SyncRunner,
    ):
        self.sessions = sessions
        self.page_tokens = page_tokens
        self.guard = guard
        self.syncs = syncs

    async def _views(self, s: AsyncSession, sources: list[JobSource]) -> list[SourceView]:
        counts = await JobRepository(s).open_counts([(src.kind, src.board) for src in sources])
        return [SourceView(src, counts.get((src.kind, src.board), 0)) for src in sources]

    async def create(self, source: SourceInput, request_id: str) -> SourceView:
        """Adds a source; a repeated request id returns the first one; the same board twice is
        ALREADY_EXISTS naming the existing source."""
        checked = checked_source(source, self.guard)
        request_id = check_request_id(request_id)
        request_hash = hashlib.sha256(json.dumps(checked.__dict__, sort_keys=True).encode()).hexdigest()
        owner = current_principal().user_id
        async with self.sessions() as s, s.begin():
            repo = SourceRepository(s, owner)
            if request_id:
                prior = await repo.find_by_request(request_id)
                if prior is not None:
                    return (await self._views(s, [self._same_request(prior, request_hash)]))[0]
            new_id = str(uuid.uuid4())
            values = {**checked.__dict__, "id": new_id, "request_id": request_id or None}
            if await repo.insert({**values, "request_hash": request_hash}):
                created = await repo.get(new_id)
                assert created is not None  # inserted in this transaction
                return (await self._views(s, [created]))[0]
            if request_id and (prior := await repo.find_by_request(request_id)) is not None:
                return (await self._views(s, [self._same_request(prior, request_hash)]))[0]
            existing = await repo.find_by_board(checked.kind, checked.board, checked.base_url)
            name = f"sources/{existing.id}" if existing else ""
            raise AlreadyExists(f"you already have a source for this board: {name}", existing=name)

    @staticmethod
    def _same_request(prior: JobSource, request_hash: str) -> JobSource:
        if prior.request_hash != request_hash:
            raise AlreadyExists(
                "request_id was already used for a different source",
                existing=f"sources/{prior.id}",
                reason="REQUEST_ID_REUSED",
            )
        return prior

    async def get(self, name: str) -> SourceView:
        source_id = parse_name(name, "sources")
        async with self.sessions() as s:
            source = await SourceRepository(s, current_principal().user_id).get(source_id)
            if source is None:
                raise NotFound(f"sources/{source_id}")
            return (await self._views(s, [source]))[0]

    async def list(self, size: int, token: str) -> Page[SourceView]:
        limit = page_size(size)
        owner = current_principal().user_id
        query = {"m": "sources", "owner": owner}
        after = self.page_tokens.decode(token, query)
        if after is not None:
            after = [datetime.fromisoformat(after[0]), after[1]]
        async with self.sessions() as s:
            sources = await SourceRepository(s, owner).list_page(after, limit + 1)
            views = await self._views(s, sources[:limit])
        next_token = ""
        if len(sources) > limit:
            last = sources[limit - 1]
            next_token = self.page_tokens.encode([last.create_time.isoformat(), last.id], query)
        return Page(views, next_token)

    async def delete(self, name: str) -> None:
        """Removes the subscription; the board's postings stay in the catalog."""
        source_id = parse_name(name, "sources")
        async with self.sessions() as s, s.begin():
            if not await SourceRepository(s, current_principal().user_id).delete(source_id):
                raise NotFound(f"sources/{source_id}")

    async def sync(self, name: str, wait_seconds: float | None = None) -> tuple[SourceView, SyncReport]:
        """Syncs the caller's source now, waiting at most `wait_seconds`; a board that cannot be
        read is FAILED_PRECONDITION (malformed, missing or blocked) or UNAVAILABLE (network), with
        the catalog unchanged."""
        view = await self.get(name)
        report = await self.syncs.run(view.source.id, wait_seconds)
        if report is None:
            raise NotFound(f"sources/{view.source.id}")
        if report.failure_reason:
            raise _failure(report)
        return await self.get(name), report


def _failure(report: SyncReport) -> DomainError:
    if report.failure_reason == UNAVAILABLE:
        return Unavailable(report.failure, reason=report.failure_reason)
    return FailedPrecondition(report.failure, reason=report.failure_reason)
