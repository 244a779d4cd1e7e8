"""A whole mesh for pipeline tests: the four services, an arq worker with Chromium, the ATS sites.

Services run on port 0 and talk directly (the Envoy hop is tested elsewhere); the
worker runs in this process against the session's Valkey, like `jobmesh worker`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from jobmesh.job.v1 import job_service_pb2, job_service_pb2_grpc
from jobmesh.profile.v1 import profile_service_pb2, profile_service_pb2_grpc
from services.automation.worker import create_worker
from services.common.settings import Settings

TERMINAL = {
    app_pb.STATE_SUBMITTED,
    app_pb.STATE_OUTCOME_UNKNOWN,
    app_pb.STATE_FAILED,
    app_pb.STATE_CANCELLED,
    app_pb.STATE_PLANNED,
}
RESUME = b"%PDF-1.4\n% Ada Lovelace, engineer\n" + bytes(range(256)) * 8


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
async def running_worker(settings: Settings) -> AsyncIterator[None]:
    worker = create_worker(settings, handle_signals=False, poll_delay=0.05)
    task = asyncio.create_task(worker.async_run())
    try:
        yield
    finally:
        with warnings.catch_warnings():
            # arq's close() calls a redis-py method deprecated in favour of aclose().
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
