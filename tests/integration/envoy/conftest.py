"""Envoy in front of small real gRPC servers: one per cluster, on loopback ports, per test.

The backends implement the generated base servicers and answer one RPC each with a canned
response, counting calls, so tests see what Envoy forwarded (and how often).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb2
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2 as auth_pb2
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.automation.v1 import automation_service_pb2 as automation_pb2
from jobmesh.automation.v1 import automation_service_pb2_grpc as automation_grpc
from jobmesh.job.v1 import job_service_pb2 as job_pb2
from jobmesh.job.v1 import job_service_pb2_grpc as job_grpc
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb2
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.embedded import free_port
from services.common.server import Health, create_server
from services.common.settings import Settings
from services.launcher.envoy import envoy_command, write_envoy_config


@dataclass
class Calls:
    """What a backend saw: calls per method, metadata of the last call, failures still to inject."""

    count: Counter[str] = field(default_factory=Counter)
    metadata: dict[str, str] = field(default_factory=dict)
    fail_next: Counter[str] = field(default_factory=Counter)

    async def record(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.count[method] += 1
        self.metadata = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
        if self.fail_next[method] > 0:
            self.fail_next[method] -= 1
            await context.abort(grpc.StatusCode.UNAVAILABLE, "injected")


class Profile(profile_grpc.ProfileServiceServicer):
    def __init__(self, calls: Calls):
        self.calls = calls

    async def GetProfile(self, request: Any, context: Any) -> Any:
        await self.calls.record("GetProfile", context)
        return profile_pb2.GetProfileResponse(profile=profile_pb2.Profile(name=request.name))


class Auth(auth_grpc.AuthServiceServicer):
    def __init__(self, calls: Calls):
        self.calls = calls

    async def Login(self, request: Any, context: Any) -> Any:
        await self.calls.record("Login", context)
        return auth_pb2.LoginResponse(user="users/x", token_type="Bearer")


class Job(job_grpc.JobServiceServicer):
    def __init__(self, calls: Calls):
        self.calls = calls

    async def GetJob(self, request: Any, context: Any) -> Any:
        await self.calls.record("GetJob", context)
        return job_pb2.GetJobResponse(job=job_pb2.Job(name="jobs/x"))

    async def CreateJob(self, request: Any, context: Any) -> Any:
        await self.calls.record("CreateJob", context)
        return job_pb2.CreateJobResponse(job=job_pb2.Job(name="jobs/new"))


class Application(app_grpc.ApplicationServiceServicer):
    def __init__(self, calls: Calls):
        self.calls = calls

    async def GetApplication(self, request: Any, context: Any) -> Any:
        await self.calls.record("GetApplication", context)
        return app_pb2.GetApplicationResponse(application=app_pb2.Application(name="applications/x"))


class Automation(automation_grpc.AutomationServiceServicer):
    def __init__(self, calls: Calls):
        self.calls = calls

    async def ListAdapters(self, request: Any, context: Any) -> Any:
        await self.calls.record("ListAdapters", context)
        return automation_pb2.ListAdaptersResponse(
            adapters=[automation_pb2.Adapter(name="adapters/greenhouse")]
        )


def _registrar(cluster: str, calls: Calls) -> tuple[Callable[[grpc.aio.Server], None], tuple[str, ...]]:
    def register(server: grpc.aio.Server) -> None:
        if cluster == "profile":
            profile_grpc.add_ProfileServiceServicer_to_server(Profile(calls), server)
            auth_grpc.add_AuthServiceServicer_to_server(Auth(calls), server)
        elif cluster == "job":
            job_grpc.add_JobServiceServicer_to_server(Job(calls), server)
        elif cluster == "application":
            app_grpc.add_ApplicationServiceServicer_to_server(Application(calls), server)
        else:
            automation_grpc.add_AutomationServiceServicer_to_server(Automation(calls), server)

    names = {
        "profile": ("jobmesh.profile.v1.ProfileService", "jobmesh.auth.v1.AuthService"),
        "job": ("jobmesh.job.v1.JobService",),
        "application": ("jobmesh.application.v1.ApplicationService",),
        "automation": ("jobmesh.automation.v1.AutomationService",),
    }[cluster]
    return register, names


@dataclass
class Backend:
    """A real grpc.aio server for one cluster, restartable on the same port."""

    cluster: str
    calls: Calls = field(default_factory=Calls)
    port: int = 0
    server: grpc.aio.Server | None = None
    health: Health | None = None

    async def start(self) -> int:
        register, names = _registrar(self.cluster, self.calls)
        self.server, self.port, self.health = create_server(register, names, port=self.port)
        await self.server.start()
        await self.health.set_serving(True)
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop(None)
            self.server = None


@dataclass
class RestBackend:
    """A minimal HTTP/1.1 server standing in for the REST gateway: answers 200 with the path it saw,
    or 503 for the next `fail_next` requests."""

    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_next: int = 0
    server: asyncio.Server | None = None
    port: int = 0
    connections: set[asyncio.StreamWriter] = field(default_factory=set)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.add(writer)
        try:
            while request_line := await reader.readline():
                method, path, _ = request_line.decode().split(" ", 2)
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    key, _, value = line.decode().partition(":")
                    headers[key.strip().lower()] = value.strip()
                await reader.readexactly(int(headers.get("content-length", "0")))
                self.calls.append((method, path, headers))
                status = "200 OK"
                if self.fail_next > 0:
                    self.fail_next -= 1
                    status = "503 Service Unavailable"
                body = json.dumps({"path": path}).encode()
                head = f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
                writer.write(head.encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            for writer in list(self.connections):
                writer.close()
            await self.server.wait_closed()


@dataclass
class Mesh:
    """Envoy on `port` in front of `backends`; `admin` is its admin address."""

    settings: Settings
    backends: dict[str, Backend]
    gateway: RestBackend
    process: asyncio.subprocess.Process
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.settings.port}"

    async def clusters(self) -> str:
        async with httpx.AsyncClient(trust_env=False) as client:
            return (await client.get(f"http://127.0.0.1:{self.settings.admin_port}/clusters")).text

    async def wait_health(self, cluster: str, healthy: bool, within: float = 10.0) -> None:
        """Until Envoy's active health check sees `cluster`'s host as healthy (or not)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            flags = [line for line in (await self.clusters()).splitlines() if line.startswith(f"{cluster}::")]
            state = [line.rsplit("::", 1)[1] for line in flags if "::health_flags::" in line]
            if state and (state[0] == "healthy") == healthy:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{cluster} not {'healthy' if healthy else 'unhealthy'} in {within}s")


async def _wait_ready(admin_port: int, process: asyncio.subprocess.Process, within: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with httpx.AsyncClient(trust_env=False, timeout=1.0) as client:
        while loop.time() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"envoy exited with {process.returncode}")
            try:
                if (await client.get(f"http://127.0.0.1:{admin_port}/ready")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("envoy not ready")


StartMesh = Callable[..., Awaitable[Mesh]]


@pytest.fixture
async def start_mesh(tmp_path: Path) -> AsyncIterator[StartMesh]:
    """Starts the four gRPC backends and Envoy in front of them; everything stops after the test."""
    started: list[Mesh] = []

    async def start(**settings_changes: Any) -> Mesh:
        backends = {name: Backend(name) for name in ("profile", "job", "application", "automation")}
        ports = {f"{name}_port": await b.start() for name, b in backends.items()}
        gateway = RestBackend()
        settings = Settings(
            home=tmp_path,
            port=free_port(),
            admin_port=free_port(),
            gateway_port=await gateway.start(),
            **ports,
        ).with_(**settings_changes)
        config = write_envoy_config(settings, tmp_path / f"envoy-{settings.port}.yaml")
        log = tmp_path / f"envoy-{settings.port}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                *envoy_command(config, base_id=random.randint(1000, 1_000_000)),
                stdout=out,
                stderr=out,
            )
        mesh = Mesh(settings, backends, gateway, process, log)
        started.append(mesh)
        await _wait_ready(settings.admin_port, process)
        for name in [*backends, "gateway"]:
            await mesh.wait_health(name, healthy=True)
        return mesh

    yield start
    for mesh in started:
        if mesh.process.returncode is None:
            mesh.process.terminate()
            await mesh.process.wait()
        for backend in mesh.backends.values():
            await backend.stop()
        await mesh.gateway.stop()
