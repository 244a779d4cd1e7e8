"""Real gRPC upstreams with recording servicers, and the gateway in front of them (ASGI or uvicorn)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx
import pytest
from google.protobuf import any_pb2, timestamp_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from starlette.applications import Starlette

from gateway.app import create_app
from jobmesh.application.v1 import application_service_pb2 as app_pb2
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.job.v1 import job_service_pb2 as job_pb2
from jobmesh.job.v1 import job_service_pb2_grpc as job_grpc
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb2
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.server import Health, create_server
from tests.sites.server import serve_app

CLIENT = ("203.0.113.9", 40000)


@dataclass
class Recorder:
    """What an upstream received: (method, request, metadata) per call."""

    calls: list[tuple[str, Message, dict[str, Any]]] = field(default_factory=list)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, method: str, request: Message, context: grpc.aio.ServicerContext) -> None:
        self.calls.append((method, request, {m.key: m.value for m in context.invocation_metadata()}))

    def only(self) -> tuple[str, Message, dict[str, Any]]:
        assert len(self.calls) == 1, self.calls
        return self.calls[0]


class Jobs(job_grpc.JobServiceServicer):
    def __init__(self, recorder: Recorder):
        self.r = recorder

    async def GetJob(self, request: job_pb2.GetJobRequest, context: grpc.aio.ServicerContext) -> Any:
        self.r.record("GetJob", request, context)
        await context.send_initial_metadata((("x-served-by", "job"),))
        context.set_trailing_metadata((("x-cost", "3"),))
        job = job_pb2.Job(
            name=request.name,
            company="Acme",
            title="Engineer",
            ats=job_pb2.ATS_GREENHOUSE,
            remote=False,
            create_time=timestamp_pb2.Timestamp(seconds=1_700_000_000),
        )
        return job_pb2.GetJobResponse(job=job)

    async def ListJobs(self, request: job_pb2.ListJobsRequest, context: grpc.aio.ServicerContext) -> Any:
        self.r.record("ListJobs", request, context)
        if request.filter == "slow":
            await asyncio.sleep(5)
        return job_pb2.ListJobsResponse(jobs=[job_pb2.Job(name="jobs/1")], next_page_token="p2")

    async def SearchJobs(self, request: job_pb2.SearchJobsRequest, context: grpc.aio.ServicerContext) -> Any:
        self.r.record("SearchJobs", request, context)
        return job_pb2.SearchJobsResponse()

    async def CreateJob(self, request: job_pb2.CreateJobRequest, context: grpc.aio.ServicerContext) -> Any:
        self.r.record("CreateJob", request, context)
        if not request.job.title:
            violation = error_details_pb2.BadRequest.FieldViolation(
                field="job.title", description="is required"
            )
            detail = any_pb2.Any()
            detail.Pack(error_details_pb2.BadRequest(field_violations=[violation]))
            status = status_pb2.Status(
                code=code_pb2.INVALID_ARGUMENT, message="job.title is required", details=[detail]
            )
            await context.abort_with_status(rpc_status.to_status(status))
        job = job_pb2.Job()
        job.CopyFrom(request.job)
        job.name = "jobs/new"
        return job_pb2.CreateJobResponse(job=job)


class Profiles(profile_grpc.ProfileServiceServicer):
    def __init__(self, recorder: Recorder):
        self.r = recorder

    async def UpdateProfile(
        self, request: profile_pb2.UpdateProfileRequest, context: grpc.aio.ServicerContext
    ) -> Any:
        self.r.record("UpdateProfile", request, context)
        return profile_pb2.UpdateProfileResponse(profile=request.profile)

    async def GetResume(
        self, request: profile_pb2.GetResumeRequest, context: grpc.aio.ServicerContext
    ) -> Any:
        self.r.record("GetResume", request, context)
        resume = profile_pb2.Resume(name=request.name, filename="cv.pdf", size_bytes=123456789012)
        return profile_pb2.GetResumeResponse(resume=resume)


class Applications(app_grpc.ApplicationServiceServicer):
    STATES = (app_pb2.STATE_QUEUED, app_pb2.STATE_RUNNING, app_pb2.STATE_SUBMITTED)

    def __init__(self, recorder: Recorder):
        self.r = recorder

    async def WatchApplication(
        self, request: app_pb2.WatchApplicationRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[app_pb2.WatchApplicationResponse]:
        self.r.record("WatchApplication", request, context)
        if request.name == "applications/missing":
            await context.abort(grpc.StatusCode.NOT_FOUND, "applications/missing not found")
        for i, state in enumerate(self.STATES):
            if i == 1 and request.name == "applications/broken":
                await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "worker lost")
            if i == 1 and request.name == "applications/slow":
                try:
                    await asyncio.sleep(60)
                except asyncio.CancelledError:
                    self.r.cancelled.set()
                    raise
            yield app_pb2.WatchApplicationResponse(
                application=app_pb2.Application(name=request.name, state=state)
            )


@dataclass
class Upstream:
    address: str
    recorder: Recorder
    health: Health
    server: grpc.aio.Server


SERVICES = (
    "jobmesh.job.v1.JobService",
    "jobmesh.profile.v1.ProfileService",
    "jobmesh.application.v1.ApplicationService",
)


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    recorder = Recorder()

    def register(server: grpc.aio.Server) -> None:
        job_grpc.add_JobServiceServicer_to_server(Jobs(recorder), server)
        profile_grpc.add_ProfileServiceServicer_to_server(Profiles(recorder), server)
        app_grpc.add_ApplicationServiceServicer_to_server(Applications(recorder), server)

    server, port, health = create_server(register, SERVICES)
    await server.start()
    await health.set_serving(True)
    yield Upstream(f"127.0.0.1:{port}", recorder, health, server)
    await server.stop(None)


@asynccontextmanager
async def asgi_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan run, driven in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app, client=CLIENT)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


@pytest.fixture
async def client(upstream: Upstream) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app({s: upstream.address for s in SERVICES}, None, request_timeout=3.0)
    async with asgi_client(app) as c:
        yield c


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """The app behind a real uvicorn (httptools) on a free loopback port; yields its base URL."""
    async with serve_app(app, lifespan="on") as base_url:
        yield base_url
