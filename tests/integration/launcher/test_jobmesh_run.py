"""`jobmesh run` end to end: embedded PostgreSQL and Valkey, every service, gateway and Envoy.

Runs the real console script with a temporary JOBMESH_HOME and free ports, waits for `ready`,
talks to each service through Envoy, then SIGTERMs it and checks that nothing is left running.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.launcher.plan import module_exists, present_services
from tests.e2e.stack import platform_env

JOBMESH = Path(sys.executable).parent / "jobmesh"

# One unauthenticated read per service: UNAUTHENTICATED proves the call reached the service.
PROBES = {
    "profile": (
        "jobmesh.profile.v1.profile_service_pb2",
        "ListProfilesRequest",
        "ProfileService",
        "ListProfiles",
    ),
    "job": ("jobmesh.job.v1.job_service_pb2", "ListJobsRequest", "JobService", "ListJobs"),
    "application": (
        "jobmesh.application.v1.application_service_pb2",
        "ListApplicationsRequest",
        "ApplicationService",
        "ListApplications",
    ),
    "automation": (
        "jobmesh.automation.v1.automation_service_pb2",
        "ListAdaptersRequest",
        "AutomationService",
        "ListAdapters",
    ),
}


@dataclass
class Launched:
    process: asyncio.subprocess.Process
    lines: list[str]
    env: dict[str, str]
    home: Path
    reader: asyncio.Task[None]

    @property
    def port(self) -> int:
        return int(self.env["JOBMESH_PORT"])


def _processes_of(home: Path) -> list[int]:
    """Processes whose command line or environment mentions `home`."""
    needle = str(home).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            mentions = (
                needle in (entry / "cmdline").read_bytes() or needle in (entry / "environ").read_bytes()
            )
            zombie = (entry / "stat").read_text().split(") ", 1)[1].startswith("Z")
        except OSError:
            continue
        if mentions and not zombie:
            found.append(int(entry.name))
    return found


@pytest.fixture
async def launched(tmp_path: Path) -> AsyncIterator[Launched]:
    home = tmp_path / "home"
    env = platform_env(home, allowed_hosts=(), workers=1)
    process = await asyncio.create_subprocess_exec(
        str(JOBMESH), "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    lines: list[str] = []

    async def read() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            lines.append(raw.decode(errors="replace").rstrip())

    launched = Launched(process, lines, env, home, asyncio.create_task(read()))
    yield launched
    if process.returncode is None:
        process.kill()
        await process.wait()
    await launched.reader
    for pid in _processes_of(home):
        os.kill(pid, signal.SIGKILL)


def _supervisor_said(line: str, text: str) -> bool:
    return re.fullmatch(rf"\[jobmesh\] +{re.escape(text)}", line) is not None


async def _wait_for_line(launched: Launched, text: str, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not any(_supervisor_said(line, text) for line in launched.lines):
        if launched.process.returncode is not None or loop.time() > deadline:
            tail = "\n".join(launched.lines[-40:])
            raise AssertionError(f"no {text!r} line (exit {launched.process.returncode}):\n{tail}")
        await asyncio.sleep(0.2)


async def _reaches(channel: grpc.aio.Channel, service: str) -> grpc.StatusCode:
    module_name, request_name, service_name, method = PROBES[service]
    module = __import__(module_name, fromlist=[request_name])
    package = module_name.rsplit(".", 1)[0]
    call = channel.unary_unary(
        f"/{package}.{service_name}/{method}",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=lambda b: b,
    )
    try:
        await call(getattr(module, request_name)(), timeout=5)
    except grpc.aio.AioRpcError as err:
        return err.code()
    return grpc.StatusCode.OK


async def test_jobmesh_run_serves_everything_through_envoy_and_stops_cleanly(launched: Launched) -> None:
    await _wait_for_line(launched, "ready", within=100)
    services = present_services()
    assert {"profile", "job", "application"} <= set(services)
    table = "\n".join(launched.lines)
    assert f"http://127.0.0.1:{launched.port}  REST, gRPC, gRPC-Web" in table
    assert f"postgresql://postgres@127.0.0.1:{launched.env['JOBMESH_POSTGRES_PORT']}/postgres" in table

    async with grpc.aio.insecure_channel(f"127.0.0.1:{launched.port}") as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        for service in services:
            assert await _reaches(channel, service) == grpc.StatusCode.UNAUTHENTICATED, service

    async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
        clusters = (await client.get(f"http://127.0.0.1:{launched.env['JOBMESH_ADMIN_PORT']}/clusters")).text
        for service in services:
            assert (
                f"{service}::127.0.0.1:{launched.env[f'JOBMESH_{service.upper()}_PORT']}::health_flags::healthy"
                in clusters
            )
        if module_exists("gateway.__main__"):
            response = await client.get(f"http://127.0.0.1:{launched.port}/healthz")
            assert response.status_code == 200, response.text
            assert response.headers["x-request-id"]

    children = _processes_of(launched.home)
    assert len(children) >= len(services) + 3  # services, Envoy, PostgreSQL, Valkey (and more)

    launched.process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(launched.process.wait(), 20) == 0
    await asyncio.sleep(0.2)
    assert _processes_of(launched.home) == []
    assert _supervisor_said(launched.lines[-1], "stopped")
