"""A stopped service fails fast and recovers; reads are retried on UNAVAILABLE, writes never are."""

from __future__ import annotations

import asyncio
import time

import grpc
import httpx
import pytest

from jobmesh.job.v1 import job_service_pb2 as job_pb2
from jobmesh.job.v1 import job_service_pb2_grpc as job_grpc
from tests.integration.envoy.conftest import StartMesh


async def _get_job(stub: job_grpc.JobServiceStub) -> tuple[grpc.StatusCode, float]:
    started = time.monotonic()
    try:
        await stub.GetJob(job_pb2.GetJobRequest(name="jobs/x"), timeout=5)
        code = grpc.StatusCode.OK
    except grpc.aio.AioRpcError as err:
        code = err.code()
    return code, time.monotonic() - started


async def test_stopped_service_fails_fast_then_recovers_on_the_same_port(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    job = mesh.backends["job"]
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        stub = job_grpc.JobServiceStub(channel)
        assert (await _get_job(stub))[0] == grpc.StatusCode.OK

        await job.stop()
        await mesh.wait_health("job", healthy=False, within=5)
        for _ in range(5):
            code, took = await _get_job(stub)
            assert code == grpc.StatusCode.UNAVAILABLE
            assert took < 1.0
        # The other services are untouched.
        assert "profile::" in await mesh.clusters()
        await mesh.wait_health("profile", healthy=True, within=1)

        await job.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        code = grpc.StatusCode.UNAVAILABLE
        while code != grpc.StatusCode.OK and loop.time() < deadline:
            await asyncio.sleep(0.2)
            code, _ = await _get_job(stub)
        assert code == grpc.StatusCode.OK


async def test_a_read_is_retried_after_unavailable(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    calls = mesh.backends["job"].calls
    calls.fail_next["GetJob"] = 1
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        reply = await job_grpc.JobServiceStub(channel).GetJob(job_pb2.GetJobRequest(name="jobs/x"), timeout=5)
    assert reply.job.name == "jobs/x"
    assert calls.count["GetJob"] == 2


async def test_a_read_gives_up_after_two_retries(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    calls = mesh.backends["job"].calls
    calls.fail_next["GetJob"] = 5
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await job_grpc.JobServiceStub(channel).GetJob(job_pb2.GetJobRequest(name="jobs/x"), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert calls.count["GetJob"] == 3


async def test_a_write_is_not_retried(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    calls = mesh.backends["job"].calls
    calls.fail_next["CreateJob"] = 1
    async with grpc.aio.insecure_channel(mesh.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await job_grpc.JobServiceStub(channel).CreateJob(job_pb2.CreateJobRequest(), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert err.value.details() == "injected"
    assert calls.count["CreateJob"] == 1


async def test_rest_get_is_retried_on_503_but_a_post_is_not(start_mesh: StartMesh) -> None:
    mesh = await start_mesh()
    async with httpx.AsyncClient(base_url=f"http://{mesh.address}", trust_env=False) as client:
        mesh.gateway.fail_next = 1
        assert (await client.get("/v1/jobs")).status_code == 200
        assert [c[:2] for c in mesh.gateway.calls] == [("GET", "/v1/jobs")] * 2

        mesh.gateway.calls.clear()
        mesh.gateway.fail_next = 1
        assert (await client.post("/v1/jobs", json={})).status_code == 503
        assert [c[:2] for c in mesh.gateway.calls] == [("POST", "/v1/jobs")]
