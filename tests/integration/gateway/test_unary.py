"""Unary RPCs through the gateway: the upstream receives exactly the expected proto, the client gets
proto3 JSON, Status errors and the forwarded metadata."""

from __future__ import annotations

import httpx
from google.protobuf import field_mask_pb2, timestamp_pb2

from gateway.app import create_app
from jobmesh.job.v1 import job_service_pb2 as job_pb2
from jobmesh.profile.v1 import profile_service_pb2 as profile_pb2

from .conftest import SERVICES, Upstream, asgi_client


async def test_get_job_maps_path_response_body_and_metadata(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.get(
        "/v1/jobs/j1",
        headers={
            "Authorization": "Bearer abc",
            "Grpc-Metadata-Tenant": "acme",
            "X-Request-Id": "req-42",
            "X-Forwarded-For": "198.51.100.1",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "jobs/j1",
        "company": "Acme",
        "title": "Engineer",
        "ats": "ATS_GREENHOUSE",
        "createTime": "2023-11-14T22:13:20Z",
    }
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "req-42"
    assert response.headers["grpc-metadata-x-served-by"] == "job"
    assert response.headers["grpc-trailer-x-cost"] == "3"
    method, request, metadata = upstream.recorder.only()
    assert (method, request) == ("GetJob", job_pb2.GetJobRequest(name="jobs/j1"))
    assert metadata["authorization"] == "Bearer abc"
    assert metadata["tenant"] == "acme"
    assert metadata["x-request-id"] == "req-42"
    assert metadata["x-forwarded-for"] == "198.51.100.1, 203.0.113.9"


async def test_a_request_id_is_generated_and_echoed(client: httpx.AsyncClient, upstream: Upstream) -> None:
    response = await client.get("/v1/jobs/j2")
    generated = response.headers["x-request-id"]
    assert len(generated) >= 16
    assert upstream.recorder.only()[2]["x-request-id"] == generated


async def test_list_jobs_query_parameters(client: httpx.AsyncClient, upstream: Upstream) -> None:
    response = await client.get(
        "/v1/jobs", params={"pageSize": "5", "page_token": "t", "filter": 'company = "Acme"'}
    )
    assert response.status_code == 200
    assert response.json() == {"jobs": [{"name": "jobs/1"}], "nextPageToken": "p2"}
    assert upstream.recorder.only()[1] == job_pb2.ListJobsRequest(
        page_size=5, page_token="t", filter='company = "Acme"'
    )


async def test_search_jobs_custom_verb_with_typed_query(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.get(
        "/v1/jobs:search",
        params=[
            ("query", "rust"),
            ("ats", "GREENHOUSE"),
            ("remoteOnly", "true"),
            ("postedAfter", "2024-01-01T00:00:00Z"),
            ("includeClosed", "1"),
        ],
    )
    assert response.status_code == 200 and response.json() == {}
    assert upstream.recorder.only()[1] == job_pb2.SearchJobsRequest(
        query="rust",
        ats=job_pb2.ATS_GREENHOUSE,
        remote_only=True,
        posted_after=timestamp_pb2.Timestamp(seconds=1_704_067_200),
        include_closed=True,
    )


async def test_create_job_body_field_plus_query(client: httpx.AsyncClient, upstream: Upstream) -> None:
    job = {"company": "Acme", "title": "SRE", "applyUrl": "https://acme.example/apply", "ats": "LEVER"}
    response = await client.post("/v1/jobs", params={"requestId": "r-1"}, json=job)
    assert response.status_code == 200
    assert response.json() == {**job, "ats": "ATS_LEVER", "name": "jobs/new"}
    assert upstream.recorder.only()[1] == job_pb2.CreateJobRequest(
        job=job_pb2.Job(
            company="Acme", title="SRE", apply_url="https://acme.example/apply", ats=job_pb2.ATS_LEVER
        ),
        request_id="r-1",
    )


async def test_upstream_bad_request_details_reach_the_client(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/jobs", json={"company": "Acme"})
    assert response.status_code == 400
    assert response.json() == {
        "code": 3,
        "message": "job.title is required",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "job.title", "description": "is required"}],
            }
        ],
    }


async def test_patch_fills_update_mask_from_the_body(client: httpx.AsyncClient, upstream: Upstream) -> None:
    body = {"displayName": "Ada", "location": {"city": "Berlin"}, "work_authorized_countries": ["DE"]}
    response = await client.patch("/v1/profiles/p1", json=body)
    assert response.status_code == 200
    assert response.json() == {
        "name": "profiles/p1",
        "displayName": "Ada",
        "location": {"city": "Berlin"},
        "workAuthorizedCountries": ["DE"],
    }
    assert upstream.recorder.only()[1] == profile_pb2.UpdateProfileRequest(
        profile=profile_pb2.Profile(
            name="profiles/p1",
            display_name="Ada",
            location=profile_pb2.Location(city="Berlin"),
            work_authorized_countries=["DE"],
        ),
        update_mask=field_mask_pb2.FieldMask(
            paths=["display_name", "location.city", "work_authorized_countries"]
        ),
    )


async def test_patch_with_explicit_mask_keeps_it(client: httpx.AsyncClient, upstream: Upstream) -> None:
    await client.patch(
        "/v1/profiles/p1", params={"updateMask": "displayName"}, json={"displayName": "A", "phone": "1"}
    )
    assert list(upstream.recorder.only()[1].update_mask.paths) == ["display_name"]  # type: ignore[attr-defined]


async def test_multi_segment_name_and_int64_as_string(client: httpx.AsyncClient, upstream: Upstream) -> None:
    response = await client.get("/v1/profiles/p1/resumes/r1")
    assert response.json() == {
        "name": "profiles/p1/resumes/r1",
        "filename": "cv.pdf",
        "sizeBytes": "123456789012",
    }
    assert upstream.recorder.only()[1] == profile_pb2.GetResumeRequest(name="profiles/p1/resumes/r1")


async def test_unknown_body_field_is_400_and_never_reaches_upstream(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.post("/v1/jobs", json={"title": "x", "salaryy": 1})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 3 and "job.salaryy" in body["message"]
    assert body["details"][0]["fieldViolations"][0]["field"] == "job.salaryy"
    assert upstream.recorder.calls == []


async def test_bad_json_and_bad_query_values_are_400(client: httpx.AsyncClient) -> None:
    bad_json = await client.post(
        "/v1/jobs", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["code"] == 3
    bad_query = await client.get("/v1/jobs", params={"pageSize": "many"})
    assert bad_query.status_code == 400
    assert bad_query.json()["details"][0]["fieldViolations"][0]["field"] == "pageSize"


async def test_routing_errors_are_status_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/nothing/here")
    assert (missing.status_code, missing.json()) == (404, {"code": 5, "message": "Not Found", "details": []})
    wrong = await client.put("/v1/jobs/j1", json={})
    assert wrong.status_code == 405
    assert wrong.json() == {"code": 12, "message": "Method Not Allowed", "details": []}
    assert wrong.headers["allow"] == "DELETE, GET"


async def test_unimplemented_upstream_method_is_501(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/jobs/j1")
    assert response.status_code == 501 and response.json()["code"] == 12


async def test_service_without_upstream_is_503(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/adapters")
    assert response.status_code == 503
    assert response.json()["code"] == 14 and "AutomationService" in response.json()["message"]


async def test_grpc_timeout_header_sets_the_deadline(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/jobs", params={"filter": "slow"}, headers={"Grpc-Timeout": "100m"})
    assert response.status_code == 504 and response.json()["code"] == 4


async def test_default_deadline_applies_to_unary_calls(upstream: Upstream) -> None:
    app = create_app({s: upstream.address for s in SERVICES}, None, request_timeout=0.2)
    async with asgi_client(app) as client:
        response = await client.get("/v1/jobs", params={"filter": "slow"})
    assert response.status_code == 504


async def test_default_upstream_receives_unmapped_services(upstream: Upstream) -> None:
    app = create_app({}, upstream.address)
    async with asgi_client(app) as client:
        response = await client.get("/v1/jobs/j9")
    assert response.json()["name"] == "jobs/j9"
