"""The OpenAPI 3.1 document generated from the descriptor set."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import descriptor_pb2
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from gateway.contract import Contract
from gateway.openapi import OpenApiBuilder
from gateway.routes import RouteTable
from gateway.transcode import Plan
from gateway.values import Schema
from services.common.descriptors import load_descriptor_set


def _document(descriptor_set: descriptor_pb2.FileDescriptorSet) -> dict[str, Any]:
    contract = Contract(descriptor_set)
    schema = Schema(rpc.input for rpc in contract.rpcs)
    plans = [Plan.compile(b, schema) for b in RouteTable.build(contract.rpcs).bindings()]
    return OpenApiBuilder(contract).build(plans)


@pytest.fixture(scope="module")
def jobmesh() -> dict[str, Any]:
    return _document(load_descriptor_set())


def test_jobmesh_document_is_valid_openapi_3_1(jobmesh: dict[str, Any]) -> None:
    assert jobmesh["openapi"] == "3.1.0"
    validate(jobmesh, cls=OpenAPIV31SpecValidator)


def test_test_service_document_is_valid_and_has_additional_bindings(
    messaging_set: descriptor_pb2.FileDescriptorSet,
) -> None:
    doc = _document(messaging_set)
    validate(doc, cls=OpenAPIV31SpecValidator)
    assert doc["paths"]["/v1/messages/{message_id}"]["get"]["operationId"] == "Messaging_GetMessage"
    assert (
        doc["paths"]["/v1/users/{user_id}/messages/{message_id}"]["get"]["operationId"]
        == "Messaging_GetMessage2"
    )
    [download] = doc["paths"]["/v1/files/{file}:download"]["get"]["parameters"]
    assert download["name"] == "file" and "several path segments" in download["description"]
    search = {p["name"]: p for p in doc["paths"]["/v1/messages:search"]["get"]["parameters"]}
    assert search["sub.count"]["schema"] == {"type": "string", "format": "int64"}
    assert search["tags"]["explode"] is True and search["tags"]["schema"]["type"] == "array"
    assert "labels" not in search


def test_every_rpc_is_an_operation_with_path_and_query_parameters(jobmesh: dict[str, Any]) -> None:
    ops = {op["operationId"]: (path, op) for path, item in jobmesh["paths"].items() for op in item.values()}
    assert len(ops) == len(Contract(load_descriptor_set()).rpcs)
    path, get_resume = ops["ProfileService_GetResume"]
    assert path == "/v1/profiles/{profile}/resumes/{resume}"
    assert [(p["name"], p["in"], p["required"]) for p in get_resume["parameters"]] == [
        ("profile", "path", True),
        ("resume", "path", True),
    ]
    assert "`name` = `profiles/{profile}/resumes/{resume}`" in get_resume["parameters"][1]["description"]
    assert ops["ProfileService_UpdateProfile"][0] == "/v1/profiles/{profile}"
    assert ops["JobService_DeleteJob"][0] == ops["JobService_GetJob"][0] == "/v1/jobs/{job}"
    _, search = ops["JobService_SearchJobs"]
    params = {p["name"]: p for p in search["parameters"]}
    assert params["postedAfter"]["schema"] == {"type": "string", "format": "date-time"}
    assert params["ats"]["schema"] == {"$ref": "#/components/schemas/jobmesh.job.v1.Ats"}
    assert all(p["in"] == "query" for p in params.values())


def test_request_bodies_follow_the_binding(jobmesh: dict[str, Any]) -> None:
    create = jobmesh["paths"]["/v1/jobs"]["post"]["requestBody"]
    assert create["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/jobmesh.job.v1.Job"
    }
    approve = jobmesh["paths"]["/v1/applications/{application}:approve"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert set(approve["properties"]) == {"etag", "planHash"}
    update = jobmesh["paths"]["/v1/profiles/{profile}"]["patch"]
    assert "name" not in update["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "updateMask" in {p["name"] for p in update["parameters"]}
    assert "requestBody" not in jobmesh["paths"]["/v1/jobs:search"]["get"]


def test_component_schemas_use_proto3_json_types(jobmesh: dict[str, Any]) -> None:
    schemas = jobmesh["components"]["schemas"]
    job = schemas["jobmesh.job.v1.Job"]
    assert job["description"].startswith("Job is a public job posting")
    assert (
        job["properties"]["createTime"]["format"] == "date-time"
        and job["properties"]["createTime"]["readOnly"]
    )
    assert set(job["required"]) == {"company", "title", "applyUrl"}
    assert schemas["jobmesh.profile.v1.Resume"]["properties"]["sizeBytes"]["type"] == "string"
    assert schemas["jobmesh.profile.v1.Resume"]["properties"]["content"]["format"] == "byte"
    assert schemas["jobmesh.job.v1.Ats"]["enum"][1] == "ATS_GREENHOUSE"
    assert "google.rpc.Status" in schemas and "google.rpc.BadRequest" in schemas
    update_mask = schemas["jobmesh.profile.v1.UpdateProfileRequest"]["properties"]["updateMask"]
    assert update_mask["type"] == "string"


def test_bearer_auth_everywhere_but_register_login_refresh(jobmesh: dict[str, Any]) -> None:
    assert jobmesh["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    public = set()
    for item in jobmesh["paths"].values():
        for op in item.values():
            if op["security"] == []:
                public.add(op["operationId"])
            else:
                assert op["security"] == [{"bearerAuth": []}]
            assert op["responses"]["default"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/google.rpc.Status"
            }
    assert public == {"AuthService_Register", "AuthService_Login", "AuthService_Refresh"}


def test_streaming_rpc_documents_both_framings(jobmesh: dict[str, Any]) -> None:
    watch = jobmesh["paths"]["/v1/applications/{application}:watch"]["get"]["responses"]["200"]["content"]
    assert set(watch) == {"application/x-ndjson", "text/event-stream"}
