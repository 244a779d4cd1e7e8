"""A worker SIGKILLed at each step boundary of a submission: never a second submission, never a lost application.

Each case runs a real `python -m services.automation.worker` process, kills its whole process
group (worker, Playwright driver, Chromium) at one point, and lets a fresh worker take over once
arq redelivers the job (when the dead worker's in-progress key expires, job timeout + 10 s). The
cases run side by side, each in a mesh of its own, so the waits overlap.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.profile.v1 import profile_service_pb2
from services.common.embedded import EmbeddedPostgres, EmbeddedValkey
from services.common.settings import Settings
from tests.conftest import fresh_database
from tests.sites.ats import AtsJob, SubmissionRecorder, serve_ats

from .pipeline_env import flushed_redis, start_mesh, worker_process

JOB_TIMEOUT = 8.0
WHY = "Why do you want to work at Acme?"
SLOW_CONFIRMATION = 6.0  # the site holds its answer this long after recording the POST


@dataclass(frozen=True)
class Sites:
    base_url: str
    recorder: SubmissionRecorder


@pytest.fixture(scope="module")
async def sites() -> AsyncIterator[Sites]:
    recorder = SubmissionRecorder()
    jobs = [AtsJob("greenhouse", "crash-inflight", confirm_delay=SLOW_CONFIRMATION)]
    async with serve_ats(recorder, jobs=jobs) as base_url:
        yield Sites(base_url, recorder)


@dataclass(frozen=True)
class Case:
    job_id: str
    fault: str | None  # JOBMESH_FAULT_PAUSE of the worker that is killed
    redis_db: int


CASES = {
    "before_submitting": Case("crash-before-submitting", "before_submitting:60", 12),
    "before_click": Case("crash-before-click", "before_click:60", 13),
    "click_in_flight": Case("crash-inflight", None, 14),
    "after_click": Case("crash-after-click", "after_click:60", 15),
}


@dataclass
class Outcome:
    final: app_pb.Application
    events: list[app_pb.ApplicationEvent]
    state_at_kill: int
    submissions_at_kill: int


async def _run_case(
    case: Case,
    sites: Sites,
    postgres: EmbeddedPostgres,
    valkey: EmbeddedValkey,
    home: Path,
    starting: asyncio.Lock,
) -> Outcome:
    async with fresh_database(postgres) as database_url:
        settings = Settings(
            home=home,
            database_url=database_url,
            redis_url=await flushed_redis(valkey, case.redis_db),
            master_key=secrets.token_hex(32),
            allowed_hosts=("127.0.0.1",),
            job_timeout_seconds=JOB_TIMEOUT,  # the ledger's "stale" and arq's timeout alike
            worker_concurrency=1,
            log_json=False,
        )
        async with start_mesh(settings, starting) as mesh:
            client = await mesh.client()
            profile = await client.profile(
                answers=[profile_service_pb2.Answer(question=WHY, answer="Craft.")]
            )
            job = await client.job(f"{sites.base_url}/greenhouse/acme/jobs/{case.job_id}", case.job_id)
            async with worker_process(mesh.settings, home / "doomed.log", fault_pause=case.fault) as doomed:
                await doomed.wait_for_log("worker ready")
                app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
                if case.fault is not None:
                    point = case.fault.split(":")[0]
                    await doomed.wait_for_log(f"fault pause at {point} for {app.name}")
                else:
                    await _wait_for_submission(sites.recorder, case.job_id)
                doomed.kill()
                state_at_kill = (await client.get(app.name)).state
                submissions_at_kill = len(sites.recorder.all(job_id=case.job_id))
            async with worker_process(mesh.settings, home / "fresh.log"):
                final = await client.wait(app.name, set(), within=3 * JOB_TIMEOUT + 30)
            return Outcome(final, await client.events(app.name), state_at_kill, submissions_at_kill)


async def _wait_for_submission(recorder: SubmissionRecorder, job_id: str, within: float = 40) -> None:
    deadline = time.monotonic() + within
    while not recorder.all(job_id=job_id):
        assert time.monotonic() < deadline, f"the site never received the submission of {job_id}"
        await asyncio.sleep(0.02)


def _types(events: list[app_pb.ApplicationEvent]) -> list[str]:
    return [e.type for e in events]


async def test_a_worker_killed_at_any_step_never_submits_twice_and_never_loses_the_application(
    sites: Sites, postgres: EmbeddedPostgres, valkey: EmbeddedValkey, tmp_path: Path
) -> None:
    starting = asyncio.Lock()
    async with asyncio.TaskGroup() as group:
        tasks = {
            name: group.create_task(_run_case(case, sites, postgres, valkey, tmp_path / name, starting))
            for name, case in CASES.items()
        }
    out = {name: task.result() for name, task in tasks.items()}

    for name, case in CASES.items():
        assert sites.recorder.duplicates(job_id=case.job_id) == [], name
        assert len(sites.recorder.all(job_id=case.job_id)) <= 1, name

    # (a) Killed while filling, before the ledger said SUBMITTING: a clean retry submits once.
    a = out["before_submitting"]
    assert (a.state_at_kill, a.submissions_at_kill) == (app_pb.STATE_RUNNING, 0)
    assert a.final.state == app_pb.STATE_SUBMITTED, a.final.last_error
    assert a.final.attempts == 2 and "reclaimed" in _types(a.events)
    assert len(sites.recorder.accepted(job_id=CASES["before_submitting"].job_id)) == 1

    # (b) Killed after SUBMITTING, before the click: nothing reached the site and jobmesh cannot
    # know that, so it looks for evidence, finds none and hands the decision to the person.
    b = out["before_click"]
    assert (b.state_at_kill, b.submissions_at_kill) == (app_pb.STATE_SUBMITTING, 0)
    assert b.final.state == app_pb.STATE_OUTCOME_UNKNOWN
    assert "no confirmation was found" in b.final.last_error
    assert "recovering" in _types(b.events) and "submitting" in _types(b.events)
    assert sites.recorder.all(job_id=CASES["before_click"].job_id) == []

    # (c) Killed while the site was answering the click, and (d) right after the confirmation:
    # the site has exactly one submission; the recovery reopens the form, which shows no
    # confirmation on these sites, so the outcome is left to the person, never clicked again.
    for name in ("click_in_flight", "after_click"):
        c = out[name]
        assert c.state_at_kill == app_pb.STATE_SUBMITTING, name
        assert c.submissions_at_kill == 1, name
        assert c.final.state == app_pb.STATE_OUTCOME_UNKNOWN, (name, c.final.last_error)
        assert _types(c.events).count("submitting") == 1, name
        assert len(sites.recorder.accepted(job_id=CASES[name].job_id)) == 1, name
