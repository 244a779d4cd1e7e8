"""schemathesis against the platform's own /openapi.json, through Envoy: no input is a server error.

One `jobmesh run` per module (no workers: nothing here needs a browser). The schema is loaded from the
running platform; every operation in the contract is one test, fuzzed with schema-valid and
schema-violating requests under a real bearer token. Operations with path variables are also fuzzed
against resources that exist (a profile, resume, job, source and application of the fuzzing user), so
the generated bodies and queries reach the services' own validation, not only their NOT_FOUND.
Deletes run last so the others keep finding those resources.

Nothing is excluded. One constraint: `:watch` is only fuzzed with generated names, because a stream of
an existing application that is not terminal stays open by design (with no worker, forever).
`Logout` stays in: generated refresh tokens cannot name the fuzzing user's session.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, strategies
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from gateway.contract import Contract
from services.common.descriptors import load_descriptor_set
from services.demo.resume import resume_pdf
from tests.e2e.platform import new_credentials
from tests.e2e.stack import Platform, running_platform
from tests.sites.boards import serve_boards

pytestmark = pytest.mark.integration

EXAMPLES = 25  # per operation, shared between the strategies below
STREAMING = {
    f"{rpc.short_service}_{rpc.name}" for rpc in Contract(load_descriptor_set()).rpcs if rpc.server_streaming
}
OPERATIONS = sorted(
    (f"{rpc.short_service}_{rpc.name}" for rpc in Contract(load_descriptor_set()).rpcs),
    key=lambda op: (op.split("_", 1)[1].startswith("Delete"), op),
)


@dataclass(frozen=True)
class Target:
    """The loaded schema, a session carrying the fuzzing user's token, and ids of its resources."""

    schema: OpenApiSchema
    session: requests.Session
    base_url: str
    known: dict[str, str]  # path variable → an existing resource's id


@pytest.fixture(scope="module")
async def boards() -> AsyncIterator[str]:
    """The fixture job boards on loopback, so syncing the seeded source reaches a real board API."""
    async with serve_boards() as url:
        yield url


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    home = tmp_path_factory.mktemp("fuzz") / "home"
    async with running_platform(home, allowed_hosts=("127.0.0.1",), workers=0) as running:
        yield running


def _ok(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, f"{response.request.method} {response.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def _seed(session: requests.Session, base: str, email: str, boards: str) -> dict[str, str]:
    """A profile, resume, job, source and application of the session's user; their path variables."""
    profile = _ok(session.post(f"{base}/v1/profiles", json={"givenName": "Ada", "email": email}))
    content = base64.b64encode(resume_pdf()).decode()
    resume = _ok(
        session.post(f"{base}/v1/{profile['name']}/resumes", json={"filename": "cv.pdf", "content": content})
    )
    job = _ok(
        session.post(
            f"{base}/v1/jobs",
            json={
                "ats": "GENERIC",
                "company": "Acme",
                "title": "Engineer",
                "applyUrl": "http://127.0.0.1:9/apply",
            },
        )
    )
    source = _ok(
        session.post(f"{base}/v1/sources", json={"kind": "LEVER", "board": "voltus", "baseUrl": boards})
    )
    app = _ok(
        session.post(
            f"{base}/v1/applications", json={"profile": profile["name"], "job": job["name"], "mode": "REVIEW"}
        )
    )
    return {
        "profile": profile["name"].rsplit("/", 1)[1],
        "resume": resume["name"].rsplit("/", 1)[1],
        "job": job["name"].rsplit("/", 1)[1],
        "source": source["name"].rsplit("/", 1)[1],
        "application": app["name"].rsplit("/", 1)[1],
    }


@pytest.fixture(scope="module")
def target(platform: Platform, boards: str) -> Iterator[Target]:
    with requests.Session() as session:
        session.trust_env = False
        email, password = new_credentials("fuzz")
        tokens = _ok(
            session.post(f"{platform.base_url}/v1/auth:register", json={"email": email, "password": password})
        )
        session.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
        known = _seed(session, platform.base_url, email, boards)
        schema = schemathesis.openapi.from_url(f"{platform.base_url}/openapi.json", timeout=10)
        yield Target(schema, session, platform.base_url, known)


def test_the_schema_documents_every_rpc_of_the_contract(target: Target) -> None:
    documented = {
        operation["operationId"]
        for item in target.schema.raw_schema["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("operation_id", OPERATIONS)
async def test_no_generated_request_gets_a_server_error(target: Target, operation_id: str) -> None:
    operation = target.schema.find_operation_by_id(operation_id)
    generated = strategies.one_of(
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    )
    variables = {p.name for p in operation.path_parameters}
    if variables and variables <= target.known.keys() and operation_id not in STREAMING:
        existing = {name: target.known[name] for name in variables}
        generated |= operation.as_strategy(schemathesis.GenerationMode.POSITIVE, path_parameters=existing)
    statuses: list[int] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @hypothesis.given(case=generated)
    def fuzz(case: schemathesis.Case[Any]) -> None:
        # The token goes last: generated cases carry made-up `Authorization` headers of their own.
        auth = {"Authorization": target.session.headers["Authorization"]}
        response = case.call(base_url=target.base_url, session=target.session, headers=auth, timeout=20)
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    # In a thread, so this event loop keeps serving the boards the platform syncs from.
    await asyncio.to_thread(fuzz)
    assert statuses, "no request was generated"


def test_the_fuzzing_user_is_still_signed_in_and_its_token_works(target: Target) -> None:
    """Nothing generated above may have revoked or broken the session the fuzzer used."""
    profiles = target.session.get(f"{target.base_url}/v1/profiles", timeout=10)
    assert profiles.status_code == 200, profiles.text
