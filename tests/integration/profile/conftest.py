"""Fixtures for the Profile service: the running service, stubs, accounts and a stand-in
Application service (a real gRPC server on loopback with an in-memory store)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2 as auth_pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.runtime import RunningService, start_service
from services.common.settings import Settings
from services.profile.__main__ import SPEC

PASSWORD = "correct horse battery"


class FakeApplications(app_grpc.ApplicationServiceServicer):
    """Just enough of ApplicationService for DeleteProfile: list by profile, delete by name."""

    def __init__(self) -> None:
        self.apps: dict[str, str] = {}  # name -> profile
        self.submitting: set[str] = set()
        self.deleted: list[str] = []
        self.authorization: list[str] = []

    def add(self, profile: str) -> str:
        name = f"applications/{uuid.uuid4()}"
        self.apps[name] = profile
        return name

    async def ListApplications(self, request: Any, context: Any) -> Any:
        self.authorization.append(dict(context.invocation_metadata()).get("authorization", ""))
        names = sorted(n for n, p in self.apps.items() if p == request.profile)
        return app_pb.ListApplicationsResponse(applications=[app_pb.Application(name=n) for n in names])

    async def DeleteApplication(self, request: Any, context: Any) -> Any:
        if request.name in self.submitting:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "submitting")
        if self.apps.pop(request.name, None) is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, "not found")
        self.deleted.append(request.name)
        return app_pb.DeleteApplicationResponse()


@pytest.fixture
async def applications() -> AsyncIterator[tuple[FakeApplications, int]]:
    fake = FakeApplications()
    server = grpc.aio.server()
    app_grpc.add_ApplicationServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield fake, port
    await server.stop(None)


@pytest.fixture
async def service_settings(settings: Settings, applications: tuple[FakeApplications, int]) -> Settings:
    return settings.with_(application_port=applications[1])


@pytest.fixture
async def profile_service(service_settings: Settings) -> AsyncIterator[RunningService]:
    running = await start_service(SPEC, service_settings, port=0)
    yield running
    await running.stop(grace=None)


@pytest.fixture
async def channel(profile_service: RunningService) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{profile_service.port}") as ch:
        yield ch


@pytest.fixture
def auth(channel: grpc.aio.Channel) -> auth_grpc.AuthServiceStub:
    return auth_grpc.AuthServiceStub(channel)


@pytest.fixture
def profiles(channel: grpc.aio.Channel) -> profile_grpc.ProfileServiceStub:
    return profile_grpc.ProfileServiceStub(channel)


@dataclass
class Account:
    email: str
    access_token: str
    refresh_token: str
    user: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def md(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.access_token}"),)


Register = Callable[..., Awaitable[Account]]


@pytest.fixture
def register(auth: auth_grpc.AuthServiceStub) -> Register:
    async def make(email: str | None = None, password: str = PASSWORD) -> Account:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        r = await auth.Register(auth_pb.RegisterRequest(email=email, password=password))
        return Account(email, r.access_token, r.refresh_token, r.user)

    return make


@pytest.fixture
async def alice(register: Register) -> Account:
    return await register()


@pytest.fixture
async def bob(register: Register) -> Account:
    return await register()
