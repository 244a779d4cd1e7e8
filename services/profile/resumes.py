"""Resume use cases: upload (encrypted), list, read, delete and download the caller's resumes.

Owns the transactions; bytes go through the vault (sealed before storage) and the
database keeps metadata only. Every query is scoped to `current_principal()`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.context import current_principal
from services.common.errors import InvalidArgument, NotFound
from services.common.pagination import PageTokens, page_size
from services.profile.domain import Page, ResumeRecord, ResumeUpload, parse_profile_name, parse_resume_name
from services.profile.files import ResumeVault, resume_blob_key, sniff_content_type, upload_problems
from services.profile.repository import ProfileRepository
from services.profile.service import decode_position, encode_position
from services.profile.validation import request_id_problem


class ResumeService:
    """The resume use cases."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: Callable[[AsyncSession], ProfileRepository],
        vault: ResumeVault,
        page_tokens: PageTokens,
    ):
        self._sessions = sessions
        self._repository = repository
        self._vault = vault
        self._page_tokens = page_tokens

    async def create_resume(self, parent: str, upload: ResumeUpload, request_id: str) -> ResumeRecord:
        """Stores a resume; the profile's first resume becomes its default. A repeated
        `request_id` returns the resume the first call stored."""
        owner = current_principal().user_id
        profile_id = parse_profile_name(parent, "parent")
        problems = upload_problems(upload)
        if problem := request_id_problem(request_id):
            problems.append(("request_id", problem))
        if problems:
            raise InvalidArgument(problems)
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if not await repo.profile_exists(owner, profile_id):
                raise NotFound(parent)
            if request_id and (done := await repo.find_resume_by_request_id(owner, profile_id, request_id)):
                return done
        resume_id = str(uuid.uuid4())
        record = ResumeRecord(
            id=resume_id,
            profile_id=profile_id,
            filename=upload.filename.strip(),
            content_type=upload.content_type.strip() or sniff_content_type(upload.content),
            size_bytes=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            blob_key=resume_blob_key(profile_id, resume_id),
            create_time=datetime.now(UTC),
        )
        await self._vault.put(record.blob_key, upload.content)
        stored: ResumeRecord | None = None
        try:
            async with self._sessions() as s, s.begin():
                repo = self._repository(s)
                if not await repo.profile_exists(owner, profile_id, lock=True):
                    raise NotFound(parent)
                if await repo.insert_resume(owner, record, request_id or None):
                    await repo.set_default_resume_if_unset(owner, profile_id, resume_id)
                    stored = await repo.get_resume(owner, profile_id, resume_id)
                else:
                    stored = await repo.find_resume_by_request_id(owner, profile_id, request_id)
        finally:
            if stored is None or stored.id != resume_id:
                await self._vault.delete(record.blob_key)
        if stored is None:
            raise NotFound(parent)
        return stored

    async def list_resumes(self, parent: str, requested_size: int, token: str) -> Page[ResumeRecord]:
        owner = current_principal().user_id
        profile_id = parse_profile_name(parent, "parent")
        size = page_size(requested_size)
        query = {"list": "resumes", "owner": owner, "parent": profile_id}
        after = decode_position(self._page_tokens, token, query)
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if not await repo.profile_exists(owner, profile_id):
                raise NotFound(parent)
            rows = await repo.list_resumes(owner, profile_id, after, size + 1)
        next_token = ""
        if len(rows) > size:
            last = rows[size - 1]
            next_token = encode_position(self._page_tokens, (last.create_time, last.id), query)
        return Page(rows[:size], next_token)

    async def get_resume(self, name: str) -> ResumeRecord:
        owner = current_principal().user_id
        profile_id, resume_id = parse_resume_name(name, "name")
        async with self._sessions() as s, s.begin():
            record = await self._repository(s).get_resume(owner, profile_id, resume_id)
        if record is None:
            raise NotFound(name)
        return record

    async def delete_resume(self, name: str) -> None:
        """Erases the resume's row and file; if it was the default, the profile has none after."""
        owner = current_principal().user_id
        profile_id, resume_id = parse_resume_name(name, "name")
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if not await repo.profile_exists(owner, profile_id, lock=True):
                raise NotFound(name)
            record = await repo.get_resume(owner, profile_id, resume_id)
            if record is None:
                raise NotFound(name)
            await repo.clear_default_resume(owner, profile_id, resume_id)
            await repo.delete_resume(owner, profile_id, resume_id)
            await self._vault.delete(record.blob_key)

    async def download_resume(self, name: str) -> tuple[ResumeRecord, bytes]:
        record = await self.get_resume(name)
        return record, await self._vault.read(record.blob_key)
