"""The tracker page in headless Chromium against the real platform (`jobmesh run`, see stack.py).

The local ATS sites run in the test; a user is seeded through the public gRPC API via Envoy with a
Greenhouse application that stops for a question the answer bank cannot answer and an Ashby dry run.
Then the page, opened through Envoy, must show both in their columns, take the answer, and follow
the application to Submitted over its live `:watch` stream, without a reload; the Greenhouse site
must have received exactly one application carrying the typed answer.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from playwright.async_api import Locator, Page, Request, expect

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2 as auth_pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.job.v1 import job_service_pb2 as job_pb
from jobmesh.job.v1 import job_service_pb2_grpc as job_grpc
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.demo.resume import resume_pdf
from tests.e2e.stack import Platform, running_platform
from tests.sites.ats import SubmissionRecorder, ats_routes
from tests.sites.boards import BoardRegistry, create_board_app
from tests.sites.server import serve_app

pytestmark = pytest.mark.integration

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "tracker.png"
S = app_pb.State
TERMINAL = {S.STATE_SUBMITTED, S.STATE_OUTCOME_UNKNOWN, S.STATE_FAILED, S.STATE_CANCELLED, S.STATE_PLANNED}
# Deliberately without "Why do you want to work at Acme?", which the Greenhouse form requires.
ANSWER_BANK = {
    "What interests you about this role?": "Building reliable systems that help people.",
    "Are you authorized to work in the country where this job is located?": "Yes",
}
WHY_ACME = "Why do you want to work at Acme?"
WHY_FIELD = "job_application[answers_attributes][4][text_value]"  # where the local Greenhouse form posts it
TYPED_ANSWER = "Acme ships the tools I use every day, and I want to help build the next ones."


@dataclass(frozen=True)
class Sites:
    url: str
    recorder: SubmissionRecorder


@dataclass(frozen=True)
class Seeded:
    """What the seeding created: who signs in, and the two applications' ids."""

    email: str
    password: str
    asking: str  # the Greenhouse SUBMIT application, stopped in NEEDS_INPUT
    dry_run: str  # the Ashby DRY_RUN application, PLANNED


@pytest.fixture
async def ats_sites() -> AsyncIterator[Sites]:
    """Job boards and application forms on one loopback server, as the demo serves them."""
    recorder = SubmissionRecorder()
    app = create_board_app(BoardRegistry.from_fixtures(), extra_routes=ats_routes(recorder))
    async with serve_app(app) as url:
        yield Sites(url, recorder)


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    async with running_platform(tmp_path / "home", allowed_hosts=("127.0.0.1",), workers=1) as running:
        yield running


async def settled(
    apps: app_grpc.ApplicationServiceStub, name: str, auth: list[tuple[str, str]], within: float = 40.0
) -> app_pb.Application:
    """The application once a worker has left it terminal or waiting on the user."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        got = await apps.GetApplication(app_pb.GetApplicationRequest(name=name), metadata=auth, timeout=10)
        app: app_pb.Application = got.application
        if app.state in TERMINAL or app.state in (S.STATE_NEEDS_INPUT, S.STATE_AWAITING_REVIEW):
            return app
        if loop.time() > deadline:
            raise AssertionError(f"{name} still {S.Name(app.state)} after {within}s: {app.last_error}")
        await asyncio.sleep(0.25)


async def seed(platform: Platform, sites_url: str) -> Seeded:
    """A user, a profile with resume and answer bank, two jobs and two applications, via Envoy."""
    run_id = uuid.uuid4().hex[:8]
    email, password = f"tracker+{run_id}@jobmesh.dev", f"tracker-{run_id}-password"
    async with grpc.aio.insecure_channel(platform.grpc_target) as channel:
        tokens = await auth_grpc.AuthServiceStub(channel).Register(
            auth_pb.RegisterRequest(email=email, password=password), timeout=10
        )
        auth = [("authorization", f"Bearer {tokens.access_token}")]
        profiles = profile_grpc.ProfileServiceStub(channel)
        profile = profile_pb.Profile(
            given_name="Ada", family_name="Lovelace", email=email, phone="+1 415 555 0100",
            location=profile_pb.Location(city="San Francisco", region="CA", country="US"),
            linkedin_url="https://www.linkedin.com/in/ada-lovelace", github_url="https://github.com/ada-lovelace",
            headline="Backend engineer", current_company="Analytical Engines Ltd",
            work_authorized_countries=["US"], requires_sponsorship=False,
            answers=[profile_pb.Answer(question=q, answer=a) for q, a in ANSWER_BANK.items()],
        )  # fmt: skip
        created = await profiles.CreateProfile(
            profile_pb.CreateProfileRequest(profile=profile, request_id=f"tracker-{run_id}"), metadata=auth
        )
        resume = profile_pb.Resume(
            filename="ada-lovelace.pdf", content_type="application/pdf", content=resume_pdf()
        )
        await profiles.CreateResume(
            profile_pb.CreateResumeRequest(parent=created.profile.name, resume=resume), metadata=auth
        )
        jobs = job_grpc.JobServiceStub(channel)
        postings = [
            (job_pb.ATS_GREENHOUSE, "4242001", "Senior Software Engineer", "/greenhouse/acme/jobs/4242001"),
            (job_pb.ATS_ASHBY, "5b6c-platform", "Platform Engineer", "/ashby/acme/5b6c-platform/application"),
        ]
        names = []
        for ats, external_id, title, path in postings:
            job = job_pb.Job(
                ats=ats, external_id=external_id, board="acme", company="Acme", title=title,
                location="San Francisco, CA", apply_url=sites_url + path,
            )  # fmt: skip
            names.append((await jobs.CreateJob(job_pb.CreateJobRequest(job=job), metadata=auth)).job.name)
        apps = app_grpc.ApplicationServiceStub(channel)
        made = []
        for job_name, mode in zip(names, (app_pb.MODE_SUBMIT, app_pb.MODE_DRY_RUN), strict=True):
            request = app_pb.CreateApplicationRequest(
                application=app_pb.Application(profile=created.profile.name, job=job_name, mode=mode),
                request_id=f"tracker-{run_id}-{job_name}",
            )
            made.append((await apps.CreateApplication(request, metadata=auth)).application.name)
        asking, dry_run = await asyncio.gather(*(settled(apps, name, auth) for name in made))
    assert asking.state == S.STATE_NEEDS_INPUT, f"{S.Name(asking.state)}: {asking.last_error}"
    assert WHY_ACME in [q.label for q in asking.pending_questions]
    assert dry_run.state == S.STATE_PLANNED, f"{S.Name(dry_run.state)}: {dry_run.last_error}"
    return Seeded(email, password, asking.name.rsplit("/", 1)[1], dry_run.name.rsplit("/", 1)[1])


def card(page: Page, app_id: str, column: str) -> Locator:
    return page.get_by_test_id(f"column-{column}").get_by_test_id(f"card-{app_id}")


async def answer_every_question(detail: Locator) -> None:
    """The Acme question gets the typed answer; anything else the form asks, a plausible one."""
    await detail.get_by_label(WHY_ACME).fill(TYPED_ANSWER)
    questions = detail.locator("[data-question]")
    for i in range(await questions.count()):
        field = questions.nth(i)
        if await field.input_value():
            continue
        if await field.evaluate("el => el.tagName") == "SELECT":
            await field.select_option(index=1)
        else:
            await field.fill("Yes")


async def test_answer_on_the_page_submits_on_the_real_stack(
    page: Page, platform: Platform, ats_sites: Sites, tmp_path: Path
) -> None:
    seeded = await seed(platform, ats_sites.url)
    requests: list[str] = []

    def remember(request: Request) -> None:
        requests.append(request.url.removeprefix(platform.base_url))

    page.on("request", remember)

    await page.goto(platform.base_url + "/")
    await page.get_by_test_id("login-email").fill(seeded.email)
    await page.get_by_test_id("login-password").fill(seeded.password)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("board")).to_be_visible()
    asking = card(page, seeded.asking, "STATE_NEEDS_INPUT")
    await expect(asking).to_contain_text("Senior Software Engineer")
    await expect(asking).to_contain_text("Acme")
    planned = card(page, seeded.dry_run, "STATE_PLANNED")
    await expect(planned).to_contain_text("Platform Engineer")
    await expect(planned).to_contain_text("Dry run")

    await page.evaluate("window.notReloaded = true")
    await asking.get_by_role("button").click()
    detail = page.get_by_test_id("detail")
    await expect(detail.get_by_test_id("state")).to_have_text("Needs input")
    await expect(detail.get_by_test_id("fill-plan")).to_contain_text(seeded.email)
    await answer_every_question(detail)
    lists_before = sum(url.startswith("/v1/applications?") for url in requests)
    await detail.get_by_test_id("answer-submit").click()

    # Queued, run by the worker, submitted: the card gets there on its own, over the live stream.
    await expect(card(page, seeded.asking, "STATE_SUBMITTED")).to_be_visible(timeout=45_000)
    await expect(card(page, seeded.asking, "STATE_NEEDS_INPUT")).to_have_count(0)
    await expect(detail.get_by_test_id("state")).to_have_text("Submitted")
    await expect(detail.get_by_test_id("events")).to_contain_text("Submitted")
    await expect(page.get_by_test_id("announcer")).to_contain_text("→ Submitted")
    await expect(card(page, seeded.dry_run, "STATE_PLANNED")).to_be_visible()
    assert await page.evaluate("window.notReloaded === true")
    assert f"/v1/applications/{seeded.asking}:watch" in requests
    assert sum(url.startswith("/v1/applications?") for url in requests) == lists_before, (
        "the board re-listed instead of following the stream"
    )

    accepted = ats_sites.recorder.accepted("greenhouse")
    assert len(accepted) == 1, ats_sites.recorder.all()
    assert accepted[0].job_id == "4242001"
    assert accepted[0].value(WHY_FIELD) == TYPED_ANSWER
    assert accepted[0].email == seeded.email
    assert ats_sites.recorder.all("ashby") == [], "the dry run submitted something"

    await expect(detail.get_by_test_id("screenshot").first).to_be_visible()
    await detail.get_by_role("button", name="Close").click()
    await expect(detail).to_be_hidden()
    shot = tmp_path / "tracker.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("JOBMESH_UPDATE_DOCS"):
        DOCS_SCREENSHOT.write_bytes(shot.read_bytes())
