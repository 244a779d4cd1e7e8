"""SearchJobs' two tiers: postings whose title, company or location match come first, ranked; the
other matches (description, or words spread over fields) follow, newest first; pages stay stable
across the boundary; both plans of the second tier return the same rows."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import timestamp_pb2
from sqlalchemy.ext.asyncio import AsyncSession

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from services.common.db import create_engine, session_factory
from services.common.settings import Settings
from services.job.search import QuerySearch, SearchFilters
from tests.integration.job.conftest import User
from tests.integration.job.helpers import job


def _ts(year: int, month: int = 1) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(datetime(year, month, 1, tzinfo=UTC))
    return ts


async def _create(stub: pb_grpc.JobServiceStub, user: User, *jobs: pb.Job) -> None:
    await stub.BatchCreateJobs(
        pb.BatchCreateJobsRequest(requests=[pb.CreateJobRequest(job=j) for j in jobs]), metadata=user.metadata
    )


async def _search(stub: pb_grpc.JobServiceStub, user: User, query: str, page_size: int) -> list[str]:
    titles: list[str] = []
    token = ""
    while True:
        page = await stub.SearchJobs(
            pb.SearchJobsRequest(query=query, page_size=page_size, page_token=token), metadata=user.metadata
        )
        titles.extend(j.title for j in page.jobs)
        token = page.next_page_token
        if not token:
            return titles


async def test_title_beats_company_beats_description_then_newest(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    await _create(
        stub,
        user_a,
        job("Office Manager", "Hooli", description="<p>Orbit planning, orbit budgets.</p>", posted_time=_ts(2025, 6)),
        job("Sales Lead", "Orbit Labs", posted_time=_ts(2024, 1)),
        job("Orbit Engineer", "Initech", posted_time=_ts(2023, 1)),
        job("Cook", "Cafe", description="<p>Orbit.</p>", posted_time=_ts(2025, 9)),
        job("Driver", "Cab", description="<p>Nothing relevant.</p>"),
    )  # fmt: skip
    # Title (A) above company (B); then description-only matches, newest first.
    assert await _search(stub, user_a, "orbit", 50) == [
        "Orbit Engineer",
        "Sales Lead",
        "Cook",
        "Office Manager",
    ]


async def test_words_spread_over_fields_and_negation_follow_the_full_posting(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    await _create(
        stub,
        user_a,
        job("Python Engineer", "A", description="<p>Services.</p>"),
        job("Backend Engineer", "B", description="<p>We use Python daily.</p>"),
        job("Platform Engineer", "C", description="<p>Frontend work too.</p>"),
    )
    assert await _search(stub, user_a, "python engineer", 50) == ["Python Engineer", "Backend Engineer"]
    # The head of "Platform Engineer" matches `engineer -frontend`; its description does not.
    assert sorted(await _search(stub, user_a, "engineer -frontend", 50)) == [
        "Backend Engineer",
        "Python Engineer",
    ]


async def test_pages_cross_from_ranked_to_newest_without_gaps_or_repeats(
    stub: pb_grpc.JobServiceStub, user_a: User
) -> None:
    head = [job(f"Kotlin Dev {i}", "Acme", posted_time=_ts(2020 + i % 5, 1 + i)) for i in range(9)]
    body = [
        job(
            f"Role {i}",
            "Other",
            description="<p>kotlin " * (1 + i % 3) + "</p>",
            posted_time=_ts(2021, 1 + i),
        )
        for i in range(8)
    ]
    await _create(stub, user_a, *head, *body)
    whole = await _search(stub, user_a, "kotlin", 100)
    assert len(whole) == 17 and len(set(whole)) == 17
    assert all(t.startswith("Kotlin Dev") for t in whole[:9])
    assert whole[9:] == [f"Role {i}" for i in reversed(range(8))]  # newest first
    for size in (1, 2, 4, 9, 10):
        assert await _search(stub, user_a, "kotlin", size) == whole


async def test_both_plans_of_the_second_tier_agree(
    stub: pb_grpc.JobServiceStub, user_a: User, settings: Settings
) -> None:
    await _create(
        stub,
        user_a,
        *(job(f"Role {i}", "Acme", description="<p>terraform</p>", posted_time=_ts(2022, 1 + i)) for i in range(7)),
        job("Terraform Lead", "Acme"),
    )  # fmt: skip

    class Forced(QuerySearch):
        def __init__(self, session: AsyncSession, f: SearchFilters, estimates: tuple[float, float, float]):
            super().__init__(session, f)
            self.forced = estimates

        async def _estimates(self) -> tuple[float, float, float]:
            return self.forced

    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        results = []
        # Many body matches: walking the index wins; one estimated match: the GIN bitmap wins.
        for estimates in ((1000.0, 900.0, 0.0), (1000.0, 1.0, 0.0)):
            titles: list[str] = []
            position: list[object] | None = None
            while True:
                async with sessions() as s:
                    page = await Forced(s, SearchFilters(query="terraform"), estimates).page(position, 3)
                titles.extend(j.title for j, _ in page)
                if len(page) < 3:
                    break
                position = [v.isoformat() if isinstance(v, datetime) else v for v in page[-1][1]]
            results.append(titles)
        assert results[0] == results[1] == ["Terraform Lead", *(f"Role {i}" for i in reversed(range(7)))]
    finally:
        await engine.dispose()
