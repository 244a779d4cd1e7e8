"""Profile use cases: create, read, list, update, delete and export the caller's profiles.

Owns the transactions; every call is scoped to `current_principal()`. Proto
conversion is the servicer's job, SQL the repository's, files the vault's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.context import current_principal
from services.common.errors import Aborted, InvalidArgument, NotFound, ResourceExhausted
from services.common.pagination import PageTokens, page_size
from services.common.server import MAX_SEND_BYTES
from services.profile.applications import ApplicationsGateway
from services.profile.domain import (
    SCALAR_PATHS,
    Page,
    ProfileFields,
    ProfileRecord,
    ResumeRecord,
    parse_profile_name,
    parse_resume_name,
)
from services.profile.files import ResumeVault
from services.profile.masks import resolve_mask
from services.profile.repository import Position, ProfileRepository
from services.profile.validation import Violation, normalize_profile, request_id_problem

RepositoryFactory = Callable[[AsyncSession], ProfileRepository]
# Room left in a response for everything but the resume bytes.
_EXPORT_OVERHEAD = 1024 * 1024


def decode_position(page_tokens: PageTokens, token: str, query: dict[str, str]) -> Position | None:
    raw = page_tokens.decode(token, query)
    if raw is None:
        return None
    try:
        stamp, row_id = raw
        return datetime.fromisoformat(stamp), str(uuid.UUID(row_id))
    except (TypeError, ValueError) as exc:
        raise InvalidArgument([("page_token", "is not a page token of this query")]) from exc


def encode_position(page_tokens: PageTokens, position: Position, query: dict[str, str]) -> str:
    stamp, row_id = position
    return page_tokens.encode([stamp.isoformat(), row_id], query)


def _row_values(fields: ProfileFields) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(fields, name) for name in SCALAR_PATHS}
    values["work_authorized_countries"] = list(fields.work_authorized_countries)
    values["requires_sponsorship"] = fields.requires_sponsorship
    values["default_resume_id"] = (
        parse_resume_name(fields.default_resume, "profile.default_resume")[1]
        if fields.default_resume
        else None
    )
    return values


def _check_etag(record: ProfileRecord, etag: str) -> None:
    if etag and etag != record.etag:
        raise Aborted(
            f"{record.name} changed since it was read (etag mismatch); read it again and retry",
            reason="ETAG_MISMATCH",
            metadata={"current_etag": record.etag},
        )


class ProfileService:
    """The profile use cases."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: RepositoryFactory,
        vault: ResumeVault,
        applications: ApplicationsGateway,
        page_tokens: PageTokens,
    ):
        self._sessions = sessions
        self._repository = repository
        self._vault = vault
        self._applications = applications
        self._page_tokens = page_tokens

    async def create_profile(self, fields: ProfileFields, request_id: str) -> ProfileRecord:
        """Creates a profile; a repeated `request_id` returns the profile the first call created,
        whatever the payload of the repeat (AIP-155: the retry gets the first response)."""
        owner = current_principal().user_id
        clean, problems = normalize_profile(fields)
        if clean.default_resume:
            problems.append(("profile.default_resume", "a new profile has no resumes yet"))
        if problem := request_id_problem(request_id):
            problems.append(("request_id", problem))
        if problems:
            raise InvalidArgument(problems)
        profile_id = str(uuid.uuid4())
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if not await repo.insert_profile(owner, profile_id, request_id or None, _row_values(clean)):
                existing = await repo.find_by_request_id(owner, request_id)
                if existing is None:  # the first call's row was deleted in between
                    raise Aborted("a profile with this request_id was deleted meanwhile; retry")
                return existing
            await repo.replace_answers(profile_id, clean.answers)
            created = await repo.get_profile(owner, profile_id)
        assert created is not None
        return created

    async def get_profile(self, name: str) -> ProfileRecord:
        owner = current_principal().user_id
        profile_id = parse_profile_name(name, "name")
        async with self._sessions() as s, s.begin():
            record = await self._repository(s).get_profile(owner, profile_id)
        if record is None:
            raise NotFound(name)
        return record

    async def list_profiles(self, requested_size: int, token: str) -> Page[ProfileRecord]:
        owner = current_principal().user_id
        size = page_size(requested_size)
        query = {"list": "profiles", "owner": owner}
        after = decode_position(self._page_tokens, token, query)
        async with self._sessions() as s, s.begin():
            rows = await self._repository(s).list_profiles(owner, after, size + 1)
        next_token = ""
        if len(rows) > size:
            last = rows[size - 1]
            next_token = encode_position(self._page_tokens, (last.create_time, last.id), query)
        return Page(rows[:size], next_token)

    async def _default_resume_problems(
        self, repo: ProfileRepository, owner: str, profile_id: str, name: str
    ) -> list[Violation]:
        bad = [("profile.default_resume", "must name an existing resume of this profile")]
        try:
            parent_id, resume_id = parse_resume_name(name, "profile.default_resume")
        except InvalidArgument:
            return bad
        if parent_id != profile_id or await repo.get_resume(owner, profile_id, resume_id) is None:
            return bad
        return []

    async def update_profile(
        self, name: str, fields: ProfileFields, etag: str, mask_paths: Iterable[str]
    ) -> ProfileRecord:
        owner = current_principal().user_id
        profile_id = parse_profile_name(name, "profile.name")
        mask = resolve_mask(mask_paths)
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            current = await repo.get_profile(owner, profile_id, lock=True)
            if current is None:
                raise NotFound(name)
            _check_etag(current, etag)
            merged = replace(current.fields, **{f: getattr(fields, f) for f in mask})
            clean, problems = normalize_profile(merged)
            if "default_resume" in mask and clean.default_resume:
                problems += await self._default_resume_problems(repo, owner, profile_id, clean.default_resume)
            if problems:
                raise InvalidArgument(problems)
            await repo.update_profile(owner, profile_id, _row_values(clean))
            if "answers" in mask:
                await repo.replace_answers(profile_id, clean.answers)
            updated = await repo.get_profile(owner, profile_id)
        assert updated is not None
        return updated

    async def delete_profile(self, name: str, etag: str) -> None:
        """Erases the profile's applications (through their service) first, then its rows and files.

        When an application cannot be deleted (it may be submitting), nothing stored
        here changes; applications deleted before it stay deleted.
        """
        owner = current_principal().user_id
        profile_id = parse_profile_name(name, "name")
        async with self._sessions() as s, s.begin():
            current = await self._repository(s).get_profile(owner, profile_id)
        if current is None:
            raise NotFound(name)
        _check_etag(current, etag)
        for application in await self._applications.list_names(name):
            await self._applications.delete(application)
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            current = await repo.get_profile(owner, profile_id, lock=True)
            if current is None:
                raise NotFound(name)
            _check_etag(current, etag)
            await repo.delete_profile(owner, profile_id)
            # Files go before the commit: if this fails the rows stay, and a retry finishes the erasure.
            await self._vault.delete_profile_files(profile_id)

    async def export_profile(
        self, name: str
    ) -> tuple[ProfileRecord, list[tuple[ResumeRecord, bytes]], datetime]:
        """The profile, answers included, and every resume with its decrypted content."""
        owner = current_principal().user_id
        profile_id = parse_profile_name(name, "name")
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            record = await repo.get_profile(owner, profile_id)
            resumes = await repo.list_resumes(owner, profile_id, None, None) if record else []
        if record is None:
            raise NotFound(name)
        if sum(r.size_bytes for r in resumes) > MAX_SEND_BYTES - _EXPORT_OVERHEAD:
            raise ResourceExhausted(
                "the resumes are too large to export in one response; download them one by one",
                reason="EXPORT_TOO_LARGE",
            )
        files = [(r, await self._vault.read(r.blob_key)) for r in resumes]
        return record, files, datetime.now(UTC)
