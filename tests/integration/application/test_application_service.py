"""Application use cases: the one-live-application rule, idempotency, the state machine, watching."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from services.application.models import ApplicationRow, EventRow, OutboxRow
from services.application.peers import JobInfo
from services.application.repository import NOTIFY_CHANNEL
from services.application.service import NewApplication
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound

from .conftest import Env


def new(job: str = "jobs/j1", profile: str = "profiles/alice-1", mode: str = "SUBMIT") -> NewApplication:
    return NewApplication(profile=profile, job=job, mode=mode, resume="", cover_letter="")


async def count(env: Env, model: type) -> int:
    async with env.resources.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_create_queues_with_an_event_and_an_outbox_row(env: Env) -> None:
    row = await env.service.create(new(), "")
    assert row.state == "QUEUED" and row.mode == "SUBMIT"
    assert row.resume == "profiles/alice-1/resumes/r1"
    assert await count(env, EventRow) == 1
    assert await count(env, OutboxRow) == 1


async def test_mode_defaults_to_review(env: Env) -> None:
    assert (await env.service.create(new(mode=""), "")).mode == "REVIEW"


async def test_repeated_request_id_returns_the_first_under_50_concurrent_calls(env: Env) -> None:
    rows = await asyncio.gather(*(env.service.create(new(), "req-1") for _ in range(50)))
    assert len({r.id for r in rows}) == 1
    assert await count(env, ApplicationRow) == 1
    assert await count(env, OutboxRow) == 1


async def test_concurrent_different_requests_to_one_job_create_exactly_one(env: Env) -> None:
    results = await asyncio.gather(
        *(env.service.create(new(), f"req-{i}") for i in range(50)), return_exceptions=True
    )
    created = [r for r in results if isinstance(r, ApplicationRow)]
    refused = [r for r in results if isinstance(r, AlreadyExists)]
    assert len(created) == 1 and len(refused) == 49, results
    assert all(e.existing == f"applications/{created[0].id}" for e in refused)
    assert await count(env, ApplicationRow) == 1


async def test_second_application_is_refused_until_the_first_ends_failed_or_cancelled(env: Env) -> None:
    first = await env.service.create(new(), "")
    with pytest.raises(AlreadyExists) as err:
        await env.service.create(new(), "")
    assert err.value.existing == f"applications/{first.id}"
    await env.service.cancel(f"applications/{first.id}", "")
    second = await env.service.create(new(), "")
    assert second.id != first.id
    await env.force_state(f"applications/{second.id}", "SUBMITTED")
    with pytest.raises(AlreadyExists):
        await env.service.create(new(), "")


async def test_a_duplicate_posting_of_an_applied_job_is_refused(env: Env) -> None:
    env.peers.jobs["jobs/repost"] = JobInfo(name="jobs/repost", canonical_job="jobs/j1", open=True)
    first = await env.service.create(new("jobs/j1"), "")
    with pytest.raises(AlreadyExists) as err:
        await env.service.create(new("jobs/repost"), "")
    assert err.value.existing == f"applications/{first.id}"


async def test_a_closed_job_cannot_be_applied_to(env: Env) -> None:
    env.peers.jobs["jobs/closed"] = JobInfo(name="jobs/closed", canonical_job="", open=False)
    with pytest.raises(FailedPrecondition):
        await env.service.create(new("jobs/closed"), "")
    assert await count(env, ApplicationRow) == 0


async def test_validation_names_every_bad_field(env: Env) -> None:
    with pytest.raises(InvalidArgument) as err:
        await env.service.create(
            NewApplication(
                profile="users/x", job="", mode="FAST", resume="profiles/other/resumes/1", cover_letter=""
            ),
            "",
        )
    fields = {f for f, _ in err.value.violations}
    assert fields == {"application.profile", "application.job", "application.mode", "application.resume"}
    assert await count(env, ApplicationRow) == 0


async def test_another_users_profile_and_applications_are_not_found(env: Env) -> None:
    row = await env.service.create(new(), "")
    env.act_as("bob")
    with pytest.raises(NotFound):
        await env.service.create(new(profile="profiles/alice-1"), "")
    name = f"applications/{row.id}"
    for call in (
        env.service.get(name),
        env.service.cancel(name, ""),
        env.service.approve(name, "", ""),
        env.service.answer(name, "", []),
        env.service.delete(name, ""),
        env.service.events(name, size=0, token=""),
    ):
        with pytest.raises(NotFound):
            await call
    assert (await env.service.list_page(size=0, token="", state="", profile="", job="")).rows == []
    env.act_as("alice")
    assert (await env.service.get(name)).state == "QUEUED"


async def test_state_machine_refuses_actions_in_the_wrong_state(env: Env) -> None:
    row = await env.service.create(new(), "")
    name = f"applications/{row.id}"
    with pytest.raises(FailedPrecondition) as err:
        await env.service.approve(name, "", "")
    assert err.value.metadata["state"] == "QUEUED"
    with pytest.raises(FailedPrecondition):
        await env.service.answer(name, "", [("q", "a")])
    await env.force_state(name, "SUBMITTING")
    with pytest.raises(FailedPrecondition):
        await env.service.cancel(name, "")
    with pytest.raises(FailedPrecondition):
        await env.service.delete(name, "")


async def test_double_approve_queues_once(env: Env) -> None:
    row = await env.service.create(new(mode="REVIEW"), "")
    name = f"applications/{row.id}"
    await env.force_state(name, "AWAITING_REVIEW", fill_plan={"planHash": "abc"})
    results = await asyncio.gather(
        env.service.approve(name, "", "abc"), env.service.approve(name, "", "abc"), return_exceptions=True
    )
    assert sum(isinstance(r, ApplicationRow) for r in results) == 1
    assert sum(isinstance(r, FailedPrecondition) for r in results) == 1
    approved = await env.service.get(name)
    assert approved.state == "QUEUED" and approved.approved_plan_hash == "abc"
    assert await count(env, OutboxRow) == 2  # created + approved


async def test_answers_are_validated_saved_to_the_answer_bank_and_requeue(env: Env) -> None:
    row = await env.service.create(new(), "")
    name = f"applications/{row.id}"
    questions = [
        {"id": "q_why", "label": "Why us?", "required": True},
        {"id": "q_auth", "label": "Authorized?", "required": True, "options": ["Yes", "No"]},
        {"id": "q_opt", "label": "Anything else?", "required": False},
    ]
    await env.force_state(name, "NEEDS_INPUT", pending_questions=questions)
    with pytest.raises(InvalidArgument) as err:
        await env.service.answer(name, "", [("q_auth", "Maybe"), ("nope", "x")])
    fields = {f for f, _ in err.value.violations}
    assert {"answers[0].answer", "answers[1].question_id", "answers"} <= fields
    assert (await env.service.get(name)).state == "NEEDS_INPUT"
    done = await env.service.answer(name, "", [("q_why", "Mission"), ("q_auth", "yes")])
    assert done.state == "QUEUED" and done.pending_questions == []
    assert env.peers.saved == [("profiles/alice-1", [("Why us?", "Mission"), ("Authorized?", "yes")])]


async def test_stale_etag_is_aborted_and_changes_nothing(env: Env) -> None:
    from services.common.errors import Aborted

    row = await env.service.create(new(), "")
    name = f"applications/{row.id}"
    with pytest.raises(Aborted):
        await env.service.cancel(name, "999-stale")
    assert (await env.service.get(name)).state == "QUEUED"


async def test_list_pages_newest_first_without_gaps_under_concurrent_inserts(env: Env) -> None:
    for n in range(1, 6):
        await env.service.create(new(f"jobs/j{n}"), "")
    first = await env.service.list_page(size=2, token="", state="", profile="", job="")
    env.peers.jobs["jobs/late"] = JobInfo(name="jobs/late", canonical_job="", open=True)
    await env.service.create(new("jobs/late"), "")  # newer than every listed row: must not shift pages
    seen = [r.job for r in first.rows]
    token = first.next_token
    while token:
        page = await env.service.list_page(size=2, token=token, state="", profile="", job="")
        seen += [r.job for r in page.rows]
        token = page.next_token
    assert seen == ["jobs/j5", "jobs/j4", "jobs/j3", "jobs/j2", "jobs/j1"]
    with pytest.raises(InvalidArgument):
        await env.service.list_page(size=2, token=first.next_token, state="QUEUED", profile="", job="")
    with pytest.raises(InvalidArgument):
        await env.service.list_page(size=-1, token="", state="", profile="", job="")


async def test_watch_streams_each_change_and_ends_at_a_terminal_state(env: Env) -> None:
    row = await env.service.create(new(), "")
    name = f"applications/{row.id}"
    received: list[tuple[str, str]] = []

    async def watch() -> None:
        async for app, event in env.service.watch(name):
            received.append((app.state, event.type if event else ""))

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.2)
    await env.service.cancel(name, "")
    await asyncio.wait_for(watcher, 5)
    assert received == [("QUEUED", ""), ("CANCELLED", "cancel")]


async def test_watch_ends_on_the_terminal_state_even_when_its_event_was_read_earlier(env: Env) -> None:
    """A change committed between a watcher's reads is still sent: the stream never ends one state behind."""
    row = await env.service.create(new(), "")
    name = f"applications/{row.id}"
    received: list[str] = []

    async def watch() -> None:
        async for app, _event in env.service.watch(name):
            received.append(app.state)

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.2)
    # The state moves with no new event (as when a watcher already read that event), then a wake-up.
    await env.force_state(name, "SUBMITTED")
    async with env.resources.sessions() as session, session.begin():
        await session.execute(
            text("select pg_notify(:channel, :payload)"), {"channel": NOTIFY_CHANNEL, "payload": row.id}
        )
    await asyncio.wait_for(watcher, 5)
    assert received == ["QUEUED", "SUBMITTED"]
