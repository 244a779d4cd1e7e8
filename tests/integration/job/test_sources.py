"""Job source CRUD: validation, idempotency, uniqueness and tenancy."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from tests.integration.job.conftest import User
from tests.integration.job.helpers import reason, violations


def source(board: str = "vercel", kind: int = pb.ATS_GREENHOUSE, **fields: object) -> pb.JobSource:
    return pb.JobSource(kind=kind, board=board, **fields)  # type: ignore[arg-type]


async def test_create_get_list_delete(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    created = (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=source()), metadata=user_a.metadata)
    ).source
    assert created.name.startswith("sources/")
    assert created.display_name == "vercel" and created.sync_interval_minutes == 60
    assert created.job_count == 0 and not created.HasField("last_sync_time")
    got = (
        await stub.GetJobSource(pb.GetJobSourceRequest(name=created.name), metadata=user_a.metadata)
    ).source
    assert got == created
    second = (
        await stub.CreateJobSource(
            pb.CreateJobSourceRequest(source=source("voltus", pb.ATS_LEVER, display_name="Voltus jobs")),
            metadata=user_a.metadata,
        )
    ).source
    page = await stub.ListJobSources(pb.ListJobSourcesRequest(page_size=1), metadata=user_a.metadata)
    assert [s.name for s in page.sources] == [created.name]
    rest = await stub.ListJobSources(
        pb.ListJobSourcesRequest(page_size=1, page_token=page.next_page_token), metadata=user_a.metadata
    )
    assert [s.name for s in rest.sources] == [second.name] and rest.next_page_token == ""
    await stub.DeleteJobSource(pb.DeleteJobSourceRequest(name=created.name), metadata=user_a.metadata)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetJobSource(pb.GetJobSourceRequest(name=created.name), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_validation_names_every_field(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    bad = pb.JobSource(
        kind=pb.ATS_GENERIC,
        board="-bad token",
        base_url="http://169.254.169.254/latest",
        sync_interval_minutes=-1,
    )
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=bad), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(err.value)) == {
        "source.kind",
        "source.board",
        "source.base_url",
        "source.sync_interval_minutes",
    }
    for base_url in (
        "https://evil.example.test",
        "http://api.lever.co",
        "ftp://127.0.0.1/x",
        "https://u:p@127.0.0.1",
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.CreateJobSource(
                pb.CreateJobSourceRequest(source=source(base_url=base_url)), metadata=user_a.metadata
            )
        assert list(violations(err.value)) == ["source.base_url"], base_url
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJobSource(
            pb.CreateJobSourceRequest(source=source(kind=pb.ATS_UNSPECIFIED)), metadata=user_a.metadata
        )
    assert list(violations(err.value)) == ["source.kind"]
    allowed = source(base_url="http://127.0.0.1:9/")
    created = (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=allowed), metadata=user_a.metadata)
    ).source
    assert created.base_url == "http://127.0.0.1:9"
    public = source(base_url="https://boards-api.greenhouse.io")
    assert (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=public), metadata=user_a.metadata)
    ).source


async def test_same_board_twice_names_the_existing_source(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    first = (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=source()), metadata=user_a.metadata)
    ).source
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=source()), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert first.name in (err.value.details() or "")


async def test_request_id_is_idempotent_under_concurrency(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    request = pb.CreateJobSourceRequest(source=source(), request_id="r-1")
    answers = await asyncio.gather(
        *(stub.CreateJobSource(request, metadata=user_a.metadata) for _ in range(50))
    )
    assert len({a.source.name for a in answers}) == 1
    reused = pb.CreateJobSourceRequest(source=source("other"), request_id="r-1")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CreateJobSource(reused, metadata=user_a.metadata)
    assert reason(err.value) == "REQUEST_ID_REUSED"
    listed = await stub.ListJobSources(pb.ListJobSourcesRequest(), metadata=user_a.metadata)
    assert len(listed.sources) == 1


async def test_another_users_source_is_not_found_everywhere(
    stub: pb_grpc.JobServiceStub, user_a: User, user_b: User
) -> None:
    mine = (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=source()), metadata=user_a.metadata)
    ).source
    calls = [
        stub.GetJobSource(pb.GetJobSourceRequest(name=mine.name), metadata=user_b.metadata),
        stub.DeleteJobSource(pb.DeleteJobSourceRequest(name=mine.name), metadata=user_b.metadata),
        stub.SyncJobSource(pb.SyncJobSourceRequest(name=mine.name), metadata=user_b.metadata),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert (
        list((await stub.ListJobSources(pb.ListJobSourcesRequest(), metadata=user_b.metadata)).sources) == []
    )
    # B may subscribe to the same board: sources are per user.
    assert (
        await stub.CreateJobSource(pb.CreateJobSourceRequest(source=source()), metadata=user_b.metadata)
    ).source
    still = await stub.GetJobSource(pb.GetJobSourceRequest(name=mine.name), metadata=user_a.metadata)
    assert still.source.name == mine.name
