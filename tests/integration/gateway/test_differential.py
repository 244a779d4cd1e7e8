"""Differential test: each request goes through Envoy's grpc_json_transcoder and through the gateway, in
front of the same recording upstream; the upstream requests must be equal as protos and the answers equal
as JSON.

Cases come from the descriptor set (every binding of the five public services, variables filled, body and
query from sample values) and by hand (spellings, errors, paths, streams). Where the gateway deliberately
differs, the case names its entry in gateway/DIFFERENCES.md and states what each side does instead, so a
difference that disappears fails as surely as a new one.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import grpc
import httpx
import pytest
from google.protobuf import duration_pb2, json_format, text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.rpc import error_details_pb2 as details

from gateway.app import create_app
from gateway.contract import Contract
from gateway.errors import HTTP_STATUS
from gateway.routes import Binding, bindings_of
from gateway.values import message_of
from services.common.descriptors import load_descriptor_set

from .conftest import asgi_client
from .envoy_transcoder import (
    Call,
    Failure,
    Script,
    Upstream,
    envoy_descriptor_set,
    envoy_transcoder,
    fill,
    recording_upstream,
)

SERVICES = (
    "jobmesh.auth.v1.AuthService",
    "jobmesh.profile.v1.ProfileService",
    "jobmesh.job.v1.JobService",
    "jobmesh.application.v1.ApplicationService",
    "jobmesh.automation.v1.AutomationService",
)
DIFFERENCES = Path(__file__).resolve().parents[3] / "gateway" / "DIFFERENCES.md"
DESCRIPTORS = load_descriptor_set()
RPCS = [rpc for rpc in Contract(DESCRIPTORS).rpcs if rpc.service in SERVICES]
INPUTS = {rpc.grpc_path: rpc.input_class for rpc in RPCS}
HTTP_BY_CODE = {code.value[0]: status for code, status in HTTP_STATUS.items()}
NDJSON = "application/x-ndjson"


@dataclass(frozen=True)
class Differs:
    """A deliberate difference: its DIFFERENCES.md entry, Envoy's status, and the request each side sends
    upstream in proto text format (None: no call)."""

    entry: str
    envoy_status: int
    envoy_sends: str | None = None
    gateway_sends: str | None = None
    envoy_metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One HTTP request, the upstream's scripted answer, and the status both sides must give."""

    method: str
    target: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    script: Script = field(default_factory=Script)
    status: int = 200
    metadata: dict[str, str] = field(default_factory=dict)
    differs: Differs | None = None


@dataclass(frozen=True)
class Outcome:
    """What one side answered, and what the upstream received meanwhile."""

    status: int
    headers: httpx.Headers
    text: str
    calls: list[Call]

    def requests(self) -> list[tuple[str, str]]:
        """Each call as (method, request in text format): field presence shows, `job {}` included."""
        return [(c.method, _text(c.request)) for c in self.calls]


NO_BODY = object()


def _text(message: Message) -> str:
    return text_format.MessageToString(message, as_one_line=True)


def case(
    name: str, method: str, target: str, body: object = NO_BODY, *, raw: bytes | None = None, **kw: Any
) -> Any:
    data = raw if raw is not None else None if body is NO_BODY else json.dumps(body).encode()
    return pytest.param(Case(method, target, data, **kw), id=name)


def fails(code: grpc.StatusCode, message: str, *detail: Message, after: int = 0) -> Script:
    return Script(messages=after, failure=Failure(code, message, detail))


# ---- generated: one successful request per binding ------------------------------------------------------


def _fill_path(binding: Binding) -> str:
    ids = iter(range(1, 100))

    def variable(match: re.Match[str]) -> str:
        pattern = (match.group(2) or "*").replace("**", "deep/er")
        return re.sub(r"\*", lambda _: f"id{next(ids)}", pattern)

    return re.sub(r"\{([^}=]+)(?:=([^}]*))?\}", variable, binding.template.source)


def _query_text(fd: FieldDescriptor, value: Any) -> str:
    if fd.message_type is not None:  # a well-known type, in its proto3 JSON string form
        return str(json.loads(json_format.MessageToJson(value)))
    if fd.enum_type is not None:
        return str(fd.enum_type.values_by_number[value].name)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _query(binding: Binding, sample: Message) -> list[tuple[str, str]]:
    """Every top-level field the path and body leave free, under its JSON name."""
    if binding.body == "*":
        return []
    bound = {path[0] for path in binding.path_fields} | {binding.body}
    query: list[tuple[str, str]] = []
    for fd in binding.rpc.input.fields:
        if fd.name in bound or (
            fd.message_type is not None and not fd.message_type.full_name.startswith("google.")
        ):
            continue
        values = list(getattr(sample, fd.name)) if fd.is_repeated else [getattr(sample, fd.name)]
        query.extend((fd.json_name, _query_text(fd, value)) for value in values)
    return query


def _body(binding: Binding, sample: Message) -> object:
    """The sample request as JSON without the path-bound fields (they would collide), cut to the body."""
    if not binding.body:
        return NO_BODY
    data = json_format.MessageToDict(sample)
    for path in binding.path_fields:
        node, desc = data, binding.rpc.input
        for part in path[:-1]:
            fd = desc.fields_by_name[part]
            node, desc = node.get(fd.json_name, {}), message_of(fd)
        node.pop(desc.fields_by_name[path[-1]].json_name, None)
    return data if binding.body == "*" else data[binding.rpc.input.fields_by_name[binding.body].json_name]


def generated() -> Iterator[Any]:
    for rpc in RPCS:
        for binding in bindings_of(rpc):
            sample = fill(rpc.input_class(), seed=3)
            query = _query(binding, sample)
            target = _fill_path(binding) + (f"?{urlencode(query)}" if query else "")
            script = Script(messages=3) if rpc.server_streaming else Script()
            name = f"gen-{rpc.name}" + (f"-{binding.index}" if binding.index else "")
            yield case(name, binding.http_method, target, _body(binding, sample), script=script)


# ---- hand-written ---------------------------------------------------------------------------------------

C = grpc.StatusCode
BAD_TITLE = details.BadRequest(
    field_violations=[details.BadRequest.FieldViolation(field="job.title", description="x")]
)
EXISTS = details.ErrorInfo(reason="PROFILE_EXISTS", domain="jobmesh.dev", metadata={"email": "a@x.io"})
RETRY = details.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=500_000_000))
STALE = details.PreconditionFailure(
    violations=[details.PreconditionFailure.Violation(type="ETAG", subject="a1")]
)
SEARCH = "/v1/jobs:search?query=rust&remoteOnly=true&postedAfter=2026-01-01T00:00:00Z&ats=ATS_GREENHOUSE"
PATCHED = 'profile {name: "profiles/p1" display_name: "Ada" location {city: "B"}}'

# The two case tables are data, one request per entry: kept in rows rather than one argument per line.
# fmt: off
AGREEING = [
    case("get-job-response-body", "GET", "/v1/jobs/123"),
    case("get-resume-two-variables", "GET", "/v1/profiles/p1/resumes/r2"),
    case("get-artifact-three-variables", "GET", "/v1/applications/a1/runs/r2/artifacts/f3"),
    case("patch-profile-explicit-mask", "PATCH", "/v1/profiles/p1?updateMask=displayName,email",
         {"email": "a@x.io"}),
    case("patch-mask-snake-nested", "PATCH", "/v1/profiles/p1?update_mask=display_name,location.city", {}),
    case("batch-create", "POST", "/v1/jobs:batchCreate",
         {"requests": [{"job": {"ats": "ATS_LEVER"}}, {"requestId": "r"}]}),
    case("search-typed-query", "GET", SEARCH),
    case("list-applications-enum-name", "GET", "/v1/applications?state=STATE_QUEUED&pageSize=10"),
    case("list-applications-enum-number", "GET", "/v1/applications?state=2&page_size=5"),
    case("query-offset-plus-ampersand", "GET",
         "/v1/jobs:search?postedAfter=2026-01-01T01:00:00%2B01:00&query=a+b%20c&company=A%26B"),
    case("query-dotted-into-timestamp", "GET",
         "/v1/jobs:search?postedAfter.seconds=1767225600&postedAfter.nanos=5"),
    case("query-snake-names", "GET", "/v1/jobs?page_size=3&page_token=t&order_by=title%20desc"),
    case("query-unknown-keys-ignored", "GET", "/v1/jobs?unknown=1&pageSize=3&nested.unknown=2&pageSize.x=1"),
    case("query-bool-spellings", "GET", "/v1/jobs:search?remoteOnly=1&includeClosed=false"),
    case("query-int32-out-of-range", "GET", "/v1/jobs?pageSize=2147483648", status=400),
    case("query-bad-int", "GET", "/v1/jobs?pageSize=abc", status=400),
    case("query-bad-timestamp", "GET", "/v1/jobs:search?postedAfter=yesterday", status=400),
    case("query-bad-enum", "GET", "/v1/applications?state=STATE_BOGUS", status=400),
    case("login-body", "POST", "/v1/auth:login", {"email": "a@x.io", "password": "pw"},
         headers=(("Authorization", "Bearer t0k"),), metadata={"authorization": "Bearer t0k"}),
    case("delete-source-empty-response", "DELETE", "/v1/sources/s1", script=Script(empty=True)),
    case("approve-empty-object", "POST", "/v1/applications/a1:approve", {}),
    case("cancel-without-body", "POST", "/v1/applications/a1:cancel"),
    case("body-snake-case", "POST", "/v1/jobs", {"apply_url": "u", "posted_time": "2026-01-01T00:00:00Z",
         "workplace_type": "WORKPLACE_TYPE_REMOTE", "salary": {"min": "1e3"}, "locations": ["B", "R"]}),
    case("body-camel-case", "POST", "/v1/jobs", {"applyUrl": "u", "postedTime": "2026-01-01T01:00:00+01:00",
         "workplaceType": "WORKPLACE_TYPE_REMOTE", "salary": {"max": "2"}, "questions": [{"type": 3}]}),
    case("body-enum-numbers", "POST", "/v1/jobs", {"ats": 1, "workplaceType": 7}),
    case("body-int64-string-base64", "POST", "/v1/profiles/p1/resumes",
         {"sizeBytes": "9007199254740993", "content": "AP8+PwA="}),
    case("body-int64-number-base64url", "POST", "/v1/profiles/p1/resumes",
         {"size_bytes": 123, "content": "-_8"}),
    case("body-repeated-messages", "POST", "/v1/applications/a1:answer",
         {"answers": [{"questionId": "q1", "answer": "y"}, {"question_id": "q2"}], "etag": "e"}),
    case("body-null-values", "POST", "/v1/applications/a1:approve", {"etag": None, "planHash": "h"}),
    case("body-field-null", "POST", "/v1/jobs", None),
    case("body-bad-enum", "POST", "/v1/jobs", {"ats": "ATS_NOPE"}, status=400),
    case("body-bad-int64", "POST", "/v1/profiles/p1/resumes", {"sizeBytes": "12x"}, status=400),
    case("body-invalid-json", "POST", "/v1/applications/a1:approve", raw=b"{bad", status=400),
    case("body-star-array", "POST", "/v1/applications/a1:approve", [1], status=400),
    case("body-star-null", "POST", "/v1/jobs:batchCreate", None, status=400),
    case("path-percent-decoded", "GET", "/v1/jobs/a%20b%3Ac"),
    case("path-keeps-encoded-slash", "GET", "/v1/jobs/a%2Fb"),
    case("path-colon-inside-id", "GET", "/v1/applications/a1:explode"),
    case("path-verb-suffix-twice", "POST", "/v1/applications/a1:approve:approve", {}),
    case("path-unknown", "GET", "/v1/nothing", status=404),
    case("path-extra-segment", "GET", "/v1/jobs/1/extra", status=404),
    case("path-unknown-verb", "POST", "/v1/jobs:nope", {}, status=404),
    case("error-not-found", "GET", "/v1/jobs/1", script=fails(C.NOT_FOUND, "jobs/1 not found"), status=404),
    case("error-invalid-argument-bad-request", "POST", "/v1/jobs", {"company": "c"},
         script=fails(C.INVALID_ARGUMENT, "job.title is required", BAD_TITLE), status=400),
    case("error-unauthenticated-unicode", "GET", "/v1/profiles/p1",
         script=fails(C.UNAUTHENTICATED, "jeton expiré ✓"), status=401),
    case("error-already-exists-error-info", "POST", "/v1/profiles", {"email": "a@x.io"},
         script=fails(C.ALREADY_EXISTS, "profile exists", EXISTS), status=409),
    case("error-unavailable", "GET", "/v1/adapters", script=fails(C.UNAVAILABLE, "try later"), status=503),
    case("error-permission-denied", "DELETE", "/v1/jobs/9", script=fails(C.PERMISSION_DENIED, "no"),
         status=403),
    case("error-failed-precondition", "POST", "/v1/applications/a1:approve", {"etag": "old"},
         script=fails(C.FAILED_PRECONDITION, "stale etag", STALE), status=400),
    case("error-resource-exhausted-retry-info", "GET", "/v1/automation/queue",
         script=fails(C.RESOURCE_EXHAUSTED, "slow", RETRY), status=429),
    case("error-deadline-exceeded", "GET", "/v1/sources", script=fails(C.DEADLINE_EXCEEDED, "late"),
         status=504),
    case("error-internal", "GET", "/v1/profiles", script=fails(C.INTERNAL, "boom"), status=500),
    case("error-unimplemented", "POST", "/v1/automation:previewFill", {"url": "u"},
         script=fails(C.UNIMPLEMENTED, "no"), status=501),
    case("watch-stream", "GET", "/v1/applications/a1:watch", script=Script(messages=3)),
    case("watch-empty-stream", "GET", "/v1/applications/a1:watch", script=Script(messages=0)),
    case("watch-fails-before-first", "GET", "/v1/applications/a1:watch", script=fails(C.NOT_FOUND, "gone"),
         status=404),
]

DIFFERING = [
    case("enum-short-name-query", "GET", "/v1/jobs:search?ats=GREENHOUSE",
         differs=Differs("enum-short-names", 400, gateway_sends="ats: ATS_GREENHOUSE")),
    case("enum-short-name-body", "POST", "/v1/jobs", {"workplaceType": "REMOTE"},
         differs=Differs("enum-short-names", 400, gateway_sends="job {workplace_type: 3}")),
    case("unknown-body-field", "POST", "/v1/jobs", {"title": "t", "bogus": 1}, status=400,
         differs=Differs("unknown-body-fields", 200, envoy_sends='job {title: "t"}')),
    case("unknown-body-field-star", "POST", "/v1/auth:login", {"email": "a@x.io", "pasword": "x"}, status=400,
         differs=Differs("unknown-body-fields", 200, envoy_sends='email: "a@x.io"')),
    case("path-over-body-star", "POST", "/v1/applications/a1:approve", {"name": "applications/z", "etag": "e"},
         differs=Differs("path-over-body", 200, 'name: "applications/z" etag: "e"',
                         'name: "applications/a1" etag: "e"')),
    case("path-over-body-field", "PATCH", "/v1/profiles/p1?updateMask=email", {"name": "profiles/zz"},
         differs=Differs("path-over-body", 200, 'profile {name: "profiles/zz"} update_mask {paths: "email"}',
                         'profile {name: "profiles/p1"} update_mask {paths: "email"}')),
    case("query-not-into-body-field", "POST", "/v1/jobs?job.title=q&requestId=r1", {"company": "x"},
         differs=Differs("query-outside-body", 200, 'job {company: "x" title: "q"} request_id: "r1"',
                         'job {company: "x"} request_id: "r1"')),
    case("query-not-into-body-star", "POST", "/v1/jobs:batchCreate?requestId=zz", {"requests": []},
         differs=Differs("query-outside-body", 200, 'request_id: "zz"', "")),
    case("patch-update-mask-from-body", "PATCH", "/v1/profiles/p1",
         {"displayName": "Ada", "location": {"city": "B"}},
         differs=Differs("patch-update-mask", 200, PATCHED,
                         PATCHED + ' update_mask {paths: ["display_name", "location.city"]}')),
    case("singular-key-twice", "GET", "/v1/applications?state=STATE_QUEUED&state=STATE_RUNNING", status=400,
         differs=Differs("query-values", 200, envoy_sends="state: STATE_RUNNING")),
    case("bool-spelled-yes", "GET", "/v1/jobs:search?remoteOnly=yes", status=400,
         differs=Differs("query-values", 200, envoy_sends="remote_only: true")),
    case("encoded-slash-fallback", "GET", "/v1/profiles%2Fp1",
         differs=Differs("path-matching", 404, gateway_sends='name: "profiles/p1"')),
    case("trailing-slash", "GET", "/v1/jobs/", status=404,
         differs=Differs("path-matching", 200, envoy_sends="")),
    case("empty-body-for-body-field", "POST", "/v1/jobs", differs=Differs("empty-body", 200, "job {}", "")),
    case("wrong-method-put", "PUT", "/v1/jobs/1", status=405, differs=Differs("method-not-allowed", 404)),
    case("wrong-method-get-on-post", "GET", "/v1/auth:login", status=405,
         differs=Differs("method-not-allowed", 404)),
    case("stream-error-after-first", "GET", "/v1/applications/a1:watch",
         script=fails(C.UNAVAILABLE, "lost", after=2),
         differs=Differs("stream-errors", 200, 'name: "applications/a1"', 'name: "applications/a1"')),
    case("metadata-prefix", "GET", "/v1/jobs/1", headers=(("Grpc-Metadata-Tenant", "acme"),),
         metadata={"tenant": "acme"},
         differs=Differs("metadata-prefix", 200, 'name: "jobs/1"', 'name: "jobs/1"',
                         {"grpc-metadata-tenant": "acme"})),
]
# fmt: on

ALL_CASES = [*generated(), *AGREEING, *DIFFERING]
BODY_ONLY = frozenset({"stream-errors"})  # differences that show in the HTTP body alone


# ---- the rig and the comparison -------------------------------------------------------------------------


@dataclass
class Rig:
    """Envoy and the gateway in front of one recording upstream."""

    upstream: Upstream
    envoy: httpx.AsyncClient
    gateway: httpx.AsyncClient

    async def send(self, client: httpx.AsyncClient, case: Case) -> Outcome:
        self.upstream.reset(case.script)
        headers = dict(case.headers) | ({"content-type": "application/json"} if case.body is not None else {})
        response = await client.request(case.method, case.target, content=case.body, headers=headers)
        return Outcome(response.status_code, response.headers, response.text, list(self.upstream.calls))


@pytest.fixture(scope="module")
async def rig(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Rig]:
    workdir = tmp_path_factory.mktemp("envoy-transcoder")
    async with (
        recording_upstream(RPCS) as upstream,
        envoy_transcoder(DESCRIPTORS, SERVICES, upstream, workdir) as envoy_url,
    ):
        app = create_app({s: upstream.address for s in SERVICES}, None, request_timeout=5.0, static_dir=None)
        async with asgi_client(app) as gateway, httpx.AsyncClient(base_url=envoy_url, timeout=10.0) as envoy:
            yield Rig(upstream, envoy, gateway)


RESPONSE_FIELDS = {  # gRPC path → JSON name of the response_body field Envoy was not given
    rpc.grpc_path: rpc.output.fields_by_name[name].json_name
    for rpc in RPCS
    if (name := envoy_descriptor_set(DESCRIPTORS)[1].get(rpc.grpc_path))
}


def _expected(outcome: Outcome, text: str | None) -> list[tuple[str, str]]:
    if text is None:
        return []
    assert len(outcome.calls) == 1, outcome.calls
    method = outcome.calls[0].method
    return [(method, _text(text_format.Parse(text, INPUTS[method]())))]


def _assert_metadata(outcome: Outcome, expected: dict[str, str]) -> None:
    for call in outcome.calls:
        assert {key: call.metadata.get(key) for key in expected} == expected


def _assert_same_stream(case: Case, envoy: Outcome, gateway: Outcome) -> None:
    """[stream-framing] Envoy answers one JSON array, the gateway NDJSON `{"result": …}` lines."""
    lines = [json.loads(line) for line in gateway.text.splitlines() if line]
    results = [line["result"] for line in lines if "result" in line]
    assert results == json.loads(envoy.text) and len(results) == case.script.messages
    errors = [line["error"]["code"] for line in lines if "error" in line]
    if case.script.failure is None:
        assert errors == []
    else:  # [stream-errors] Envoy closes the array as if the stream had succeeded
        assert case.differs is not None and case.differs.entry == "stream-errors"
        assert errors == [case.script.failure.code.value[0]]


def _assert_same_answer(case: Case, envoy: Outcome, gateway: Outcome) -> None:
    if envoy.headers.get("content-type", "").startswith("text/plain"):
        # [local-errors] Envoy's own rejections are plain text; the gateway answers a google.rpc.Status.
        status = json.loads(gateway.text)
        assert envoy.status >= 400 and HTTP_BY_CODE[status["code"]] == gateway.status and status["message"]
    elif gateway.headers["content-type"] == NDJSON:
        _assert_same_stream(case, envoy, gateway)
    else:
        expected, actual = json.loads(envoy.text), json.loads(gateway.text)
        if envoy.status == 200 and envoy.calls and envoy.calls[0].method in RESPONSE_FIELDS:
            # [response-body] Envoy cannot serve response_body: it answers the whole response message.
            expected = expected.get(RESPONSE_FIELDS[envoy.calls[0].method], {})
        elif envoy.status != 200 and "details" not in expected:
            # [status-details] the gateway always writes `details`; Envoy omits it when empty.
            assert actual.pop("details") == []
        assert actual == expected


@pytest.mark.parametrize("case", ALL_CASES)
async def test_gateway_matches_envoy(rig: Rig, case: Case) -> None:
    envoy = await rig.send(rig.envoy, case)
    gateway = await rig.send(rig.gateway, case)
    assert gateway.status == case.status, gateway.text
    _assert_metadata(gateway, case.metadata)
    differs = case.differs
    if differs is None:
        assert envoy.status == case.status, envoy.text
        assert envoy.requests() == gateway.requests()
        assert len(gateway.calls) == (1 if case.status == 200 or case.script.failure else 0)
        _assert_metadata(envoy, case.metadata)
    else:
        assert envoy.status == differs.envoy_status, envoy.text
        assert envoy.requests() == _expected(envoy, differs.envoy_sends)
        assert gateway.requests() == _expected(gateway, differs.gateway_sends)
        _assert_metadata(envoy, differs.envoy_metadata)
        sides = [
            (o.status, o.requests(), m)
            for o, m in ((envoy, differs.envoy_metadata), (gateway, case.metadata))
        ]
        assert differs.entry in BODY_ONLY or sides[0] != sides[1], "the declared difference did not show"
        if gateway.status == 405:
            assert gateway.headers["allow"]
    if envoy.status == gateway.status:
        _assert_same_answer(case, envoy, gateway)


def test_each_difference_is_documented_with_its_cases() -> None:
    text = DIFFERENCES.read_text()
    sections = dict(re.findall(r"^## `([a-z-]+)`(.*?)(?=^## |\Z)", text, re.M | re.S))
    known = {param.id for param in ALL_CASES}
    for entry, section in sections.items():
        cited = set(re.findall(r"test_gateway_matches_envoy\[([\w-]+)\]", section))
        assert cited and cited <= known, (entry, cited - known)
    for param in ALL_CASES:
        differs = param.values[0].differs
        if differs is not None:
            assert f"test_gateway_matches_envoy[{param.id}]" in sections.get(differs.entry, ""), param.id
