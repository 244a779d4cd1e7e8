"""The worker ledger: compare-and-set moves of an application on behalf of a worker.

A worker claims a lease (a number that grows with every claim); every later move
must present it, so a worker that was replaced can no longer change anything.
BeginSubmit is the last step before the click and the only way into SUBMITTING;
from there only SUBMITTED (evidence) or OUTCOME_UNKNOWN (a person decides) follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.application.models import ApplicationRow
from services.application.names import application_id
from services.application.repository import ApplicationRepository, now
from services.application.states import Mode, State, can_move
from services.common.context import require_scope
from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound
from services.common.pagination import PageTokens, page_size

SCOPE = "ledger"


@dataclass(frozen=True)
class Claim:
    row: ApplicationRow
    recovering: bool


@dataclass(frozen=True)
class Outcome:
    state: State
    fill_plan: dict[str, Any] | None = None
    pending_questions: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    retry_delay: float = 0.0  # seconds, for a retry (state QUEUED)


class Ledger:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], page_tokens: PageTokens, stale_after: float
    ):
        self.sessions = sessions
        self.page_tokens = page_tokens
        self.stale_after = timedelta(seconds=stale_after)

    async def _locked(self, repo: ApplicationRepository, name: str) -> ApplicationRow:
        require_scope(SCOPE)
        row = await repo.get_any(application_id(name), lock=True)
        if row is None:
            raise NotFound(name)
        return row

    @staticmethod
    def _check_lease(row: ApplicationRow, lease: int) -> None:
        if lease != row.lease:
            raise Aborted(
                f"lease {lease} is stale (current {row.lease}): another worker took this application",
                reason="LEASE_LOST",
            )

    async def claim(self, name: str, worker: str) -> Claim:
        async with self.sessions() as session, session.begin():
            repo = ApplicationRepository(session)
            row = await self._locked(repo, name)
            previous = row.state
            if row.state == State.QUEUED:
                await repo.save(row, state=State.RUNNING, lease=row.lease + 1, attempts=row.attempts + 1)
                await repo.add_event(
                    row.id, "claimed", previous, State.RUNNING, f"attempt {row.attempts} on {worker}"
                )
                return Claim(row, recovering=False)
            if row.state == State.RUNNING and row.update_time < now() - self.stale_after:
                await repo.save(row, lease=row.lease + 1, attempts=row.attempts + 1)
                await repo.add_event(
                    row.id, "reclaimed", previous, State.RUNNING, f"worker lost; now {worker}"
                )
                return Claim(row, recovering=False)
            if row.state == State.SUBMITTING:
                await repo.save(row, lease=row.lease + 1)
                await repo.add_event(
                    row.id, "recovering", previous, previous, f"{worker} looks for evidence of the submission"
                )
                return Claim(row, recovering=True)
            raise FailedPrecondition(
                f"nothing to claim: the application is {row.state}",
                reason="NOT_CLAIMABLE",
                metadata={"state": row.state},
            )

    async def begin_submit(self, name: str, lease: int, plan: dict[str, Any]) -> tuple[bool, ApplicationRow]:
        async with self.sessions() as session, session.begin():
            repo = ApplicationRepository(session)
            row = await self._locked(repo, name)
            self._check_lease(row, lease)
            if row.state != State.RUNNING:
                raise FailedPrecondition(f"cannot submit from {row.state}", metadata={"state": row.state})
            plan_hash = str(plan.get("planHash", ""))
            if row.mode == Mode.DRY_RUN:
                raise FailedPrecondition("a dry run is never submitted", reason="DRY_RUN")
            if row.mode == Mode.REVIEW and plan_hash != row.approved_plan_hash:
                # The form or the answers changed since the user approved: they review again.
                await repo.save(row, state=State.AWAITING_REVIEW, fill_plan=plan, approved_plan_hash="")
                await repo.add_event(
                    row.id,
                    "plan_changed",
                    State.RUNNING,
                    State.AWAITING_REVIEW,
                    "the form changed since approval; review the new plan",
                )
                return False, row
            await repo.save(row, state=State.SUBMITTING, fill_plan=plan)
            await repo.add_event(row.id, "submitting", State.RUNNING, State.SUBMITTING, "clicking submit")
            return True, row

    async def record(self, name: str, lease: int, outcome: Outcome) -> ApplicationRow:
        async with self.sessions() as session, session.begin():
            repo = ApplicationRepository(session)
            row = await self._locked(repo, name)
            self._check_lease(row, lease)
            target = outcome.state
            if not can_move(State(row.state), target):
                raise FailedPrecondition(
                    f"cannot move from {row.state} to {target}", metadata={"state": row.state}
                )
            changes: dict[str, Any] = {
                "state": target,
                "last_error": outcome.error,
                "artifacts": [*row.artifacts, *outcome.artifacts],
            }
            if outcome.fill_plan is not None:
                changes["fill_plan"] = outcome.fill_plan
            if target == State.NEEDS_INPUT:
                changes["pending_questions"] = outcome.pending_questions
            if target == State.SUBMITTED:
                changes["submit_time"] = now()
            previous = row.state
            await repo.save(row, **changes)
            await repo.add_event(row.id, target.lower(), previous, target, outcome.message or outcome.error)
            if target == State.QUEUED:
                not_before = (
                    now() + timedelta(seconds=outcome.retry_delay) if outcome.retry_delay > 0 else None
                )
                await repo.add_outbox(row.id, "apply", row.version, not_before)
            return row

    async def queued(self, size: int, token: str, stale_seconds: int) -> tuple[list[ApplicationRow], str]:
        require_scope(SCOPE)
        if stale_seconds < 0:
            raise InvalidArgument([("stale_seconds", "must not be negative")])
        limit = page_size(size)
        query = {"stale": stale_seconds}
        after = self.page_tokens.decode(token, query)
        cutoff = now() - timedelta(seconds=stale_seconds)
        waiting = ApplicationRow.state == State.QUEUED
        if stale_seconds:
            waiting = or_(
                waiting, and_(ApplicationRow.state == State.RUNNING, ApplicationRow.update_time < cutoff)
            )
        stmt = select(ApplicationRow).where(waiting)
        if after is not None:
            stmt = stmt.where(ApplicationRow.id > after)
        stmt = stmt.order_by(ApplicationRow.id).limit(limit + 1)
        async with self.sessions() as session:
            rows = list((await session.execute(stmt)).scalars())
        next_token = ""
        if len(rows) > limit:
            rows = rows[:limit]
            next_token = self.page_tokens.encode(rows[-1].id, query)
        return rows, next_token
