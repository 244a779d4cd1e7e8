"""Every public RPC over REST/JSON through Envoy, on the real platform (`jobmesh run`, see stack.py).

One platform per module with one worker; the job boards and ATS forms of tests/sites run in this
process on loopback, which the platform is allowed to reach. Each test signs up its own user and
asserts what a REST client sees: status codes, proto3 JSON shapes, `google.rpc.Status` errors, SSE
and NDJSON streams, CORS. The last test checks that every operation of the five public services in
/openapi.json was answered with a 2xx by one of the tests before it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.demo.resume import resume_pdf
from tests.e2e.platform import (
    Account,
    Json,
    OperationRecorder,
    error_reason,
    register,
    status_of,
    violated_fields,
)
from tests.e2e.stack import Platform, running_platform
from tests.sites.ats import SubmissionRecorder, ats_routes
from tests.sites.boards import BoardRegistry, create_board_app
from tests.sites.server import serve_app

pytestmark = pytest.mark.integration

SETTLED = {"STATE_PLANNED", "STATE_SUBMITTED", "STATE_FAILED", "STATE_CANCELLED", "STATE_OUTCOME_UNKNOWN"}
WAITING = {"STATE_NEEDS_INPUT", "STATE_AWAITING_REVIEW"}
ANSWER_BANK = [
    {"question": "What interests you about this role?", "answer": "Building reliable systems."},
    {"question": "Are you authorized to work in the country where this job is located?", "answer": "Yes"},
]
WHY_ACME = "Why do you want to work at Acme?"  # asked by the local Greenhouse form, not in the bank


@dataclass(frozen=True)
class Sites:
    url: str
    registry: BoardRegistry
    recorder: SubmissionRecorder


@pytest.fixture(scope="module")
async def sites() -> AsyncIterator[Sites]:
    registry, recorder = BoardRegistry.from_fixtures(), SubmissionRecorder()
    async with serve_app(create_board_app(registry, extra_routes=ats_routes(recorder))) as url:
        yield Sites(url, registry, recorder)


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    home: Path = tmp_path_factory.mktemp("rest") / "home"
    async with running_platform(home, allowed_hosts=("127.0.0.1",), workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def recorder() -> OperationRecorder:
    return OperationRecorder()


@pytest.fixture(scope="module")
async def api(platform: Platform, recorder: OperationRecorder) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=platform.base_url, trust_env=False, timeout=30, event_hooks={"response": [recorder]}
    ) as client:
        document = await client.get("/openapi.json")
        assert document.status_code == 200, platform.log_tail()
        recorder.learn(document.json())
        yield client


async def applicant(api: httpx.AsyncClient, who: Account) -> Json:
    """A complete profile with an answer bank and a default resume."""
    body = {
        "givenName": "Ada", "familyName": "Lovelace", "email": who.email, "phone": "+1 415 555 0100",
        "location": {"city": "San Francisco", "region": "CA", "country": "US"},
        "linkedinUrl": "https://www.linkedin.com/in/ada-lovelace", "githubUrl": "https://github.com/ada-lovelace",
        "headline": "Backend engineer", "currentCompany": "Analytical Engines Ltd",
        "workAuthorizedCountries": ["US"], "requiresSponsorship": False, "answers": ANSWER_BANK,
    }  # fmt: skip
    created = await api.post("/v1/profiles", headers=who.headers, json=body)
    assert created.status_code == 200, created.text
    profile: Json = created.json()
    resume = {"filename": "ada.pdf", "contentType": "application/pdf", "content": _b64(resume_pdf())}
    stored = await api.post(f"/v1/{profile['name']}/resumes", headers=who.headers, json=resume)
    assert stored.status_code == 200, stored.text
    return profile


async def posting(api: httpx.AsyncClient, who: Account, apply_url: str, ats: str, external_id: str) -> Json:
    body = {
        "ats": ats, "externalId": external_id, "board": "acme", "company": "Acme",
        "title": "Platform Engineer", "location": "San Francisco, CA", "applyUrl": apply_url,
    }  # fmt: skip
    created = await api.post("/v1/jobs", headers=who.headers, json=body)
    assert created.status_code == 200, created.text
    job: Json = created.json()
    return job


async def apply(api: httpx.AsyncClient, who: Account, profile: Json, job: Json, mode: str) -> Json:
    body = {"profile": profile["name"], "job": job["name"], "mode": mode}
    created = await api.post("/v1/applications", headers=who.headers, json=body)
    assert created.status_code == 200, created.text
    app: Json = created.json()
    assert app["state"] == "STATE_QUEUED"
    return app


async def settled(api: httpx.AsyncClient, who: Account, name: str, within: float = 40.0) -> Json:
    """The application once the worker has left it terminal or waiting on the user."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        app: Json = (await api.get(f"/v1/{name}", headers=who.headers)).json()
        if app["state"] in SETTLED | WAITING:
            return app
        assert loop.time() < deadline, f"{name} still {app['state']} after {within}s"
        await asyncio.sleep(0.25)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unique() -> str:
    return uuid.uuid4().hex[:10]


async def test_register_login_refresh_and_logout(api: httpx.AsyncClient) -> None:
    who = await register(api)
    assert who.user.startswith("users/")
    taken = await api.post("/v1/auth:register", json={"email": who.email.upper(), "password": who.password})
    assert error_reason(status_of(taken, 409, 6)) == "EMAIL_TAKEN"
    wrong = await api.post("/v1/auth:login", json={"email": who.email, "password": "not the password"})
    assert error_reason(status_of(wrong, 401, 16)) == "INVALID_CREDENTIALS"

    login = await api.post("/v1/auth:login", json={"email": who.email, "password": who.password})
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] > 0 and tokens["user"] == who.user
    rotated = await api.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    assert rotated.status_code == 200, rotated.text
    fresh = rotated.json()
    assert fresh["refreshToken"] != tokens["refreshToken"] and fresh["user"] == who.user
    me = await api.get("/v1/profiles", headers={"Authorization": f"Bearer {fresh['accessToken']}"})
    assert me.status_code == 200 and me.json().get("profiles", []) == []

    reused = await api.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    status_of(reused, 401, 16)
    second = await api.post("/v1/auth:login", json={"email": who.email, "password": who.password})
    logout = await api.post("/v1/auth:logout", json={"refreshToken": second.json()["refreshToken"]})
    assert logout.status_code == 200 and logout.json() == {}
    after = await api.post("/v1/auth:refresh", json={"refreshToken": second.json()["refreshToken"]})
    status_of(after, 401, 16)


async def test_calls_without_a_valid_token_are_401(api: httpx.AsyncClient) -> None:
    for path in ("/v1/profiles", "/v1/jobs", "/v1/sources", "/v1/applications", "/v1/adapters"):
        missing = await api.get(path)
        assert error_reason(status_of(missing, 401, 16)) == "MISSING_TOKEN", path
        forged = await api.get(path, headers={"Authorization": "Bearer not.a.jwt"})
        status_of(forged, 401, 16)


async def test_cors_preflight_lets_a_browser_call_with_a_token(api: httpx.AsyncClient) -> None:
    origin = "http://tracker.example"
    preflight = await api.options(
        "/v1/profiles/p1",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "PATCH" in preflight.headers["access-control-allow-methods"]
    assert {"authorization", "content-type"} <= {
        h.strip() for h in preflight.headers["access-control-allow-headers"].split(",")
    }
    actual = await api.get("/v1/profiles", headers={"Origin": origin})
    assert actual.headers["access-control-allow-origin"] == origin
    assert "x-request-id" in actual.headers["access-control-expose-headers"]


async def test_profile_crud_patch_export_and_resumes(api: httpx.AsyncClient) -> None:
    who = await register(api)
    body = {
        "givenName": "Ada",
        "familyName": "Lovelace",
        "email": who.email,
        "workAuthorizedCountries": ["GB"],
    }
    request_id = str(uuid.uuid4())
    created = await api.post("/v1/profiles", params={"requestId": request_id}, headers=who.headers, json=body)
    assert created.status_code == 200, created.text
    profile = created.json()
    assert profile["name"].startswith("profiles/") and profile["displayName"] == "Ada Lovelace"
    again = await api.post("/v1/profiles", params={"requestId": request_id}, headers=who.headers, json=body)
    assert again.json()["name"] == profile["name"]
    await api.post("/v1/profiles", headers=who.headers, json={**body, "givenName": "Augusta"})
    page = (await api.get("/v1/profiles", headers=who.headers, params={"pageSize": 1})).json()
    assert [p["name"] for p in page["profiles"]] == [profile["name"]] and page["nextPageToken"]
    rest = await api.get("/v1/profiles", headers=who.headers, params={"pageToken": page["nextPageToken"]})
    assert [p["givenName"] for p in rest.json()["profiles"]] == ["Augusta"]

    # PATCH: the mask comes from the body, and the etag that was read is a precondition, not a field.
    patch = {"headline": "Backend engineer", "location": {"city": "Berlin"}, "etag": profile["etag"]}
    patched = await api.patch(f"/v1/{profile['name']}", headers=who.headers, json=patch)
    assert patched.status_code == 200, patched.text
    updated = patched.json()
    assert updated["headline"] == "Backend engineer" and updated["location"] == {"city": "Berlin"}
    assert updated["givenName"] == "Ada" and updated["workAuthorizedCountries"] == ["GB"]
    assert updated["etag"] != profile["etag"]
    stale = await api.patch(f"/v1/{profile['name']}", headers=who.headers, json={**patch, "headline": "x"})
    assert error_reason(status_of(stale, 409, 10)) == "ETAG_MISMATCH"
    whole = await api.patch(f"/v1/{profile['name']}", headers=who.headers, json=updated)
    assert whole.status_code == 200, whole.text
    assert {k: v for k, v in whole.json().items() if k not in ("etag", "updateTime")} == {
        k: v for k, v in updated.items() if k not in ("etag", "updateTime")
    }
    got = await api.get(f"/v1/{profile['name']}", headers=who.headers)
    assert got.json()["headline"] == "Backend engineer"

    content = resume_pdf()
    upload = {"filename": "ada.pdf", "contentType": "application/pdf", "content": _b64(content)}
    stored = await api.post(f"/v1/{profile['name']}/resumes", headers=who.headers, json=upload)
    assert stored.status_code == 200, stored.text
    resume = stored.json()
    assert resume["sizeBytes"] == str(len(content)) and "content" not in resume
    listed = (await api.get(f"/v1/{profile['name']}/resumes", headers=who.headers)).json()
    assert [r["name"] for r in listed["resumes"]] == [resume["name"]]
    meta = (await api.get(f"/v1/{resume['name']}", headers=who.headers)).json()
    assert meta["sha256"] == resume["sha256"] and "content" not in meta
    download = (await api.get(f"/v1/{resume['name']}:download", headers=who.headers)).json()
    assert base64.b64decode(download["content"]) == content
    exported = (await api.get(f"/v1/{profile['name']}:export", headers=who.headers)).json()
    assert exported["profile"]["defaultResume"] == resume["name"] and exported["exportTime"]
    assert [base64.b64decode(r["content"]) for r in exported["resumes"]] == [content]

    removed = await api.delete(f"/v1/{resume['name']}", headers=who.headers)
    assert removed.status_code == 200 and removed.json() == {}
    status_of(await api.get(f"/v1/{resume['name']}", headers=who.headers), 404, 5)
    gone = await api.delete(f"/v1/{profile['name']}", headers=who.headers)
    assert gone.status_code == 200 and gone.json() == {}
    status_of(await api.get(f"/v1/{profile['name']}", headers=who.headers), 404, 5)


async def test_another_users_resources_are_not_found(api: httpx.AsyncClient, sites: Sites) -> None:
    owner, other = await register(api), await register(api)
    profile = await applicant(api, owner)
    resumes = (await api.get(f"/v1/{profile['name']}/resumes", headers=owner.headers)).json()["resumes"]
    job = await posting(api, owner, f"{sites.url}/generic/{_unique()}", "GENERIC", _unique())
    app = await apply(api, owner, profile, job, "REVIEW")
    source = await api.post("/v1/sources", headers=owner.headers, json={"kind": "LEVER", "board": "voltus"})
    for name in (profile["name"], resumes[0]["name"], app["name"], source.json()["name"]):
        status = status_of(await api.get(f"/v1/{name}", headers=other.headers), 404, 5)
        assert error_reason(status) == "NOT_FOUND", status
        status_of(await api.delete(f"/v1/{name}", headers=other.headers), 404, 5)
    status_of(await api.get(f"/v1/{app['name']}/events", headers=other.headers), 404, 5)
    status_of(await api.get(f"/v1/{profile['name']}:export", headers=other.headers), 404, 5)
    borrowed = {"profile": profile["name"], "job": job["name"], "mode": "DRY_RUN"}
    status_of(await api.post("/v1/applications", headers=other.headers, json=borrowed), 404, 5)
    # The catalog is shared: anyone reads a job, only its creator deletes it.
    assert (await api.get(f"/v1/{job['name']}", headers=other.headers)).status_code == 200
    status_of(await api.delete(f"/v1/{job['name']}", headers=other.headers), 403, 7)
    assert (await api.get(f"/v1/{profile['name']}", headers=owner.headers)).status_code == 200
    assert (await api.post(f"/v1/{app['name']}:cancel", headers=owner.headers, json={})).status_code == 200


async def test_bad_input_is_400_naming_the_fields(api: httpx.AsyncClient) -> None:
    who = await register(api)
    short = await api.post("/v1/auth:register", json={"email": "x@jobmesh.dev", "password": "short"})
    assert violated_fields(status_of(short, 400, 3)) == {"password"}
    email = await api.post("/v1/profiles", headers=who.headers, json={"email": "not an address"})
    assert violated_fields(status_of(email, 400, 3)) == {"profile.email"}
    job = await api.post("/v1/jobs", headers=who.headers, json={"title": ""})
    assert {"job.company", "job.title", "job.apply_url"} <= violated_fields(status_of(job, 400, 3))
    typo = await api.post("/v1/profiles", headers=who.headers, json={"givenName": "Ada", "pasword": "x"})
    assert violated_fields(status_of(typo, 400, 3)) == {"profile.pasword"}
    size = await api.get("/v1/profiles", headers=who.headers, params={"pageSize": "ten"})
    assert violated_fields(status_of(size, 400, 3)) == {"pageSize"}
    enum = await api.get("/v1/applications", headers=who.headers, params={"state": "DONE"})
    assert violated_fields(status_of(enum, 400, 3)) == {"state"}
    query = await api.get("/v1/jobs", headers=who.headers, params={"filter": "salary > 3"})
    assert violated_fields(status_of(query, 400, 3)) == {"filter"}
    name = await api.get("/v1/profiles/not-a-uuid", headers=who.headers)
    assert violated_fields(status_of(name, 400, 3)) == {"name"}
    broken = await api.post(
        "/v1/profiles", headers={**who.headers, "content-type": "application/json"}, content=b"{"
    )
    status_of(broken, 400, 3)
    status_of(await api.put("/v1/profiles", headers=who.headers), 405, 12)
    status_of(await api.get("/v1/nowhere", headers=who.headers), 404, 5)


async def test_jobs_create_batch_get_list_search_and_delete(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    board, company = f"b{_unique()}", f"Initech {_unique()}"

    def job(n: int, title: str) -> Json:
        return {
            "ats": "GENERIC", "externalId": f"{board}-{n}", "board": board, "company": company, "title": title,
            "location": "Remote", "remote": True, "applyUrl": f"{sites.url}/generic/{board}-{n}",
            "workplaceType": "REMOTE", "salary": {"min": 120000, "max": 150000, "currency": "USD"},
        }  # fmt: skip

    request_id = str(uuid.uuid4())
    one = await api.post(
        "/v1/jobs", params={"requestId": request_id}, headers=who.headers, json=job(1, "Zeta")
    )
    assert one.status_code == 200, one.text
    first = one.json()
    assert first["state"] == "JOB_STATE_OPEN" and first["workplaceType"] == "WORKPLACE_TYPE_REMOTE"
    retry = await api.post(
        "/v1/jobs", params={"requestId": request_id}, headers=who.headers, json=job(1, "Zeta")
    )
    assert retry.json()["name"] == first["name"]
    batch = await api.post(
        "/v1/jobs:batchCreate",
        headers=who.headers,
        json={"requests": [{"job": job(2, "Alpha Engineer")}, {"job": job(3, "Mid Engineer")}]},
    )
    assert batch.status_code == 200, batch.text
    assert [j["title"] for j in batch.json()["jobs"]] == ["Alpha Engineer", "Mid Engineer"]
    got = (await api.get(f"/v1/{first['name']}", headers=who.headers)).json()
    assert got["salary"]["currency"] == "USD" and got["company"] == company

    listed = await api.get(
        "/v1/jobs",
        headers=who.headers,
        params={"filter": f'board = "{board}" AND remote = true', "orderBy": "title"},
    )
    assert [j["title"] for j in listed.json()["jobs"]] == ["Alpha Engineer", "Mid Engineer", "Zeta"]
    paged = (
        await api.get("/v1/jobs", headers=who.headers, params={"filter": f'board = "{board}"', "pageSize": 2})
    ).json()
    assert len(paged["jobs"]) == 2 and paged["nextPageToken"]
    found = await api.get(
        "/v1/jobs:search", headers=who.headers, params={"query": "engineer", "company": company}
    )
    assert {j["title"] for j in found.json()["jobs"]} == {"Alpha Engineer", "Mid Engineer"}
    remote = await api.get(
        "/v1/jobs:search",
        headers=who.headers,
        params={"query": "zeta", "remoteOnly": "true", "ats": "GENERIC"},
    )
    assert first["name"] in [j["name"] for j in remote.json()["jobs"]]

    deleted = await api.delete(f"/v1/{first['name']}", headers=who.headers)
    assert deleted.status_code == 200 and deleted.json() == {}
    status_of(await api.get(f"/v1/{first['name']}", headers=who.headers), 404, 5)


async def test_job_source_syncs_a_local_board(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    board_jobs = sites.registry.jobs("greenhouse", "vercel")
    body = {"kind": "GREENHOUSE", "board": "vercel", "baseUrl": sites.url, "displayName": "Vercel"}
    created = await api.post("/v1/sources", headers=who.headers, json=body)
    assert created.status_code == 200, created.text
    source = created.json()
    assert source["kind"] == "ATS_GREENHOUSE" and source["syncIntervalMinutes"] == 60

    synced = await api.post(f"/v1/{source['name']}:sync", headers=who.headers, json={})
    assert synced.status_code == 200, synced.text
    result = synced.json()["result"]
    assert result.get("added", 0) + result.get("unchanged", 0) + result.get("updated", 0) == len(board_jobs)
    assert result.get("errors", []) == [] and result["endTime"] >= result["startTime"]
    got = (await api.get(f"/v1/{source['name']}", headers=who.headers)).json()
    assert got["jobCount"] == len(board_jobs) and got["lastSyncTime"]
    assert [s["name"] for s in (await api.get("/v1/sources", headers=who.headers)).json()["sources"]] == [
        source["name"]
    ]
    ingested = await api.get("/v1/jobs", headers=who.headers, params={"filter": 'board = "vercel"'})
    titles = {j["title"] for j in ingested.json()["jobs"]}
    assert titles == {j["title"] for j in board_jobs}

    again = (await api.post(f"/v1/{source['name']}:sync", headers=who.headers, json={})).json()["result"]
    assert again.get("unchanged", 0) == len(board_jobs) and again.get("added", 0) == 0
    assert (await api.delete(f"/v1/{source['name']}", headers=who.headers)).json() == {}
    status_of(await api.get(f"/v1/{source['name']}", headers=who.headers), 404, 5)
    assert (await api.get("/v1/jobs", headers=who.headers, params={"filter": 'board = "vercel"'})).json()[
        "jobs"
    ]


async def first_sse_message(api: httpx.AsyncClient, who: Account, name: str) -> Json:
    headers = {**who.headers, "Accept": "text/event-stream"}
    async with api.stream("GET", f"/v1/{name}:watch", headers=headers) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                message: Json = json.loads(line.removeprefix("data:"))
                return message
    raise AssertionError("the stream ended without a message")


async def test_dry_run_with_watch_events_runs_and_artifacts(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    profile = await applicant(api, who)
    external = _unique()
    job = await posting(api, who, f"{sites.url}/ashby/acme/{external}/application", "ASHBY", external)
    app = await apply(api, who, profile, job, "DRY_RUN")
    assert app["mode"] == "MODE_DRY_RUN"

    first = await first_sse_message(api, who, app["name"])
    assert first["application"]["name"] == app["name"] and "event" not in first
    planned = await settled(api, who, app["name"])
    assert planned["state"] == "STATE_PLANNED", planned
    fields = {f["semantic"]: f for f in planned["fillPlan"]["fields"]}
    assert fields["email"]["valuePreview"] == who.email and planned["fillPlan"]["adapter"] == "ashby"

    # NDJSON on a terminal application: the current state, then the stream ends.
    ndjson = await api.get(f"/v1/{app['name']}:watch", headers=who.headers)
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in ndjson.text.splitlines() if line.strip()]
    assert [line["result"]["application"]["state"] for line in lines] == ["STATE_PLANNED"]

    events = (await api.get(f"/v1/{app['name']}/events", headers=who.headers)).json()["events"]
    assert [e["toState"] for e in events] == ["STATE_QUEUED", "STATE_RUNNING", "STATE_PLANNED"]
    runs = (await api.get(f"/v1/{app['name']}/runs", headers=who.headers)).json()["runs"]
    assert [(r["attempt"], r["outcome"], r["adapter"]) for r in runs] == [(1, "STATE_PLANNED", "ashby")]
    run = (await api.get(f"/v1/{runs[0]['name']}", headers=who.headers)).json()
    assert run["name"] == runs[0]["name"] and run["fillPlan"]["planHash"] == planned["fillPlan"]["planHash"]
    shot = next(a for a in run["artifacts"] if a["kind"] == "screenshot")
    artifact = (await api.get(f"/v1/{shot['name']}", headers=who.headers)).json()
    assert artifact["artifact"]["contentType"] == "image/png"
    assert base64.b64decode(artifact["content"]).startswith(b"\x89PNG")

    for action, body in ((":approve", {}), (":answer", {"answers": [{"questionId": "q", "answer": "a"}]})):
        refused = await api.post(f"/v1/{app['name']}{action}", headers=who.headers, json=body)
        assert error_reason(status_of(refused, 400, 9)) == "INVALID_STATE", action
    filtered = await api.get(
        "/v1/applications", headers=who.headers, params={"state": "PLANNED", "profile": profile["name"]}
    )
    assert [a["name"] for a in filtered.json()["applications"]] == [app["name"]]
    by_job = await api.get(
        "/v1/applications", headers=who.headers, params={"job": job["name"], "state": "QUEUED"}
    )
    assert by_job.json().get("applications", []) == []
    assert sites.recorder.all("ashby", external) == [], "a dry run submitted the form"


async def test_review_then_approve_submits_once(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    profile = await applicant(api, who)
    external = _unique()
    job = await posting(api, who, f"{sites.url}/ashby/acme/{external}/application", "ASHBY", external)
    app = await apply(api, who, profile, job, "REVIEW")
    waiting = await settled(api, who, app["name"])
    assert waiting["state"] == "STATE_AWAITING_REVIEW", waiting
    plan_hash = waiting["fillPlan"]["planHash"]
    stale = await api.post(f"/v1/{app['name']}:approve", headers=who.headers, json={"etag": app["etag"]})
    status_of(stale, 409, 10)
    approved = await api.post(
        f"/v1/{app['name']}:approve",
        headers=who.headers,
        json={"etag": waiting["etag"], "planHash": plan_hash},
    )
    assert approved.status_code == 200, approved.text
    done = await settled(api, who, app["name"])
    assert done["state"] == "STATE_SUBMITTED" and done["submitTime"], done
    assert [s.email for s in sites.recorder.accepted("ashby", external)] == [who.email]


async def test_questions_are_answered_and_saved_to_the_answer_bank(
    api: httpx.AsyncClient, sites: Sites
) -> None:
    who = await register(api)
    profile = await applicant(api, who)
    external = _unique()
    job = await posting(api, who, f"{sites.url}/greenhouse/acme/jobs/{external}", "GREENHOUSE", external)
    app = await apply(api, who, profile, job, "DRY_RUN")
    asking = await settled(api, who, app["name"])
    assert asking["state"] == "STATE_NEEDS_INPUT", asking
    questions = {q["label"]: q for q in asking["pendingQuestions"]}
    assert WHY_ACME in questions
    none = await api.post(f"/v1/{app['name']}:answer", headers=who.headers, json={"answers": []})
    assert violated_fields(status_of(none, 400, 3)) == {"answers"}
    answers = [
        {"questionId": q["id"], "answer": q["options"][0] if q.get("options") else "Because Acme ships."}
        for q in questions.values()
    ]
    answered = await api.post(
        f"/v1/{app['name']}:answer", headers=who.headers, json={"answers": answers, "etag": asking["etag"]}
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "STATE_QUEUED"
    planned = await settled(api, who, app["name"])
    assert planned["state"] == "STATE_PLANNED", planned
    bank = (await api.get(f"/v1/{profile['name']}", headers=who.headers)).json()["answers"]
    assert WHY_ACME in [a["question"] for a in bank]


async def test_cancel_then_delete_an_application(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    profile = await applicant(api, who)
    external = _unique()
    job = await posting(api, who, f"{sites.url}/generic/{external}", "GENERIC", external)
    app = await apply(api, who, profile, job, "REVIEW")
    cancelled = await api.post(f"/v1/{app['name']}:cancel", headers=who.headers, json={})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "STATE_CANCELLED"
    approve = await api.post(f"/v1/{app['name']}:approve", headers=who.headers, json={})
    assert error_reason(status_of(approve, 400, 9)) == "INVALID_STATE"
    listed = await api.get("/v1/applications", headers=who.headers, params={"state": "STATE_CANCELLED"})
    assert [a["name"] for a in listed.json()["applications"]] == [app["name"]]
    deleted = await api.delete(f"/v1/{app['name']}", headers=who.headers)
    assert deleted.status_code == 200 and deleted.json() == {}
    status_of(await api.get(f"/v1/{app['name']}", headers=who.headers), 404, 5)
    status_of(await api.get(f"/v1/{app['name']}:watch", headers=who.headers), 404, 5)
    assert sites.recorder.all("generic", external) == []


async def test_automation_adapters_queue_and_preview_fill(api: httpx.AsyncClient, sites: Sites) -> None:
    who = await register(api)
    profile = await applicant(api, who)
    adapters = (await api.get("/v1/adapters", headers=who.headers)).json()["adapters"]
    names = {a["name"] for a in adapters}
    assert {"adapters/greenhouse", "adapters/lever", "adapters/ashby", "adapters/generic"} <= names
    assert "boards.greenhouse.io" in next(a for a in adapters if a["name"] == "adapters/greenhouse")["hosts"]
    queue = (await api.get("/v1/automation/queue", headers=who.headers)).json()
    assert queue["workers"] == 1

    form = f"{sites.url}/greenhouse/acme/jobs/{_unique()}"
    preview = await api.post(
        "/v1/automation:previewFill", headers=who.headers, json={"profile": profile["name"], "url": form}
    )
    assert preview.status_code == 200, preview.text
    plan = preview.json()["fillPlan"]
    fields = {f["semantic"]: f for f in plan["fields"]}
    assert plan["adapter"] == "greenhouse" and plan["formUrl"] == form
    assert fields["email"]["valuePreview"] == who.email and fields["given-name"]["valuePreview"] == "Ada"
    assert WHY_ACME in [q["label"] for q in plan["unanswered"]]
    job = await posting(api, who, form, "GREENHOUSE", _unique())
    by_job = await api.post(
        "/v1/automation:previewFill",
        headers=who.headers,
        json={"profile": profile["name"], "job": job["name"]},
    )
    assert by_job.status_code == 200 and by_job.json()["fillPlan"]["formUrl"] == form
    private = await api.post(
        "/v1/automation:previewFill",
        headers=who.headers,
        json={"profile": profile["name"], "url": "http://10.1.2.3/"},
    )
    assert violated_fields(status_of(private, 400, 3)) == {"url"}


def test_every_public_rpc_was_answered_over_rest(recorder: OperationRecorder) -> None:
    """Runs last: the tests above must have reached every public operation with a 2xx."""
    assert len(recorder.operations) >= 40, sorted(recorder.operations)
    assert recorder.missing() == []
