"""Application use cases: create, read, act on (approve, answer, cancel, delete), watch.

Owns every transaction. A state change, its event and (when work must be done)
its outbox row are written in one transaction, so nothing is lost between the
database and the queue.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.application.models import ApplicationRow, EventRow
from services.application.names import application_id, check_reference
from services.application.peers import Peers
from services.application.repository import ApplicationRepository, now
from services.application.states import CANCELLABLE, RELEASES_SLOT, TERMINAL, Mode, State
from services.application.watch import EventHub
from services.common.context import current_principal
from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
)
from services.common.pagination import PageTokens, page_size

MAX_COVER_LETTER = 20_000
MAX_ANSWER = 10_000


@dataclass(frozen=True)
class NewApplication:
    profile: str
    job: str
    mode: str  # "" means the default, REVIEW
    resume: str
    cover_letter: str


@dataclass(frozen=True)
class Page:
    rows: list[ApplicationRow]
    next_token: str


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]
    next_token: str


def etag_of(row: ApplicationRow) -> str:
    return f"{row.version}-{row.id[:8]}"


def _check_etag(row: ApplicationRow, etag: str) -> None:
    if etag and etag != etag_of(row):
        raise Aborted("the application changed since it was read (etag mismatch); read it again")


async def _own_locked(repo: ApplicationRepository, name: str, etag: str) -> ApplicationRow:
    """The caller's application, locked for this transaction, if `etag` (when given) is current."""
    row = await repo.get(current_principal().user_id, application_id(name), lock=True)
    if row is None:
        raise NotFound(name)
    _check_etag(row, etag)
    return row


def _not_in(row: ApplicationRow, allowed: frozenset[State] | set[State], action: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"cannot {action} an application in state {row.state}",
        reason="INVALID_STATE",
        metadata={"state": row.state, "allowed": ",".join(sorted(allowed))},
    )


class ApplicationService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        peers: Peers,
        page_tokens: PageTokens,
        hub: EventHub | None,
    ):
        self.sessions = sessions
        self.peers = peers
        self.page_tokens = page_tokens
        self.hub = hub

    # --- create -------------------------------------------------------------------------------

    def _validate(self, new: NewApplication, request_id: str) -> None:
        violations = []
        for value, collection, field in (
            (new.profile, "profiles", "application.profile"),
            (new.job, "jobs", "application.job"),
        ):
            problem = check_reference(value, collection, field)
            if problem:
                violations.append((field, problem))
        if new.mode and new.mode not in Mode.__members__:
            violations.append(("application.mode", "must be MODE_SUBMIT, MODE_REVIEW or MODE_DRY_RUN"))
        if new.resume and not new.resume.startswith(f"{new.profile}/resumes/"):
            violations.append(("application.resume", "must be a resume of the application's profile"))
        if len(new.cover_letter) > MAX_COVER_LETTER:
            violations.append(("application.cover_letter", f"must be at most {MAX_COVER_LETTER} characters"))
        if len(request_id) > 128:
            violations.append(("request_id", "must be at most 128 characters"))
        if violations:
            raise InvalidArgument(violations)

    async def create(self, new: NewApplication, request_id: str) -> ApplicationRow:
        self._validate(new, request_id)
        owner = current_principal().user_id
        if request_id:
            async with self.sessions() as session:
                existing = await ApplicationRepository(session).by_request_id(owner, request_id)
            if existing is not None:
                return existing
        profile = await self.peers.profile(new.profile)
        job = await self.peers.job(new.job)
        if not job.open:
            raise FailedPrecondition(f"{new.job} is closed: the posting left its board", reason="JOB_CLOSED")
        job_key = job.canonical_job or job.name
        stamp = now()
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "owner_id": owner,
            "profile": new.profile,
            "job": new.job,
            "job_key": job_key,
            "mode": new.mode or Mode.REVIEW,
            "state": State.QUEUED,
            "resume": new.resume or profile.default_resume,
            "cover_letter": new.cover_letter,
            "pending_questions": [],
            "fill_plan": None,
            "approved_plan_hash": "",
            "artifacts": [],
            "attempts": 0,
            "lease": 0,
            "last_error": "",
            "create_time": stamp,
            "update_time": stamp,
            "version": 1,
            "request_id": request_id or None,
        }
        try:
            async with self.sessions() as session, session.begin():
                repo = ApplicationRepository(session)
                new_id = await repo.insert_if_new_request(values)
                if new_id is not None:
                    await repo.add_event(new_id, "created", "", State.QUEUED, f"mode {values['mode']}")
                    await repo.add_outbox(new_id, "apply", 1)  # version 1: the queued version
        except IntegrityError:
            new_id = None
        async with self.sessions() as session:
            repo = ApplicationRepository(session)
            if new_id is not None:
                row = await repo.get(owner, new_id)
                assert row is not None
                return row
            if request_id:
                same = await repo.by_request_id(owner, request_id)
                if same is not None:
                    return same
            live = await repo.live_for_slot(owner, new.profile, job_key)
        if live is None:
            raise Aborted("a concurrent change conflicted with this application; retry")
        raise AlreadyExists(
            f"{new.profile} already has a live application to this job: applications/{live.id} "
            f"({live.state}); cancel it or wait for it to fail before applying again",
            existing=f"applications/{live.id}",
            reason="ALREADY_APPLIED",
        )

    # --- read ---------------------------------------------------------------------------------

    async def get(self, name: str) -> ApplicationRow:
        app_id = application_id(name)
        async with self.sessions() as session:
            row = await ApplicationRepository(session).get(current_principal().user_id, app_id)
        if row is None:
            raise NotFound(name)
        return row

    async def list_page(self, *, size: int, token: str, state: str, profile: str, job: str) -> Page:
        limit = page_size(size)
        violations = []
        if profile and check_reference(profile, "profiles", "profile"):
            violations.append(("profile", "must be profiles/{profile}"))
        if job and check_reference(job, "jobs", "job"):
            violations.append(("job", "must be jobs/{job}"))
        if violations:
            raise InvalidArgument(violations)
        query = {"state": state, "profile": profile, "job": job}
        position = self.page_tokens.decode(token, query)
        after = None
        if position is not None:
            from datetime import datetime

            after = (datetime.fromisoformat(position[0]), str(position[1]))
        async with self.sessions() as session:
            rows = await ApplicationRepository(session).list_page(
                current_principal().user_id,
                limit=limit + 1,
                after=after,
                state=state or None,
                profile=profile or None,
                job=job or None,
            )
        next_token = ""
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_token = self.page_tokens.encode([last.create_time.isoformat(), last.id], query)
        return Page(rows, next_token)

    async def events(self, parent: str, *, size: int, token: str) -> EventPage:
        app = await self.get(parent)
        limit = page_size(size)
        query = {"parent": parent}
        after = self.page_tokens.decode(token, query) or 0
        async with self.sessions() as session:
            rows = await ApplicationRepository(session).events(app.id, after_id=int(after), limit=limit + 1)
        next_token = ""
        if len(rows) > limit:
            rows = rows[:limit]
            next_token = self.page_tokens.encode(rows[-1].id, query)
        return EventPage(rows, next_token)

    # --- act ----------------------------------------------------------------------------------

    async def _transition(
        self,
        name: str,
        etag: str,
        allowed: frozenset[State],
        action: str,
        target: State,
        message: str,
        *,
        requeue: bool,
        **changes: Any,
    ) -> ApplicationRow:
        async with self.sessions() as session, session.begin():
            repo = ApplicationRepository(session)
            row = await _own_locked(repo, name, etag)
            if row.state not in allowed:
                raise _not_in(row, allowed, action)
            previous = row.state
            await repo.save(row, state=target, **changes)
            await repo.add_event(row.id, action, previous, target, message)
            if requeue:
                await repo.add_outbox(row.id, "apply", row.version)
            return row

    async def cancel(self, name: str, etag: str) -> ApplicationRow:
        return await self._transition(
            name, etag, CANCELLABLE, "cancel", State.CANCELLED, "cancelled by the user", requeue=False
        )

    async def approve(self, name: str, etag: str, plan_hash: str) -> ApplicationRow:
        row = await self.get(name)
        current_hash = (row.fill_plan or {}).get("planHash", "")
        if row.state == State.AWAITING_REVIEW and plan_hash and plan_hash != current_hash:
            raise Aborted(
                "the fill plan changed since it was reviewed; review it again", reason="PLAN_CHANGED"
            )
        return await self._transition(
            name,
            etag,
            frozenset({State.AWAITING_REVIEW}),
            "approve",
            State.QUEUED,
            "approved for submission",
            requeue=True,
            approved_plan_hash=current_hash,
        )

    async def answer(self, name: str, etag: str, answers: list[tuple[str, str]]) -> ApplicationRow:
        row = await self.get(name)
        if row.state != State.NEEDS_INPUT:
            raise _not_in(row, frozenset({State.NEEDS_INPUT}), "answer questions of")
        pending = {q["id"]: q for q in row.pending_questions}
        violations: list[tuple[str, str]] = []
        given: dict[str, str] = {}
        for i, (question_id, text) in enumerate(answers):
            question = pending.get(question_id)
            if question is None:
                violations.append(
                    (f"answers[{i}].question_id", "is not a pending question of this application")
                )
                continue
            value = text.strip()
            if not value:
                violations.append((f"answers[{i}].answer", "must not be empty"))
            elif len(value) > MAX_ANSWER:
                violations.append((f"answers[{i}].answer", f"must be at most {MAX_ANSWER} characters"))
            elif question.get("options") and not _matches_option(value, question["options"]):
                violations.append(
                    (f"answers[{i}].answer", "must be one of: " + ", ".join(question["options"]))
                )
            given[question_id] = value
        missing = [q for qid, q in pending.items() if q.get("required") and qid not in given]
        for q in missing:
            violations.append(("answers", f"question {q['id']!r} ({q.get('label', '')}) needs an answer"))
        if violations:
            raise InvalidArgument(violations)
        await self.peers.save_answers(row.profile, [(pending[qid]["label"], a) for qid, a in given.items()])
        return await self._transition(
            name,
            etag,
            frozenset({State.NEEDS_INPUT}),
            "answer",
            State.QUEUED,
            f"{len(given)} question(s) answered",
            requeue=True,
            pending_questions=[],
        )

    async def delete(self, name: str, etag: str) -> None:
        async with self.sessions() as session, session.begin():
            repo = ApplicationRepository(session)
            row = await _own_locked(repo, name, etag)
            if row.state == State.SUBMITTING:
                raise FailedPrecondition(
                    "the application is being submitted right now; delete it once it has settled",
                    reason="SUBMITTING",
                )
            await repo.delete(row.id)

    # --- watch --------------------------------------------------------------------------------

    async def watch(self, name: str) -> AsyncIterator[tuple[ApplicationRow, EventRow | None]]:
        """The application now, then again with each new event, until a terminal state.

        Each pass reads the new events first and the application second, so the state sent is
        never older than the events sent with it; a change whose event was already read in an
        earlier pass is still sent (with no event), so the stream always ends on the terminal state.
        """
        app = await self.get(name)
        if self.hub is None:
            raise FailedPrecondition("watching is not available on this server")
        async with self.hub.subscribe(app.id) as wakeups:
            last_event = -1  # before the first pass: skip the history, send the application alone
            sent_version = -1
            while True:
                async with self.sessions() as session:
                    repo = ApplicationRepository(session)
                    if last_event < 0:
                        fresh, last_event = [], await repo.last_event_id(app.id)
                    else:
                        fresh = await repo.events(app.id, after_id=last_event, limit=1000)
                    row = await repo.get(app.owner_id, app.id)
                if row is None:
                    raise NotFound(name)
                for event in fresh:
                    last_event = event.id
                    yield row, event
                if not fresh and row.version != sent_version:
                    yield row, None
                sent_version = row.version
                if row.state in TERMINAL:
                    return
                await wakeups.get()


def _matches_option(value: str, options: list[str]) -> bool:
    folded = value.casefold()
    return any(folded == option.casefold() for option in options)


__all__ = ["RELEASES_SLOT", "ApplicationService", "NewApplication", "etag_of"]
