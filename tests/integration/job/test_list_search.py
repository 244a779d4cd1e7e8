"""ListJobs (filter, order, keyset pages) and SearchJobs (ranking, filters, websearch syntax)."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf import timestamp_pb2

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from tests.integration.job.conftest import User
from tests.integration.job.helpers import job, violations


def _ts(year: int, month: int = 1) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(datetime(year, month, 1, tzinfo=UTC))
    return ts


async def _create(stub: pb_grpc.JobServiceStub, user: User, *jobs: pb.Job) -> list[pb.Job]:
    answer = await stub.BatchCreateJobs(
        pb.BatchCreateJobsRequest(requests=[pb.CreateJobRequest(job=j) for j in jobs]), metadata=user.metadata
    )
    return list(answer.jobs)


async def _list_all(stub: pb_grpc.JobServiceStub, user: User, **request: object) -> list[pb.Job]:
    out: list[pb.Job] = []
    token = ""
    while True:
        page = await stub.ListJobs(pb.ListJobsRequest(page_token=token, **request), metadata=user.metadata)  # type: ignore[arg-type]
        out.extend(page.jobs)
        token = page.next_page_token
        if not token:
            return out


async def test_filters_by_fields_and_enums(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    await _create(
        stub,
        user_a,
        job("A", "Vercel", ats=pb.ATS_GREENHOUSE, board="vercel", external_id="1", remote=True),
        job("B", "vercel", ats=pb.ATS_GREENHOUSE, board="vercel", external_id="2"),
        job("C", "Lever Co", ats=pb.ATS_LEVER, board="leverco", external_id="3", remote=True),
        job("D", "Hand Made"),
    )

    async def titles(filter_text: str) -> list[str]:
        return sorted(j.title for j in await _list_all(stub, user_a, filter=filter_text))

    assert await titles('company = "VERCEL"') == ["A", "B"]
    assert await titles("ats = GREENHOUSE AND remote = true") == ["A"]
    assert await titles("ats = ATS_LEVER") == ["C"]
    assert await titles('ats != ATS_GREENHOUSE AND board != "leverco"') == ["D"]
    assert await titles("ats = GENERIC") == ["D"]
    assert await titles("title = 'c'") == ["C"]
    assert await titles("state = OPEN") == ["A", "B", "C", "D"]
    assert await titles("state = JOB_STATE_CLOSED") == []


@pytest.mark.parametrize(
    "bad",
    [
        "salary = 3",
        'company = "x" OR title = "y"',
        "company =",
        'company "x"',
        "ats = MONSTER",
        "remote = yes",
        'source = "jobs/1"',
        '(company = "x")',
    ],
)
async def test_bad_filters_are_invalid_argument_on_filter(
    stub: pb_grpc.JobServiceStub, user_a: User, bad: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ListJobs(pb.ListJobsRequest(filter=bad), metadata=user_a.metadata)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(err.value)) == ["filter"]


async def test_order_by_and_bad_order_by(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    await _create(
        stub,
        user_a,
        job("b role", "Zeta", posted_time=_ts(2024, 3)),
        job("A role", "alpha", posted_time=_ts(2025, 1)),
        job("c role", "Mid", posted_time=_ts(2023, 6)),
    )
    assert [j.company for j in await _list_all(stub, user_a, order_by="company")] == ["alpha", "Mid", "Zeta"]
    assert [j.title for j in await _list_all(stub, user_a, order_by="title desc")] == [
        "c role",
        "b role",
        "A role",
    ]
    newest = await _list_all(stub, user_a, order_by="posted_time desc, title", page_size=1)
    assert [j.title for j in newest] == ["A role", "b role", "c role"]
    for bad in ("salary", "title sideways", "title, title"):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.ListJobs(pb.ListJobsRequest(order_by=bad), metadata=user_a.metadata)
        assert list(violations(err.value)) == ["order_by"]


async def test_pages_stay_correct_under_concurrent_inserts(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    await _create(stub, user_a, *(job(f"Role {i:02}") for i in range(25)))
    seen: list[str] = []
    token = ""
    round_ = 0
    while True:
        page = await stub.ListJobs(
            pb.ListJobsRequest(page_size=7, page_token=token), metadata=user_a.metadata
        )
        seen.extend(j.title for j in page.jobs)
        await _create(stub, user_a, job(f"Late {round_}"))  # lands after the cursor: no repeats, no gaps
        round_ += 1
        token = page.next_page_token
        if not token:
            break
    early = [t for t in seen if t.startswith("Role")]
    assert sorted(early) == [f"Role {i:02}" for i in range(25)]  # one batch shares create_time: id order
    assert len(seen) == len(set(seen))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ListJobs(
            pb.ListJobsRequest(page_size=7, page_token=token or "bm90LWEtdG9rZW4", order_by="title"),
            metadata=user_a.metadata,
        )
    assert list(violations(err.value)) == ["page_token"]


async def _search(stub: pb_grpc.JobServiceStub, user: User, **request: object) -> list[pb.Job]:
    out: list[pb.Job] = []
    token = ""
    while True:
        page = await stub.SearchJobs(
            pb.SearchJobsRequest(page_token=token, **request), metadata=user.metadata
        )  # type: ignore[arg-type]
        out.extend(page.jobs)
        token = page.next_page_token
        if not token:
            return out


async def test_title_match_ranks_above_description_match(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    await _create(
        stub,
        user_a,
        job("Office Manager", "Initech", description="<p>Support our kubernetes team with scheduling.</p>"),
        job("Kubernetes Engineer", "Hooli", description="<p>Run clusters.</p>"),
        job("Chef", "Cafe", description="<p>Cook lunch.</p>"),
    )
    found = await _search(stub, user_a, query="kubernetes")
    assert [j.title for j in found] == ["Kubernetes Engineer", "Office Manager"]


async def test_websearch_syntax(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    await _create(
        stub,
        user_a,
        job("Senior Data Engineer", "A"),
        job("Data Scientist", "B"),
        job("Senior Frontend Engineer", "C"),
        job("Engineer of Data", "D"),
    )
    assert {j.title for j in await _search(stub, user_a, query='"data engineer"')} == {"Senior Data Engineer"}
    assert {j.title for j in await _search(stub, user_a, query="engineer -frontend")} == {
        "Senior Data Engineer",
        "Engineer of Data",
    }
    assert {j.title for j in await _search(stub, user_a, query="scientist or frontend")} == {
        "Data Scientist",
        "Senior Frontend Engineer",
    }
    assert await _search(stub, user_a, query="the of") == []  # only stop words: nothing matches


async def test_search_filters(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    await _create(
        stub,
        user_a,
        job("Python Dev", "Acme", location="Berlin, Germany", posted_time=_ts(2025, 5)),
        job("Python Dev", "Other", location="Paris", locations=["Paris", "Remote - EU"], remote=True),
        job("Python Dev", "acme", location="100%_Remote", ats=pb.ATS_LEVER, board="acme", external_id="9",
            posted_time=_ts(2020)),
    )  # fmt: skip
    assert {j.location for j in await _search(stub, user_a, query="python", company="ACME")} == {
        "Berlin, Germany",
        "100%_Remote",
    }
    assert [j.company for j in await _search(stub, user_a, location="remote - eu")] == ["Other"]
    assert [j.company for j in await _search(stub, user_a, location="%_")] == ["acme"]
    assert [j.company for j in await _search(stub, user_a, query="python", remote_only=True)] == ["Other"]
    assert [j.company for j in await _search(stub, user_a, ats=pb.ATS_LEVER)] == ["acme"]
    assert [j.company for j in await _search(stub, user_a, posted_after=_ts(2024))] == ["Acme"]


async def test_search_pages_are_stable_and_in_rank_order(stub: pb_grpc.JobServiceStub, user_a: User) -> None:
    jobs = [job(f"Rust Engineer {i}", description="<p>" + "rust " * (i % 5) + "</p>") for i in range(23)]
    await _create(stub, user_a, *jobs)
    whole = await _search(stub, user_a, query="rust", page_size=100)
    paged = await _search(stub, user_a, query="rust", page_size=4)
    assert len(whole) == 23
    assert [j.name for j in paged] == [j.name for j in whole]
    empty_query = await _search(stub, user_a, page_size=5)
    assert len({j.name for j in empty_query}) == 23
