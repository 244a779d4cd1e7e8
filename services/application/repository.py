"""Queries over the `application` schema. Every read and write is scoped by owner,
except the worker ledger's, which acts on behalf of the application's owner by id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.application.models import ApplicationRow, EventRow, OutboxRow
from services.application.states import State

NOTIFY_CHANNEL = "jobmesh_application"
OUTBOX_TOPIC = "outbox"  # payload that wakes the relay; other payloads are application ids


def now() -> datetime:
    return datetime.now(UTC)


class ApplicationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def insert_if_new_request(self, values: dict[str, Any]) -> str | None:
        """Inserts unless the owner already used this request id; returns the new id or None."""
        stmt = (
            insert(ApplicationRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["owner_id", "request_id"])
            .returning(ApplicationRow.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_request_id(self, owner_id: str, request_id: str) -> ApplicationRow | None:
        stmt = select(ApplicationRow).where(
            ApplicationRow.owner_id == owner_id, ApplicationRow.request_id == request_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def live_for_slot(self, owner_id: str, profile: str, job_key: str) -> ApplicationRow | None:
        stmt = select(ApplicationRow).where(
            ApplicationRow.owner_id == owner_id,
            ApplicationRow.profile == profile,
            ApplicationRow.job_key == job_key,
            ApplicationRow.state.not_in([State.FAILED, State.CANCELLED, State.PLANNED]),
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, owner_id: str, app_id: str, *, lock: bool = False) -> ApplicationRow | None:
        stmt = select(ApplicationRow).where(ApplicationRow.owner_id == owner_id, ApplicationRow.id == app_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_any(self, app_id: str, *, lock: bool = False) -> ApplicationRow | None:
        stmt = select(ApplicationRow).where(ApplicationRow.id == app_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_page(
        self,
        owner_id: str,
        *,
        limit: int,
        after: tuple[datetime, str] | None,
        state: str | None,
        profile: str | None,
        job: str | None,
    ) -> list[ApplicationRow]:
        """Newest first, keyset-paginated on (create_time, id) descending."""
        conditions = [ApplicationRow.owner_id == owner_id]
        if state:
            conditions.append(ApplicationRow.state == state)
        if profile:
            conditions.append(ApplicationRow.profile == profile)
        if job:
            conditions.append(or_(ApplicationRow.job == job, ApplicationRow.job_key == job))
        if after is not None:
            t, i = after
            conditions.append(
                or_(
                    ApplicationRow.create_time < t,
                    and_(ApplicationRow.create_time == t, ApplicationRow.id < i),
                )
            )
        stmt = (
            select(ApplicationRow)
            .where(*conditions)
            .order_by(ApplicationRow.create_time.desc(), ApplicationRow.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def save(self, row: ApplicationRow, **changes: Any) -> ApplicationRow:
        """Applies changes, bumps the version and update time."""
        for key, value in changes.items():
            setattr(row, key, value)
        row.version += 1
        row.update_time = now()
        await self.session.flush()
        return row

    async def add_event(
        self, app_id: str, type_: str, from_state: str, to_state: str, message: str = ""
    ) -> EventRow:
        event = EventRow(
            application_id=app_id,
            type=type_,
            from_state=from_state,
            to_state=to_state,
            message=message[:2000],
            create_time=now(),
        )
        self.session.add(event)
        await self.session.flush()
        # Delivered to listeners when (and only if) the transaction commits.
        await self.session.execute(
            text("select pg_notify(:channel, :payload)"),
            {
                "channel": NOTIFY_CHANNEL,
                "payload": app_id,
            },
        )
        return event

    async def add_outbox(
        self, app_id: str, kind: str, attempt: int, not_before: datetime | None = None
    ) -> None:
        self.session.add(
            OutboxRow(
                application_id=app_id, kind=kind, attempt=attempt, create_time=now(), not_before=not_before
            )
        )
        await self.session.flush()
        await self.session.execute(
            text("select pg_notify(:channel, :payload)"), {"channel": NOTIFY_CHANNEL, "payload": OUTBOX_TOPIC}
        )

    async def events(self, app_id: str, *, after_id: int, limit: int) -> list[EventRow]:
        stmt = (
            select(EventRow)
            .where(EventRow.application_id == app_id, EventRow.id > after_id)
            .order_by(EventRow.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def last_event_id(self, app_id: str) -> int:
        stmt = select(func.coalesce(func.max(EventRow.id), 0)).where(EventRow.application_id == app_id)
        return int((await self.session.execute(stmt)).scalar_one())

    async def delete(self, app_id: str) -> None:
        await self.session.execute(delete(EventRow).where(EventRow.application_id == app_id))
        await self.session.execute(delete(OutboxRow).where(OutboxRow.application_id == app_id))
        await self.session.execute(delete(ApplicationRow).where(ApplicationRow.id == app_id))

    async def pending_outbox(self, limit: int) -> list[OutboxRow]:
        stmt = (
            select(OutboxRow)
            .where(OutboxRow.dispatch_time.is_(None))
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def mark_dispatched(self, ids: list[int]) -> None:
        await self.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(dispatch_time=now()))

    async def in_state(self, state: str, *, before: datetime, limit: int = 1000) -> list[ApplicationRow]:
        stmt = (
            select(ApplicationRow)
            .where(ApplicationRow.state == state, ApplicationRow.update_time < before)
            .order_by(ApplicationRow.update_time)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def count_by_state(self) -> dict[str, int]:
        stmt = select(ApplicationRow.state, func.count()).group_by(ApplicationRow.state)
        return {state: int(n) for state, n in (await self.session.execute(stmt)).all()}
