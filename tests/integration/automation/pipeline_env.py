"""A whole mesh for pipeline tests: the four services, an arq worker with Chromium, the ATS sites.

Services run on port 0 and talk directly (the Envoy hop is tested elsewhere); the
worker runs in this process against the session's Valkey, like `jobmesh worker`, or as a
real child process (`WorkerProcess`) when a test must SIGKILL it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import hashlib
import os
import signal
import sys
import time
import uuid
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import redis.asyncio as aioredis

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from jobmesh.automation.v1 import automation_service_pb2 as auto_pb
from jobmesh.automation.v1 import automation_service_pb2_grpc as auto_grpc
from jobmesh.job.v1 import job_service_pb2, job_service_pb2_grpc
from jobmesh.profile.v1 import profile_service_pb2, profile_service_pb2_grpc
from services.application.__main__ import SPEC as APPLICATION
from services.automation.__main__ import SPEC as AUTOMATION
from services.automation.worker import create_worker, startup
from services.common.embedded import EmbeddedValkey
from services.common.runtime import RunningService, start_service
from services.common.settings import Settings
from services.job.__main__ import SPEC as JOB
from services.profile.__main__ import SPEC as PROFILE

TERMINAL = {
    app_pb.STATE_SUBMITTED,
    app_pb.STATE_OUTCOME_UNKNOWN,
    app_pb.STATE_FAILED,
    app_pb.STATE_CANCELLED,
    app_pb.STATE_PLANNED,
}
RESUME = b"%PDF-1.4\n% Ada Lovelace, engineer\n" + bytes(range(256)) * 8
RESUME_SHA256 = hashlib.sha256(RESUME).hexdigest()
REPO = Path(__file__).resolve().parents[3]


@dataclass
class Client:
    """A signed-in user of the mesh with stubs for every service."""

    channels: dict[str, grpc.aio.Channel]
    metadata: list[tuple[str, str]]

    @property
    def profiles(self) -> profile_service_pb2_grpc.ProfileServiceStub:
        return profile_service_pb2_grpc.ProfileServiceStub(self.channels["profile"])

    @property
    def jobs(self) -> job_service_pb2_grpc.JobServiceStub:
        return job_service_pb2_grpc.JobServiceStub(self.channels["job"])

    @property
    def applications(self) -> app_grpc.ApplicationServiceStub:
        return app_grpc.ApplicationServiceStub(self.channels["application"])

    @property
    def automation(self) -> auto_grpc.AutomationServiceStub:
        return auto_grpc.AutomationServiceStub(self.channels["automation"])

    async def get(self, name: str) -> app_pb.Application:
        response = await self.applications.GetApplication(
            app_pb.GetApplicationRequest(name=name), metadata=self.metadata
        )
        return response.application

    async def events(self, name: str) -> list[app_pb.ApplicationEvent]:
        response = await self.applications.ListApplicationEvents(
            app_pb.ListApplicationEventsRequest(parent=name, page_size=500), metadata=self.metadata
        )
        return list(response.events)

    async def runs(self, name: str) -> list[auto_pb.Run]:
        response = await self.automation.ListRuns(
            auto_pb.ListRunsRequest(parent=name, page_size=100), metadata=self.metadata
        )
        return list(response.runs)

    async def profile(self, **fields: object) -> profile_service_pb2.Profile:
        values: dict[str, object] = {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": f"ada+{uuid.uuid4().hex[:8]}@example.com",
            "phone": "+1 415 555 0100",
            "linkedin_url": "https://www.linkedin.com/in/ada",
            "location": profile_service_pb2.Location(city="San Francisco", region="CA", country="US"),
            "work_authorized_countries": ["US"],
            "requires_sponsorship": False,
        }
        values.update(fields)
        created = await self.profiles.CreateProfile(
            profile_service_pb2.CreateProfileRequest(profile=profile_service_pb2.Profile(**values)),  # type: ignore[arg-type]
            metadata=self.metadata,
        )
        await self.profiles.CreateResume(
            profile_service_pb2.CreateResumeRequest(
                parent=created.profile.name,
                resume=profile_service_pb2.Resume(
                    filename="ada.pdf", content=RESUME, content_type="application/pdf"
                ),
            ),
            metadata=self.metadata,
        )
        return created.profile

    async def job(self, apply_url: str, external_id: str) -> job_service_pb2.Job:
        created = await self.jobs.CreateJob(
            job_service_pb2.CreateJobRequest(
                job=job_service_pb2.Job(
                    company="Acme",
                    title=f"Engineer {external_id}",
                    apply_url=apply_url,
                    external_id=external_id,
                )
            ),
            metadata=self.metadata,
        )
        return created.job

    async def apply(self, profile: str, job: str, mode: int, request_id: str = "") -> app_pb.Application:
        created = await self.applications.CreateApplication(
            app_pb.CreateApplicationRequest(
                application=app_pb.Application(profile=profile, job=job, mode=mode), request_id=request_id
            ),
            metadata=self.metadata,
        )
        return created.application

    async def answer_all(self, app: app_pb.Application, answers: dict[str, str]) -> app_pb.Application:
        """Answers every pending question: by label from `answers`, else the first option, else 'Yes'."""
        given = []
        for q in app.pending_questions:
            answer = answers.get(q.label) or (
                q.options[0] if q.options else "Because the mission matters to me."
            )
            given.append(app_pb.QuestionAnswer(question_id=q.id, answer=answer))
        response = await self.applications.AnswerApplicationQuestions(
            app_pb.AnswerApplicationQuestionsRequest(name=app.name, answers=given), metadata=self.metadata
        )
        return response.application

    async def settle(
        self, app: app_pb.Application, answers: dict[str, str], within: float = 60
    ) -> app_pb.Application:
        """Waits for a terminal state, answering every NEEDS_INPUT on the way (see `answer_all`)."""
        for _ in range(3):
            app = await self.wait(app.name, {app_pb.STATE_NEEDS_INPUT}, within)
            if app.state != app_pb.STATE_NEEDS_INPUT:
                return app
            await self.answer_all(app, answers)
        raise AssertionError(f"still asking after 3 rounds of answers: {list(app.pending_questions)}")

    async def wait(self, name: str, states: set[int], within: float = 60) -> app_pb.Application:
        """Watches until the application is in one of `states` (or terminal)."""

        async def watch() -> app_pb.Application:
            last = None
            async for message in self.applications.WatchApplication(
                app_pb.WatchApplicationRequest(name=name), metadata=self.metadata
            ):
                last = message.application
                if last.state in states or last.state in TERMINAL:
                    return last
            assert last is not None
            return last

        return await asyncio.wait_for(watch(), within)


async def sign_up(channel: grpc.aio.Channel, email: str) -> list[tuple[str, str]]:
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    tokens = await stub.Register(
        auth_service_pb2.RegisterRequest(email=email, password="correct horse battery")
    )
    return [("authorization", f"Bearer {tokens.access_token}")]


@contextlib.asynccontextmanager
async def running_worker(settings: Settings, **deps_changes: Any) -> AsyncIterator[None]:
    async def start(ctx: dict[str, Any]) -> None:
        await startup(ctx)
        ctx["deps"] = dataclasses.replace(ctx["deps"], **deps_changes)

    worker = create_worker(settings, handle_signals=False, poll_delay=0.05, on_startup=start)
    task = asyncio.create_task(worker.async_run())
    try:
        yield
    finally:
        # Closing cancels jobs in flight; a run that has recorded its outcome may still be writing
        # its run record, so let it finish (a test that leaves a job running gives up after 30 s).
        in_flight = [t for t in worker.tasks.values() if not t.done()]
        if in_flight:
            await asyncio.wait(in_flight, timeout=30)
        with warnings.catch_warnings():
            # arq's close() calls a redis-py method deprecated in favour of aclose().
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        del worker, task
        _collect_cancelled_pipelines()


def pipeline_settings(settings: Settings, **changes: Any) -> Settings:
    """Test settings for a mesh whose worker may open the local sites on 127.0.0.1."""
    base = settings.with_(allowed_hosts=("127.0.0.1",), job_timeout_seconds=30.0, worker_concurrency=2)
    return base.with_(**changes)


@dataclass
class MeshEnv:
    """Running services, wired to each other, and channels to them."""

    settings: Settings
    channels: dict[str, grpc.aio.Channel]

    async def client(self, email: str = "") -> Client:
        """A newly signed-up user."""
        address = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        return Client(self.channels, await sign_up(self.channels["profile"], address))

    def worker(self, **deps_changes: Any) -> contextlib.AbstractAsyncContextManager[None]:
        """An in-process worker; `deps_changes` replace fields of its pipeline Deps (e.g. retry_base)."""
        return running_worker(self.settings, **deps_changes)


@contextlib.asynccontextmanager
async def start_mesh(settings: Settings, starting: asyncio.Lock | None = None) -> AsyncIterator[MeshEnv]:
    """The four services on port 0, each told where the earlier ones listen; all stopped after.

    Meshes started side by side must share `starting`: Alembic keeps the running migration's
    context in module state, so two migrations in one process must not interleave.
    """
    started: list[RunningService] = []
    try:
        async with starting or contextlib.nullcontext():
            for name, spec in (
                ("profile", PROFILE),
                ("job", JOB),
                ("application", APPLICATION),
                ("automation", AUTOMATION),
            ):
                service = await start_service(spec, settings, port=0)
                started.append(service)
                settings = settings.with_(**{f"{name}_port": service.port})
        channels = {
            name: grpc.aio.insecure_channel(settings.address_of(name))
            for name in ("profile", "job", "application", "automation")
        }
        try:
            yield MeshEnv(settings, channels)
        finally:
            for channel in channels.values():
                await channel.close()
    finally:
        await asyncio.gather(*(s.stop(grace=None) for s in reversed(started)), return_exceptions=True)
        started.clear()
        _collect_cancelled_pipelines()


def _collect_cancelled_pipelines() -> None:
    """Collects what a stopped worker or relay left behind, here rather than in a later test.

    Stopping arq (or the relay) can cancel it inside a redis-py pipeline, which then keeps its
    connection until the garbage collector finds it and warns (ResourceWarning) at that moment.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


async def flushed_redis(valkey: EmbeddedValkey, db: int) -> str:
    """The URL of Redis database `db` of the session's Valkey, emptied."""
    url = valkey.url.rsplit("/", 1)[0] + f"/{db}"
    client = aioredis.from_url(url)
    await client.flushdb()
    await client.aclose()
    return url


class WorkerProcess:
    """`python -m services.automation.worker` as a child process in its own process group.

    Its log goes to a file the test can wait on; `kill()` SIGKILLs the whole group (worker,
    Playwright driver, Chromium) like a machine dying; `stop()` asks it to stop and makes sure
    nothing of it is left.
    """

    def __init__(self, settings: Settings, log_path: Path, *, fault_pause: str | None = None):
        self.settings = settings.with_(fault_pause=fault_pause, log_json=False)
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBMESH_")}
        env.update(self.settings.to_env())
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "services.automation.worker",
                cwd=REPO,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def wait_for_log(self, text: str, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        while text not in self.log():
            assert self.process is not None
            if self.process.returncode is not None:
                raise AssertionError(
                    f"worker exited ({self.process.returncode}) before {text!r}:\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"worker never logged {text!r} within {within}s:\n{self.log()[-4000:]}")
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, no goodbye: the worker, its Playwright driver and Chromium die at once."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is None:
            return
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 20)
        self.kill()  # whatever of the group is left (a driver or browser of a killed worker)
        await self.process.wait()


@contextlib.asynccontextmanager
async def worker_process(
    settings: Settings, log_path: Path, *, fault_pause: str | None = None
) -> AsyncIterator[WorkerProcess]:
    worker = WorkerProcess(settings, log_path, fault_pause=fault_pause)
    try:
        yield await worker.start()
    finally:
        await worker.stop()
