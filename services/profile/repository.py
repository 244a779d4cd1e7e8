"""Queries over the profiles, answers and resumes tables; every query is scoped by owner.

Runs inside the caller's transaction (the service layer owns it) and returns domain
records; never commits, never touches the blob store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, literal, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.profile.domain import (
    SCALAR_PATHS,
    AnswerEntry,
    ProfileFields,
    ProfileRecord,
    ResumeRecord,
    resume_name,
)
from services.profile.models import Answer, Profile, Resume

Position = tuple[datetime, str]


def _after(columns: tuple[Any, Any], position: Position | None) -> ColumnElement[bool]:
    if position is None:
        return true()
    return tuple_(*columns) > tuple_(
        *(literal(v, type_=c.type) for c, v in zip(columns, position, strict=True))
    )


def _fields(row: Profile, answers: list[AnswerEntry]) -> ProfileFields:
    scalars = {name: getattr(row, name) for name in SCALAR_PATHS}
    default = resume_name(row.id, row.default_resume_id) if row.default_resume_id else ""
    return ProfileFields(
        **scalars,
        work_authorized_countries=list(row.work_authorized_countries),
        requires_sponsorship=row.requires_sponsorship,
        answers=answers,
        default_resume=default,
    )


def _resume(row: Resume) -> ResumeRecord:
    return ResumeRecord(
        id=row.id,
        profile_id=row.profile_id,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        blob_key=row.blob_key,
        create_time=row.create_time,
    )


class ProfileRepository:
    """The profile schema's candidate data, seen through one session."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def _answers(self, profile_ids: list[str]) -> dict[str, list[AnswerEntry]]:
        by_profile: dict[str, list[AnswerEntry]] = {pid: [] for pid in profile_ids}
        if not profile_ids:
            return by_profile
        rows = await self.session.scalars(
            select(Answer)
            .where(Answer.profile_id.in_(profile_ids))
            .order_by(Answer.profile_id, Answer.position, Answer.fingerprint)
        )
        for a in rows:
            by_profile[a.profile_id].append(
                AnswerEntry(a.question, a.answer, fingerprint=a.fingerprint, update_time=a.update_time)
            )
        return by_profile

    async def _records(self, rows: list[Profile]) -> list[ProfileRecord]:
        answers = await self._answers([r.id for r in rows])
        return [
            ProfileRecord(
                id=r.id,
                owner_id=r.owner_id,
                version=r.version,
                create_time=r.create_time,
                update_time=r.update_time,
                fields=_fields(r, answers[r.id]),
            )
            for r in rows
        ]

    async def insert_profile(
        self, owner_id: str, profile_id: str, request_id: str | None, values: dict[str, Any]
    ) -> bool:
        """Inserts a profile; False when the owner already used `request_id`."""
        statement = (
            insert(Profile)
            .values(id=profile_id, owner_id=owner_id, request_id=request_id, version=1, **values)
            .on_conflict_do_nothing(index_elements=[Profile.owner_id, Profile.request_id])
            .returning(Profile.id)
        )
        return (await self.session.scalar(statement)) is not None

    async def find_by_request_id(self, owner_id: str, request_id: str) -> ProfileRecord | None:
        rows = list(
            await self.session.scalars(
                select(Profile).where(Profile.owner_id == owner_id, Profile.request_id == request_id)
            )
        )
        return (await self._records(rows))[0] if rows else None

    async def get_profile(
        self, owner_id: str, profile_id: str, *, lock: bool = False
    ) -> ProfileRecord | None:
        statement = select(Profile).where(Profile.owner_id == owner_id, Profile.id == profile_id)
        if lock:
            statement = statement.with_for_update()
        rows = list(await self.session.scalars(statement))
        return (await self._records(rows))[0] if rows else None

    async def profile_exists(self, owner_id: str, profile_id: str, *, lock: bool = False) -> bool:
        statement = select(Profile.id).where(Profile.owner_id == owner_id, Profile.id == profile_id)
        if lock:
            statement = statement.with_for_update()
        return (await self.session.scalar(statement)) is not None

    async def list_profiles(self, owner_id: str, after: Position | None, limit: int) -> list[ProfileRecord]:
        rows = await self.session.scalars(
            select(Profile)
            .where(Profile.owner_id == owner_id, _after((Profile.create_time, Profile.id), after))
            .order_by(Profile.create_time, Profile.id)
            .limit(limit)
        )
        return await self._records(list(rows))

    async def update_profile(self, owner_id: str, profile_id: str, values: dict[str, Any]) -> None:
        await self.session.execute(
            update(Profile)
            .where(Profile.owner_id == owner_id, Profile.id == profile_id)
            .values(**values, version=Profile.version + 1, update_time=func.now())
        )

    async def replace_answers(self, profile_id: str, answers: list[AnswerEntry]) -> None:
        """Makes the answer bank exactly `answers`; unchanged entries keep their update_time."""
        keep = [a.fingerprint for a in answers]
        await self.session.execute(
            delete(Answer).where(Answer.profile_id == profile_id, Answer.fingerprint.not_in(keep))
        )
        if not answers:
            return
        statement = insert(Answer).values(
            [
                {
                    "profile_id": profile_id,
                    "fingerprint": a.fingerprint,
                    "question": a.question,
                    "answer": a.answer,
                    "position": i,
                }
                for i, a in enumerate(answers)
            ]
        )
        changed = or_(
            Answer.question.is_distinct_from(statement.excluded.question),
            Answer.answer.is_distinct_from(statement.excluded.answer),
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[Answer.profile_id, Answer.fingerprint],
                set_={
                    "question": statement.excluded.question,
                    "answer": statement.excluded.answer,
                    "position": statement.excluded.position,
                    "update_time": case((changed, func.now()), else_=Answer.update_time),
                },
            )
        )

    async def delete_profile(self, owner_id: str, profile_id: str) -> bool:
        """Deletes the profile; answers and resume rows go with it (ON DELETE CASCADE)."""
        deleted = await self.session.scalar(
            delete(Profile)
            .where(Profile.owner_id == owner_id, Profile.id == profile_id)
            .returning(Profile.id)
        )
        return deleted is not None

    async def insert_resume(self, owner_id: str, record: ResumeRecord, request_id: str | None) -> bool:
        """Inserts resume metadata; False when the profile already used `request_id`."""
        statement = (
            insert(Resume)
            .values(
                id=record.id,
                profile_id=record.profile_id,
                owner_id=owner_id,
                request_id=request_id,
                filename=record.filename,
                content_type=record.content_type,
                size_bytes=record.size_bytes,
                sha256=record.sha256,
                blob_key=record.blob_key,
                create_time=record.create_time,
            )
            .on_conflict_do_nothing(index_elements=[Resume.profile_id, Resume.request_id])
            .returning(Resume.id)
        )
        return (await self.session.scalar(statement)) is not None

    async def find_resume_by_request_id(
        self, owner_id: str, profile_id: str, request_id: str
    ) -> ResumeRecord | None:
        row = await self.session.scalar(
            select(Resume).where(
                Resume.owner_id == owner_id, Resume.profile_id == profile_id, Resume.request_id == request_id
            )
        )
        return _resume(row) if row else None

    async def get_resume(self, owner_id: str, profile_id: str, resume_id: str) -> ResumeRecord | None:
        row = await self.session.scalar(
            select(Resume).where(
                Resume.owner_id == owner_id, Resume.profile_id == profile_id, Resume.id == resume_id
            )
        )
        return _resume(row) if row else None

    async def list_resumes(
        self, owner_id: str, profile_id: str, after: Position | None, limit: int | None
    ) -> list[ResumeRecord]:
        statement = (
            select(Resume)
            .where(
                Resume.owner_id == owner_id,
                Resume.profile_id == profile_id,
                _after((Resume.create_time, Resume.id), after),
            )
            .order_by(Resume.create_time, Resume.id)
        )
        if limit is not None:
            statement = statement.limit(limit)
        return [_resume(r) for r in await self.session.scalars(statement)]

    async def delete_resume(self, owner_id: str, profile_id: str, resume_id: str) -> bool:
        deleted = await self.session.scalar(
            delete(Resume)
            .where(Resume.owner_id == owner_id, Resume.profile_id == profile_id, Resume.id == resume_id)
            .returning(Resume.id)
        )
        return deleted is not None

    async def set_default_resume_if_unset(self, owner_id: str, profile_id: str, resume_id: str) -> None:
        await self.session.execute(
            update(Profile)
            .where(
                Profile.owner_id == owner_id, Profile.id == profile_id, Profile.default_resume_id.is_(None)
            )
            .values(default_resume_id=resume_id, version=Profile.version + 1, update_time=func.now())
        )

    async def clear_default_resume(self, owner_id: str, profile_id: str, resume_id: str) -> None:
        await self.session.execute(
            update(Profile)
            .where(
                Profile.owner_id == owner_id,
                Profile.id == profile_id,
                Profile.default_resume_id == resume_id,
            )
            .values(default_resume_id=None, version=Profile.version + 1, update_time=func.now())
        )
