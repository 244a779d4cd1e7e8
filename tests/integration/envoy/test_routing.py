"""Envoy routes gRPC, gRPC-Web and CORS preflights to the right service, and logs each call as JSON."""

from __future__ import annotations

import asyncio
import json
import struct

import grpc
import httpx

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
from tests.integration.envoy.conftest import StartMesh


async def test_each_service_is_reached_over_grpc_through_one_port(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        profile = await profile_grpc.ProfileServiceStub(channel).GetProfile(
            profile_pb2.GetProfileRequest(name="profiles/p1"), timeout=5
        )
        login = await auth_grpc.AuthServiceStub(channel).Login(auth_pb2.LoginRequest(), timeout=5)
        job = await job_grpc.JobServiceStub(channel).GetJob(job_pb2.GetJobRequest(name="jobs/x"), timeout=5)
        application = await app_grpc.ApplicationServiceStub(channel).GetApplication(
            app_pb2.GetApplicationRequest(name="applications/x"), timeout=5
        )
        adapters = await automation_grpc.AutomationServiceStub(channel).ListAdapters(
            automation_pb2.ListAdaptersRequest(), timeout=5
        )
    assert profile.profile.name == "profiles/p1"
    assert login.user == "users/x"
    assert job.job.name == "jobs/x"
    assert application.application.name == "applications/x"
    assert [a.name for a in adapters.adapters] == ["adapters/greenhouse"]
    assert mesh.backends["profile"].calls.count == {"GetProfile": 1, "Login": 1}
    assert mesh.backends["job"].calls.count == {"GetJob": 1}


async def test_caller_request_id_is_kept_and_one_is_made_when_missing(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    calls = mesh.backends["job"].calls
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        stub = job_grpc.JobServiceStub(channel)
        call = stub.GetJob(job_pb2.GetJobRequest(name="jobs/x"), metadata=[("x-request-id", "req-123")])
        await call
        assert calls.metadata["x-request-id"] == "req-123"
        assert dict(await call.initial_metadata())["x-request-id"] == "req-123"
        await stub.GetJob(job_pb2.GetJobRequest(name="jobs/x"))
        generated = calls.metadata["x-request-id"]
    assert generated and generated != "req-123"

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    entries: list[dict[str, str]] = []
    while loop.time() < deadline and not any(e.get("request_id") == "req-123" for e in entries):
        await asyncio.sleep(0.2)
        lines = mesh.log.read_text().splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
    logged = next(e for e in entries if e.get("request_id") == "req-123")
    assert logged["path"] == "/jobmesh.job.v1.JobService/GetJob"
    assert str(logged["grpc_status"]) == "0"
    assert logged["upstream_cluster"] == "job"


def _grpc_web_frame(message: bytes) -> bytes:
    return b"\x00" + struct.pack(">I", len(message)) + message


def _grpc_web_frames(body: bytes) -> tuple[list[bytes], dict[str, str]]:
    messages, trailers, offset = [], {}, 0
    while offset < len(body):
        flag, length = body[offset], struct.unpack(">I", body[offset + 1 : offset + 5])[0]
        payload = body[offset + 5 : offset + 5 + length]
        offset += 5 + length
        if flag & 0x80:
            for line in payload.decode().split("\r\n"):
                if line:
                    key, _, value = line.partition(":")
                    trailers[key.strip().lower()] = value.strip()
        else:
            messages.append(payload)
    return messages, trailers


async def test_grpc_web_call_over_http1(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    request = job_pb2.GetJobRequest(name="jobs/x").SerializeToString()
    async with httpx.AsyncClient(base_url=f"http://{mesh.address}", trust_env=False) as client:
        response = await client.post(
            "/jobmesh.job.v1.JobService/GetJob",
            content=_grpc_web_frame(request),
            headers={
                "content-type": "application/grpc-web+proto",
                "x-grpc-web": "1",
                "origin": "https://app.example",
            },
        )
    assert response.status_code == 200
    assert response.http_version == "HTTP/1.1"
    assert response.headers["content-type"].startswith("application/grpc-web")
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    messages, trailers = _grpc_web_frames(response.content)
    assert trailers["grpc-status"] == "0"
    assert job_pb2.GetJobResponse.FromString(messages[0]).job.name == "jobs/x"


async def test_cors_preflight_allows_grpc_web_and_exposes_status(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    async with httpx.AsyncClient(base_url=f"http://{mesh.address}", trust_env=False) as client:
        response = await client.options(
            "/jobmesh.job.v1.JobService/GetJob",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type,x-grpc-web,authorization",
            },
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "x-grpc-web" in response.headers["access-control-allow-headers"]
    assert mesh.backends["job"].calls.count == {}


async def test_configured_cors_origins_exclude_others(start_mesh: StartMesh) -> None:
    mesh = await start_mesh(cors_origins=("https://allowed.example",))
    async with httpx.AsyncClient(base_url=f"http://{mesh.address}", trust_env=False) as client:
        headers = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
        allowed = await client.options("/x", headers={"origin": "https://allowed.example", **headers})
        other = await client.options("/x", headers={"origin": "https://evil.example", **headers})
    assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
    assert "access-control-allow-origin" not in other.headers


async def test_excess_requests_are_rate_limited(start_mesh: StartMesh) -> None:
    mesh = await start_mesh(rate_limit_rps=3)
    codes = []
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        stub = job_grpc.JobServiceStub(channel)
        for _ in range(6):
            try:
                await stub.GetJob(job_pb2.GetJobRequest(name="jobs/x"), timeout=5)
                codes.append(grpc.StatusCode.OK)
            except grpc.aio.AioRpcError as err:
                codes.append(err.code())
    assert codes.count(grpc.StatusCode.OK) <= 3
    assert grpc.StatusCode.RESOURCE_EXHAUSTED in codes


async def test_rest_paths_reach_the_gateway_over_http1_with_a_request_id(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    async with httpx.AsyncClient(base_url=f"http://{mesh.address}", trust_env=False) as client:
        for path in ("/healthz", "/v1/jobs?page_size=2", "/openapi.json", "/"):
            response = await client.get(path)
            assert response.status_code == 200
            assert response.json() == {"path": path}
            assert response.headers["x-request-id"]
    method, path, headers = mesh.gateway.calls[0]
    assert (method, path) == ("GET", "/healthz")
    assert headers["x-request-id"]
    assert mesh.backends["profile"].calls.count == {}
