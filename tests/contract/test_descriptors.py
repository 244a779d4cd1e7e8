"""The contract, checked from the descriptor set every client and proxy uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.api import annotations_pb2, field_behavior_pb2, http_pb2
from google.protobuf import descriptor_pb2

from services.common.descriptors import SERVICES, load_descriptor_set

Method = tuple[str, descriptor_pb2.MethodDescriptorProto]


def _files() -> dict[str, descriptor_pb2.FileDescriptorProto]:
    return {f.name: f for f in load_descriptor_set().file}


def _messages() -> dict[str, descriptor_pb2.DescriptorProto]:
    found = {}
    for f in load_descriptor_set().file:
        for m in f.message_type:
            found[f"{f.package}.{m.name}"] = m
    return found


def _methods() -> Iterator[Method]:
    for f in load_descriptor_set().file:
        for s in f.service:
            full = f"{f.package}.{s.name}"
            if full in SERVICES:
                for m in s.method:
                    yield full, m


def _http(method: descriptor_pb2.MethodDescriptorProto) -> http_pb2.HttpRule:
    return method.options.Extensions[annotations_pb2.http]


def test_the_five_services_are_in_the_descriptor_set() -> None:
    present = {f"{f.package}.{s.name}" for f in load_descriptor_set().file for s in f.service}
    assert set(SERVICES) <= present


@pytest.mark.parametrize("service,method", list(_methods()), ids=lambda v: getattr(v, "name", v))
def test_every_rpc_has_an_http_binding(service: str, method: descriptor_pb2.MethodDescriptorProto) -> None:
    rule = _http(method)
    assert rule.WhichOneof("pattern") in {"get", "post", "patch", "put", "delete"}, f"{service}/{method.name}"
    path = getattr(rule, rule.WhichOneof("pattern"))
    assert path.startswith("/v1/")


def test_every_create_takes_a_request_id() -> None:
    messages = _messages()
    creates = [(s, m) for s, m in _methods() if m.name.startswith(("Create", "BatchCreate"))]
    assert len(creates) >= 6
    for service, method in creates:
        request = messages[method.input_type.lstrip(".")]
        assert "request_id" in {f.name for f in request.field}, f"{service}/{method.name}"


def test_every_list_paginates() -> None:
    messages = _messages()
    lists = [(s, m) for s, m in _methods() if m.name.startswith(("List", "Search"))]
    assert len(lists) >= 9
    for _service, method in lists:
        request = {f.name: f for f in messages[method.input_type.lstrip(".")].field}
        response = {f.name for f in messages[method.output_type.lstrip(".")].field}
        assert request["page_size"].type == descriptor_pb2.FieldDescriptorProto.TYPE_INT32, method.name
        assert request["page_token"].type == descriptor_pb2.FieldDescriptorProto.TYPE_STRING, method.name
        assert "next_page_token" in response, method.name


def test_resources_with_concurrency_control_carry_an_etag() -> None:
    messages = _messages()
    for name in ("jobmesh.profile.v1.Profile", "jobmesh.application.v1.Application"):
        assert "etag" in {f.name for f in messages[name].field}


def test_contract_names_that_clients_rely_on() -> None:
    messages = _messages()
    fields = {name: {f.name for f in m.field} for name, m in messages.items()}
    assert {"email", "password"} <= fields["jobmesh.auth.v1.LoginRequest"]
    assert {"access_token", "refresh_token", "expires_in"} <= fields["jobmesh.auth.v1.LoginResponse"]
    assert {"question_id", "answer"} <= fields["jobmesh.application.v1.QuestionAnswer"]
    assert {"selector", "label", "semantic", "value_preview", "source", "confidence"} <= fields[
        "jobmesh.application.v1.FilledField"
    ]
    assert {"kind", "board", "base_url", "last_sync_time", "job_count"} <= fields["jobmesh.job.v1.JobSource"]
    assert {"id", "label", "type", "required", "options"} <= fields["jobmesh.job.v1.Question"]


def test_output_only_and_required_fields_are_annotated() -> None:
    messages = _messages()
    profile = {f.name: f for f in messages["jobmesh.profile.v1.Profile"].field}
    behaviors = list(profile["create_time"].options.Extensions[field_behavior_pb2.field_behavior])
    assert field_behavior_pb2.OUTPUT_ONLY in behaviors


def test_descriptor_set_keeps_comments_for_docs() -> None:
    files = _files()
    job = files["jobmesh/job/v1/job_service.proto"]
    comments = [loc.leading_comments for loc in job.source_code_info.location if loc.leading_comments]
    assert any(c.strip().startswith("JobService") for c in comments)
