"""One grpc.aio server hosting the five services, listed through reflection."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.automation.v1 import automation_service_pb2_grpc as automation_grpc
from jobmesh.job.v1 import job_service_pb2, job_service_pb2_grpc
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.descriptors import SERVICES
from services.common.server import create_server

BUF = Path(__file__).resolve().parents[2] / ".tools" / "node_modules" / ".bin" / "buf"


def _register(server: grpc.aio.Server) -> None:
    auth_grpc.add_AuthServiceServicer_to_server(auth_grpc.AuthServiceServicer(), server)
    profile_grpc.add_ProfileServiceServicer_to_server(profile_grpc.ProfileServiceServicer(), server)
    job_service_pb2_grpc.add_JobServiceServicer_to_server(job_service_pb2_grpc.JobServiceServicer(), server)
    app_grpc.add_ApplicationServiceServicer_to_server(app_grpc.ApplicationServiceServicer(), server)
    automation_grpc.add_AutomationServiceServicer_to_server(
        automation_grpc.AutomationServiceServicer(), server
    )


@pytest.fixture
async def smoke_port() -> AsyncIterator[int]:
    server, port, health = create_server(_register, SERVICES)
    await server.start()
    await health.set_serving(True)
    yield port
    await server.stop(None)


async def test_reflection_lists_the_five_services_and_health(smoke_port: int) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{smoke_port}") as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        names: set[str] = set()
        async for response in stub.ServerReflectionInfo(iter([request])):
            names |= {s.name for s in response.list_services_response.service}
        assert set(SERVICES) | {"grpc.health.v1.Health"} <= names

        status = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
        assert status.status == health_pb2.HealthCheckResponse.SERVING


async def test_unimplemented_rpc_answers_unimplemented(smoke_port: int) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{smoke_port}") as channel:
        stub = job_service_pb2_grpc.JobServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetJob(job_service_pb2.GetJobRequest(name="jobs/1"))
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


async def test_buf_curl_lists_services(smoke_port: int) -> None:
    proc = await asyncio.create_subprocess_exec(
        str(BUF),
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "--list-services",
        f"http://127.0.0.1:{smoke_port}",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    listed = set(out.decode().split())
    assert set(SERVICES) | {"grpc.health.v1.Health"} <= listed, json.dumps(sorted(listed))
