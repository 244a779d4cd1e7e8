"""The demo's story, told through jobmesh's public gRPC API (the Python SDK) via Envoy.

A new demo user signs up, builds a profile with a resume and an answer bank,
subscribes to three boards, syncs and searches them, and applies in every mode:
straight through, stopping for a question (answered here), waiting for review
(approved here) and a dry run. Nothing here takes a shortcut the product doesn't.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2 as auth_pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.automation.v1 import automation_service_pb2 as auto_pb
from jobmesh.automation.v1 import automation_service_pb2_grpc as auto_grpc
from jobmesh.job.v1 import job_service_pb2 as job_pb
from jobmesh.job.v1 import job_service_pb2_grpc as job_grpc
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.demo.resume import resume_pdf

S = app_pb.State
TERMINAL = {S.STATE_SUBMITTED, S.STATE_OUTCOME_UNKNOWN, S.STATE_FAILED, S.STATE_CANCELLED, S.STATE_PLANNED}
BOARDS = ((job_pb.ATS_GREENHOUSE, "vercel"), (job_pb.ATS_LEVER, "voltus"), (job_pb.ATS_ASHBY, "gimlet"))
ANSWER_BANK = {
    "What interests you about this role?": "Building reliable systems that help people.",
    "Are you authorized to work in the country where this job is located?": "Yes",
}
ANSWER_FOR_QUESTIONS = "I admire the team's engineering culture and want to help build what comes next."


def state_name(state: int) -> str:
    return app_pb.State.Name(state).removeprefix("STATE_").replace("_", " ").lower()


@dataclass
class Planned:
    """One application of the demo and what it is expected to go through."""

    job: job_pb.Job
    mode: app_pb.Mode
    expected: int
    must_visit: int | None = None  # a state it must pass through (asked, reviewed)
    name: str = ""
    state: int = S.STATE_UNSPECIFIED
    visited: set[int] = field(default_factory=set)
    started: float = 0.0
    finished: float | None = None
    artifacts: list[str] = field(default_factory=list)
    note: str = ""
    blocked: bool = False  # stopped at a wall (CAPTCHA, login) no answer can pass
    approvals: int = 0

    @property
    def ok(self) -> bool:
        visited = self.must_visit is None or self.must_visit in self.visited
        return self.state == self.expected and visited

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started if self.started else 0.0


@dataclass
class Progress:
    """What the console shows while the demo works."""

    step: str = "starting"
    synced: dict[str, str] = field(default_factory=dict)
    found: int = 0
    applications: list[Planned] = field(default_factory=list)


class Demo:
    def __init__(
        self, channel: grpc.aio.Channel, sites_url: str, progress: Progress, on_change: Callable[[], None]
    ):
        self.auth = auth_grpc.AuthServiceStub(channel)
        self.profiles = profile_grpc.ProfileServiceStub(channel)
        self.jobs = job_grpc.JobServiceStub(channel)
        self.apps = app_grpc.ApplicationServiceStub(channel)
        self.automation = auto_grpc.AutomationServiceStub(channel)
        self.sites_url = sites_url
        self.progress = progress
        self.changed = on_change
        self.run_id = uuid.uuid4().hex[:8]
        self.email = f"demo+{self.run_id}@jobmesh.dev"
        self.password = f"demo-{self.run_id}-password"
        self.metadata: list[tuple[str, str]] = []

    def _step(self, text: str) -> None:
        self.progress.step = text
        self.changed()

    async def sign_up(self) -> None:
        self._step("signing up the demo user")
        tokens = await self.auth.Register(auth_pb.RegisterRequest(email=self.email, password=self.password))
        self.metadata = [("authorization", f"Bearer {tokens.access_token}")]

    async def make_profile(self) -> str:
        self._step("creating the profile, its resume and answer bank")
        profile = profile_pb.Profile(
            given_name="Ada",
            family_name="Lovelace",
            email=self.email,
            phone="+1 415 555 0100",
            location=profile_pb.Location(city="San Francisco", region="CA", country="US"),
            linkedin_url="https://www.linkedin.com/in/ada-lovelace",
            github_url="https://github.com/ada-lovelace",
            headline="Backend engineer",
            summary="Backend engineer who builds reliable distributed systems.",
            current_company="Analytical Engines Ltd",
            work_authorized_countries=["US"],
            requires_sponsorship=False,
            answers=[profile_pb.Answer(question=q, answer=a) for q, a in ANSWER_BANK.items()],
        )
        created = await self.profiles.CreateProfile(
            profile_pb.CreateProfileRequest(profile=profile, request_id=f"demo-{self.run_id}"),
            metadata=self.metadata,
        )
        name: str = created.profile.name
        await self.profiles.CreateResume(
            profile_pb.CreateResumeRequest(
                parent=name,
                resume=profile_pb.Resume(
                    filename="ada-lovelace.pdf", content_type="application/pdf", content=resume_pdf()
                ),
            ),
            metadata=self.metadata,
        )
        return name

    async def subscribe_and_sync(self) -> dict[str, list[job_pb.Job]]:
        by_board: dict[str, list[job_pb.Job]] = {}
        for kind, board in BOARDS:
            self._step(f"syncing the {board} board")
            source = await self.jobs.CreateJobSource(
                job_pb.CreateJobSourceRequest(
                    source=job_pb.JobSource(kind=kind, board=board, base_url=self.sites_url),
                    request_id=f"demo-{self.run_id}-{board}",
                ),
                metadata=self.metadata,
            )
            synced = await self.jobs.SyncJobSource(
                job_pb.SyncJobSourceRequest(name=source.source.name), metadata=self.metadata, timeout=120
            )
            r = synced.result
            self.progress.synced[board] = f"{r.added} added, {r.updated} updated, {r.unchanged} unchanged"
            listed = await self.jobs.ListJobs(
                job_pb.ListJobsRequest(filter=f'board = "{board}"', page_size=50), metadata=self.metadata
            )
            by_board[board] = list(listed.jobs)
        self._step("searching the catalog")
        found = await self.jobs.SearchJobs(
            job_pb.SearchJobsRequest(query="engineer OR manager"), metadata=self.metadata
        )
        self.progress.found = len(found.jobs)
        return by_board

    async def _create(self, profile: str, planned: Planned) -> None:
        created = await self.apps.CreateApplication(
            app_pb.CreateApplicationRequest(
                application=app_pb.Application(profile=profile, job=planned.job.name, mode=planned.mode),
                request_id=f"demo-{self.run_id}-{planned.job.name}",
            ),
            metadata=self.metadata,
        )
        planned.name = created.application.name
        planned.state = created.application.state
        planned.started = time.monotonic()
        self.progress.applications.append(planned)
        self.changed()

    async def _follow(self, planned: Planned) -> None:
        """Watches one application to its end, answering and approving as a user would."""
        while planned.state not in TERMINAL:
            async for message in self.apps.WatchApplication(
                app_pb.WatchApplicationRequest(name=planned.name), metadata=self.metadata
            ):
                app = message.application
                planned.state = app.state
                planned.visited.add(app.state)
                planned.note = app.last_error
                planned.blocked = app.state == S.STATE_NEEDS_INPUT and not app.pending_questions
                self.changed()
                if app.state == S.STATE_NEEDS_INPUT and app.pending_questions:
                    await self._answer(app)
                elif (
                    app.state == S.STATE_AWAITING_REVIEW and app.fill_plan.plan_hash and planned.approvals < 2
                ):
                    planned.approvals += 1
                    await self.apps.ApproveApplication(
                        app_pb.ApproveApplicationRequest(
                            name=app.name, etag=app.etag, plan_hash=app.fill_plan.plan_hash
                        ),
                        metadata=self.metadata,
                    )
                if app.state in TERMINAL or self._stuck(planned):
                    break
            if self._stuck(planned):
                break
        planned.finished = time.monotonic()
        runs = await self.automation.ListRuns(
            auto_pb.ListRunsRequest(parent=planned.name), metadata=self.metadata
        )
        planned.artifacts = [
            a.name for r in runs.runs for a in r.artifacts if a.kind in ("screenshot", "confirmation")
        ]
        self.changed()

    @staticmethod
    def _stuck(planned: Planned) -> bool:
        """Waiting on something the demo will not do again (a wall, a third review)."""
        return planned.blocked or (planned.state == S.STATE_AWAITING_REVIEW and planned.approvals >= 2)

    async def _answer(self, app: app_pb.Application) -> None:
        answers = [
            app_pb.QuestionAnswer(
                question_id=q.id, answer=(q.options[0] if q.options else ANSWER_FOR_QUESTIONS)
            )
            for q in app.pending_questions
        ]
        await self.apps.AnswerApplicationQuestions(
            app_pb.AnswerApplicationQuestionsRequest(name=app.name, answers=answers, etag=app.etag),
            metadata=self.metadata,
        )

    async def apply(self, profile: str, by_board: dict[str, list[job_pb.Job]]) -> list[Planned]:
        gh, lever, ashby = by_board["vercel"], by_board["voltus"], by_board["gimlet"]
        first_wave = [
            Planned(gh[0], app_pb.MODE_SUBMIT, S.STATE_SUBMITTED, must_visit=S.STATE_NEEDS_INPUT),
            Planned(lever[0], app_pb.MODE_SUBMIT, S.STATE_SUBMITTED),
            Planned(ashby[0], app_pb.MODE_REVIEW, S.STATE_SUBMITTED, must_visit=S.STATE_AWAITING_REVIEW),
            Planned(lever[1], app_pb.MODE_SUBMIT, S.STATE_SUBMITTED),
            Planned(ashby[1], app_pb.MODE_DRY_RUN, S.STATE_PLANNED),
        ]
        self._step("applying: the workers fill the forms in Chromium")
        for planned in first_wave:
            await self._create(profile, planned)
        followers = [asyncio.create_task(self._follow(p)) for p in first_wave]
        # The second Greenhouse job asks the same question as the first: once it has been
        # answered, the answer bank fills it without asking again.
        await followers[0]
        second = Planned(gh[1], app_pb.MODE_SUBMIT, S.STATE_SUBMITTED)
        await self._create(profile, second)
        followers.append(asyncio.create_task(self._follow(second)))
        await asyncio.gather(*followers)
        self._step("done")
        return [*first_wave, second]
