"""gRPC status → HTTP status and google.rpc.Status JSON; header ⇄ metadata mapping."""

from __future__ import annotations

import base64

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from gateway.errors import HTTP_STATUS, GatewayError, rpc_error_status, status_json
from gateway.metadata import call_context, parse_grpc_timeout, response_headers

EXPECTED = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
}


def test_every_grpc_code_has_the_grpc_gateway_http_status() -> None:
    assert {code.name: status for code, status in HTTP_STATUS.items()} == EXPECTED


def _rpc_error(
    code: grpc.StatusCode, message: str, trailing: tuple[tuple[str, object], ...]
) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(*trailing), details=message)


def test_rpc_error_details_are_decoded_from_the_trailer() -> None:
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field="job.title", description="required")
        ]
    )
    packed = any_pb2.Any()
    packed.Pack(bad)
    status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message="title is required", details=[packed])
    err = _rpc_error(
        grpc.StatusCode.INVALID_ARGUMENT,
        "title is required",
        (("grpc-status-details-bin", status.SerializeToString()),),
    )
    http, body = rpc_error_status(err)
    assert http == 400
    assert body == {
        "code": 3,
        "message": "title is required",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "job.title", "description": "required"}],
            }
        ],
    }


def test_rpc_error_without_details_keeps_code_and_message() -> None:
    assert rpc_error_status(_rpc_error(grpc.StatusCode.ABORTED, "stale etag", ())) == (
        409,
        {"code": 10, "message": "stale etag", "details": []},
    )


def test_unknown_detail_types_keep_their_bytes() -> None:
    unknown = any_pb2.Any(type_url="type.googleapis.com/acme.Secret", value=b"\x01\x02")
    assert status_json(13, "x", [unknown])["details"] == [
        {"@type": "type.googleapis.com/acme.Secret", "value": base64.b64encode(b"\x01\x02").decode()}
    ]


def test_gateway_error_body_is_a_status() -> None:
    err = GatewayError(grpc.StatusCode.UNIMPLEMENTED, "Method Not Allowed", http_status=405)
    assert (err.http_status, err.body()) == (
        405,
        {"code": 12, "message": "Method Not Allowed", "details": []},
    )


def test_headers_become_metadata() -> None:
    headers = [
        ("authorization", "Bearer t0k"),
        ("grpc-metadata-tenant", "acme"),
        ("grpc-metadata-trace-bin", base64.b64encode(b"\x00\x01").decode()),
        ("grpc-metadata-grpc-status", "0"),
        ("grpc-metadata-Bad Key", "x"),
        ("x-request-id", "req-1"),
        ("x-forwarded-for", "10.0.0.1"),
        ("host", "api.example"),
        ("cookie", "secret"),
        ("grpc-timeout", "250m"),
    ]
    ctx = call_context(headers, "192.0.2.7")
    assert dict(ctx.metadata) == {
        "authorization": "Bearer t0k",
        "tenant": "acme",
        "trace-bin": b"\x00\x01",
        "x-request-id": "req-1",
        "x-forwarded-for": "10.0.0.1, 192.0.2.7",
        "x-forwarded-host": "api.example",
    }
    assert ctx.timeout == pytest.approx(0.25) and ctx.request_id == "req-1"


def test_a_request_id_is_generated_when_absent() -> None:
    first, second = call_context([], None), call_context([], None)
    assert first.request_id and first.request_id != second.request_id
    assert ("x-request-id", first.request_id) in first.metadata


@pytest.mark.parametrize(
    ("value", "seconds"), [("1H", 3600), ("2M", 120), ("3S", 3), ("5m", 0.005), ("7u", 7e-6)]
)
def test_grpc_timeout_units(value: str, seconds: float) -> None:
    assert parse_grpc_timeout(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["", "10", "1.5S", "-1S", "123456789S", "5x"])
def test_bad_grpc_timeout_is_400(value: str) -> None:
    with pytest.raises(GatewayError) as err:
        parse_grpc_timeout(value)
    assert err.value.http_status == 400


def test_response_metadata_becomes_prefixed_headers() -> None:
    headers = response_headers(
        [("x-served-by", "job"), ("blob-bin", b"\x01")], [("x-cost", "3"), ("grpc-status", "0")]
    )
    assert headers == [
        ("grpc-metadata-x-served-by", "job"),
        ("grpc-metadata-blob-bin", "AQ=="),
        ("grpc-trailer-x-cost", "3"),
    ]
