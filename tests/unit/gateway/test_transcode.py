"""HTTP → request message: path variables, query parameters, JSON bodies, update masks; and back."""

from __future__ import annotations

import base64
import json

import pytest
from google.protobuf import json_format
from google.protobuf.message import Message

from gateway.errors import GatewayError
from gateway.transcode import Plan

from .conftest import Build


def _violations(err: pytest.ExceptionInfo[GatewayError]) -> list[tuple[str, str]]:
    body = err.value.body()
    assert body["code"] == 3 and err.value.http_status == 400
    [detail] = body["details"]
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    return [(v["field"], v["description"]) for v in detail["fieldViolations"]]


def _dict(msg: Message) -> dict[str, object]:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def test_path_variables_set_nested_fields(build: Build) -> None:
    msg = build("GET", "/v1/messages/7/deep", [("revision", "3")], rpc="GetSubMessage")
    assert _dict(msg) == {"message_id": "7", "sub": {"subfield": "deep"}, "revision": "3"}


def test_query_parameters_of_every_kind(build: Build) -> None:
    query = [
        ("query", "hello world"),
        ("tags", "a"),
        ("tags", "b"),
        ("kind", "KIND_NOTE"),
        ("kinds", "2"),
        ("kinds", "NOTE"),
        ("unread", "true"),
        ("after", "2024-05-01T10:00:00+02:00"),
        ("within", "1.5s"),
        ("readMask", "text,sub.subfield,createTime"),
        ("sub.count", "-9007199254740993"),
        ("sub.kind", "ALERT"),
        ("page_size", "25"),
        ("big", "18446744073709551615"),
        ("score", "2.5e3"),
        ("token", base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=")),
        ("limit", "4"),
        ("labels[env]", "prod"),
        ("group", "eng"),
        ("unknownThing", "ignored"),
    ]
    msg = build("GET", "/v1/messages:search", query, rpc="SearchMessages")
    assert _dict(msg) == {
        "query": "hello world",
        "tags": ["a", "b"],
        "kind": "KIND_NOTE",
        "kinds": ["KIND_ALERT", "KIND_NOTE"],
        "unread": True,
        "after": "2024-05-01T08:00:00Z",
        "within": "1.500s",
        "read_mask": "text,sub.subfield,createTime",
        "sub": {"count": "-9007199254740993", "kind": "KIND_ALERT"},
        "page_size": 25,
        "big": "18446744073709551615",
        "score": 2500.0,
        "token": base64.b64encode(b"\xff\xfe").decode(),
        "limit": 4,
        "labels": {"env": "prod"},
        "group": "eng",
    }
    assert list(msg.read_mask.paths) == ["text", "sub.subfield", "create_time"]


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("pageSize", "ten", "is not a valid int32"),
        ("page_size", "2147483648", "is not a valid int32"),
        ("big", "-1", "is not a valid uint64"),
        ("unread", "maybe", "is not a boolean"),
        ("kind", "KIND_LOUD", "is not a value of gatewaytest.v1.Kind"),
        ("kind", "7", "is not a value of gatewaytest.v1.Kind"),
        ("after", "yesterday", "is not an RFC 3339 timestamp"),
        ("within", "5 minutes", "is not a duration"),
        ("score", "1_0", "is not a number"),
        ("sub.count", "1.5", "is not a valid int64"),
        ("token", "***", "is not base64"),
    ],
)
def test_bad_query_values_are_400_naming_the_parameter(
    build: Build, key: str, value: str, reason: str
) -> None:
    with pytest.raises(GatewayError) as err:
        build("GET", "/v1/messages:search", [(key, value)])
    [(field, description)] = _violations(err)
    assert field == key and reason in description


def test_singular_field_given_twice_is_400(build: Build) -> None:
    with pytest.raises(GatewayError) as err:
        build("GET", "/v1/messages:search", [("query", "a"), ("query", "b")])
    assert _violations(err)[0][0] == "query"


def test_second_member_of_a_oneof_is_400(build: Build) -> None:
    with pytest.raises(GatewayError) as err:
        build("GET", "/v1/messages:search", [("user", "u"), ("group", "g")])
    assert "oneof target" in _violations(err)[0][1]


def test_query_cannot_override_path_or_body_fields(build: Build) -> None:
    msg = build(
        "GET", "/v1/messages/7", [("messageId", "8"), ("message_id", "9"), ("userId", "u")], rpc="GetMessage"
    )
    assert _dict(msg) == {"message_id": "7", "user_id": "u"}
    created = build("POST", "/v1/messages", [("message.text", "q"), ("requestId", "r1")], b'{"text": "b"}')
    assert _dict(created) == {"message": {"text": "b"}, "request_id": "r1"}


def test_body_field_accepts_json_and_proto_names_and_enum_spellings(build: Build) -> None:
    body = json.dumps(
        {
            "text": "hi",
            "kind": "ALERT",
            "sub": {"subfield": "x", "count": "12", "kind": 1},
            "create_time": "2024-01-01T00:00:00Z",
            "views": 3,
            "counts": {"a": 1},
            "ttl": "60s",
        }
    ).encode()
    msg = build("POST", "/v1/messages", body=body, rpc="CreateMessage")
    assert _dict(msg)["message"] == {
        "text": "hi",
        "kind": "KIND_ALERT",
        "sub": {"subfield": "x", "count": "12", "kind": "KIND_NOTE"},
        "create_time": "2024-01-01T00:00:00Z",
        "views": "3",
        "counts": {"a": 1},
        "ttl": "60s",
    }


def test_body_star_fills_the_whole_request_and_path_wins(build: Build) -> None:
    body = b'{"requests": [{"message": {"text": "a", "kind": "NOTE"}, "requestId": "1"}]}'
    msg = build("POST", "/v1/messages:batchCreate", body=body)
    assert _dict(msg) == {"requests": [{"message": {"text": "a", "kind": "KIND_NOTE"}, "request_id": "1"}]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"text": "a", "colour": "red"}', "message.colour"),
        (b'{"sub": {"nope": 1}}', "message.sub.nope"),
    ],
)
def test_unknown_body_fields_are_400_naming_the_field(build: Build, body: bytes, field: str) -> None:
    with pytest.raises(GatewayError) as err:
        build("POST", "/v1/messages", body=body)
    [(named, _)] = _violations(err)
    assert named == field
    assert field in err.value.message


def test_unknown_field_in_a_repeated_message_is_named_with_its_index(build: Build) -> None:
    with pytest.raises(GatewayError) as err:
        build("POST", "/v1/messages:batchCreate", body=b'{"requests": [{}, {"message": {"x": 1}}]}')
    assert _violations(err)[0][0] == "requests[1].message.x"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"views": "lots"}', "message.views"),
        (b'{"kind": "KIND_LOUD"}', "message.kind"),
        (b'{"createTime": "noon"}', "message.createTime"),
        (b'{"tags": "one"}', "message.tags"),
    ],
)
def test_badly_typed_body_values_are_400_naming_the_field(build: Build, body: bytes, field: str) -> None:
    with pytest.raises(GatewayError) as err:
        build("POST", "/v1/messages", body=body)
    assert _violations(err)[0][0] == field


@pytest.mark.parametrize("body", [b"{", b"[1", b"\xff"])
def test_malformed_json_is_400(build: Build, body: bytes) -> None:
    with pytest.raises(GatewayError) as err:
        build("POST", "/v1/messages", body=body)
    assert "not valid JSON" in err.value.message


def test_body_star_must_be_an_object(build: Build) -> None:
    with pytest.raises(GatewayError) as err:
        build("POST", "/v1/auth:register", body=b"[1]")
    assert err.value.http_status == 400


def test_empty_body_is_an_empty_message(build: Build) -> None:
    assert _dict(build("POST", "/v1/auth:register")) == {}


def test_patch_fills_update_mask_from_body_fields(build: Build) -> None:
    body = b'{"text": "new", "sub": {"count": "2", "kind": "NOTE"}, "tags": ["x"], "createTime": "2024-01-01T00:00:00Z", "counts": {"a": 1}}'
    msg = build("PATCH", "/v1/messages/9", body=body, rpc="UpdateMessage")
    # create_time is output only: sent back as read, it is not asked to change.
    assert list(msg.update_mask.paths) == ["counts", "sub.count", "sub.kind", "tags", "text"]
    assert _dict(msg)["message"]["name"] == "messages/9"


def test_patch_of_only_output_fields_names_them_rather_than_replacing_everything(build: Build) -> None:
    msg = build(
        "PATCH", "/v1/messages/9", body=b'{"createTime": "2024-01-01T00:00:00Z"}', rpc="UpdateMessage"
    )
    assert list(msg.update_mask.paths) == ["create_time"]


def test_patch_keeps_an_explicit_update_mask(build: Build) -> None:
    msg = build("PATCH", "/v1/messages/9", [("updateMask", "text")], b'{"text": "new", "views": 1}')
    assert list(msg.update_mask.paths) == ["text"]


def test_patch_with_empty_nested_object_masks_that_field(build: Build) -> None:
    msg = build("PATCH", "/v1/messages/9", body=b'{"sub": {}}')
    assert list(msg.update_mask.paths) == ["sub"]


def test_response_omits_defaults_uses_camel_case_and_int64_strings(
    plans: dict[tuple[str, int], Plan],
) -> None:
    plan = plans[("GetMessage", 0)]
    reply = plan.binding.rpc.output_class(name="messages/1", views=5, tags=[], kind=2)
    assert json.loads(plan.render(reply)) == {"name": "messages/1", "kind": "KIND_ALERT", "views": "5"}


def test_response_body_renders_one_field(plans: dict[tuple[str, int], Plan]) -> None:
    plan = plans[("GetText", 0)]
    assert json.loads(plan.render(plan.binding.rpc.output_class(text="hello"))) == "hello"
    assert json.loads(plan.render(plan.binding.rpc.output_class())) == ""
