"""CreateJob, BatchCreateJobs, GetJob and DeleteJob against a real Job service and PostgreSQL."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from tests.integration.job.conftest import User
from tests.integration.job.helpers import job, reason, violations


async def test_create_then_get_returns_the_stored_posting(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    posting = job(
        "Staff Engineer",
        "Globex",
        location="Berlin, Germany",
        description="<p>Hello <script>alert(1)</script><b>world</b></p>",
        workplace_type=pb.WORKPLACE_TYPE_REMOTE,
        salary=pb.SalaryRange(min=100000, max=150000, currency="eur", interval="YEAR"),
        questions=[pb.Question(id="q1", label="Why us?", type=pb.QUESTION_TYPE_TEXTAREA, required=True)],
    )
    created = (await stub.CreateJob(pb.CreateJobRequest(job=posting), metadata=user_a.metadata)).job
    assert created.name.startswith("jobs/")
    assert created.ats == pb.ATS_GENERIC and created.board == ""
    assert len(created.external_id) == 32  # derived from the apply URL
    assert created.state == pb.JOB_STATE_OPEN
    assert "<script>" not in created.description and "<b>world</b>" in created.description
    assert "world" in created.description_text and "alert" not in created.description_text
    assert created.remote is True
    assert created.salary.currency == "EUR" and created.salary.max == 150000
    assert created.questions[0].type == pb.QUESTION_TYPE_TEXTAREA
    fetched = (await stub.GetJob(pb.GetJobRequest(name=created.name), metadata=user_a.metadata)).job
    assert fetched == created


async def test_any_signed_in_user_reads_the_catalog_but_anonymous_callers_do_not(
    stub: pb_grpc.JobServiceStub, user_a: User, user_b: User
) -> None:
    created = (await stub.CreateJob(pb.CreateJobRequest(job=job()), metadata=user_a.metadata)).job
    seen_by_b = (await stub.GetJob(pb.GetJobRequest(name=created.name), metadata=user_b.metadata)).job
    assert seen_by_b.title == "Backend Engineer"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetJob(pb.GetJobRequest(name=created.name))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_create_names_every_bad_field(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    bad = pb.Job(apply_url="javascript:alert(1)", salary=pb.SalaryRange(min=10, max=5, currency="dollars"))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJob(pb.CreateJobRequest(job=bad), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(err.value)) == {
        "job.company",
        "job.title",
        "job.apply_url",
        "job.salary.max",
        "job.salary.currency",
    }
    listed = await stub.ListJobs(pb.ListJobsRequest(), metadata=user_a.metadata)
    assert list(listed.jobs) == []


async def test_same_posting_twice_is_stored_once(
    stub: pb_grpc.JobServiceStub, user_a: User, user_b: User
) -> None:
    posting = job(ats=pb.ATS_GREENHOUSE, board="acme", external_id="123")
    first = (await stub.CreateJob(pb.CreateJobRequest(job=posting), metadata=user_a.metadata)).job
    changed = job("Vandalised title", ats=pb.ATS_GREENHOUSE, board="acme", external_id="123")
    second = (await stub.CreateJob(pb.CreateJobRequest(job=changed), metadata=user_b.metadata)).job
    assert second.name == first.name
    assert second.title == "Backend Engineer"  # another caller cannot rewrite a stored posting


async def test_request_id_makes_create_idempotent_under_concurrency(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    request = pb.CreateJobRequest(job=job("Data Engineer"), request_id="req-1")
    answers = await asyncio.gather(*(stub.CreateJob(request, metadata=user_a.metadata) for _ in range(50)))
    assert len({a.job.name for a in answers}) == 1
    other = pb.CreateJobRequest(job=job("Something else"), request_id="req-1")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJob(other, metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert reason(err.value) == "REQUEST_ID_REUSED"
    listed = await stub.ListJobs(pb.ListJobsRequest(), metadata=user_a.metadata)
    assert [j.title for j in listed.jobs] == ["Data Engineer"]


async def test_batch_create_dedupes_and_keeps_request_order(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    existing = (await stub.CreateJob(pb.CreateJobRequest(job=job("Existing")), metadata=user_a.metadata)).job
    requests = [
        pb.CreateJobRequest(job=job(f"Role {i}", ats=pb.ATS_LEVER, board="acme", external_id=str(i % 3)))
        for i in range(6)
    ]
    requests.append(pb.CreateJobRequest(job=job("Existing")))
    answer = await stub.BatchCreateJobs(
        pb.BatchCreateJobsRequest(requests=requests), metadata=user_a.metadata
    )
    names = [j.name for j in answer.jobs]
    assert len(names) == 7
    assert names[0] == names[3] and names[1] == names[4] and names[2] == names[5]
    assert len(set(names[:3])) == 3
    assert names[6] == existing.name
    assert [j.title for j in answer.jobs[:3]] == ["Role 0", "Role 1", "Role 2"]


async def test_batch_create_is_all_or_nothing(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    requests = [pb.CreateJobRequest(job=job(f"Role {i}")) for i in range(3)]
    requests.insert(1, pb.CreateJobRequest(job=pb.Job(company="Acme", apply_url="ftp://x")))
    requests.append(pb.CreateJobRequest())
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.BatchCreateJobs(pb.BatchCreateJobsRequest(requests=requests), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(err.value)) == {
        "requests[1].job.title",
        "requests[1].job.apply_url",
        "requests[4].job",
    }
    too_many = [pb.CreateJobRequest(job=job(f"R{i}")) for i in range(1001)]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.BatchCreateJobs(pb.BatchCreateJobsRequest(requests=too_many), metadata=user_a.metadata)
    assert "requests" in violations(err.value)
    listed = await stub.ListJobs(pb.ListJobsRequest(), metadata=user_a.metadata)
    assert list(listed.jobs) == []


async def test_batch_of_a_thousand(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    requests = [pb.CreateJobRequest(job=job(f"Role {i}", location=f"City {i % 7}")) for i in range(1000)]
    batch = pb.BatchCreateJobsRequest(requests=requests, request_id="big")
    first = await stub.BatchCreateJobs(batch, metadata=user_a.metadata)
    again = await stub.BatchCreateJobs(batch, metadata=user_a.metadata)
    assert [j.name for j in first.jobs] == [j.name for j in again.jobs]
    assert len(set(j.name for j in first.jobs)) == 1000


async def test_get_with_bad_or_unknown_names(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    for name in ("", "jobs/", "jobs/not-a-uuid", "sources/3f1c3f2e-2f0e-4f59-9a4e-1a2b3c4d5e6f", "jobs/a/b"):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetJob(pb.GetJobRequest(name=name), metadata=user_a.metadata)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, name
        assert "name" in violations(err.value)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetJob(
            pb.GetJobRequest(name="jobs/3f1c3f2e-2f0e-4f59-9a4e-1a2b3c4d5e6f"), metadata=user_a.metadata
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_only_the_creator_deletes_a_hand_made_job(
    stub: pb_grpc.JobServiceStub, user_a: User, user_b: User
) -> None:
    created = (await stub.CreateJob(pb.CreateJobRequest(job=job()), metadata=user_a.metadata)).job
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.DeleteJob(pb.DeleteJobRequest(name=created.name), metadata=user_b.metadata)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    await stub.DeleteJob(pb.DeleteJobRequest(name=created.name), metadata=user_a.metadata)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetJob(pb.GetJobRequest(name=created.name), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.DeleteJob(pb.DeleteJobRequest(name=created.name), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
