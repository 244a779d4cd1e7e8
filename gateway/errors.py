"""Errors as the REST client sees them: gRPC status → HTTP status, and `google.rpc.Status` JSON bodies.

The one place that maps codes; rich details come from the upstream's `grpc-status-details-bin` trailer.
Must never put a traceback or an exception's repr in a response.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2, json_format
from google.protobuf.message import DecodeError, Message
from google.rpc import error_details_pb2, status_pb2

DETAILS_KEY = "grpc-status-details-bin"

HTTP_STATUS: Mapping[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
}


def code_number(code: grpc.StatusCode) -> int:
    """The numeric value of a gRPC status code (INVALID_ARGUMENT → 3)."""
    number: int = code.value[0]
    return number


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, the encoding of every gateway response body."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def detail_json(detail: any_pb2.Any) -> dict[str, Any]:
    """One packed detail in proto3 JSON; unknown types keep their bytes, base64-encoded."""
    try:
        return json_format.MessageToDict(detail)
    except (TypeError, KeyError, json_format.Error):
        return {"@type": detail.type_url, "value": base64.b64encode(detail.value).decode()}


def status_json(code: int, message: str, details: Iterable[any_pb2.Any] = ()) -> dict[str, Any]:
    """A `google.rpc.Status` in the JSON form grpc-gateway writes (code and message always present)."""
    return {"code": code, "message": message, "details": [detail_json(d) for d in details]}


def pack(messages: Sequence[Message]) -> list[any_pb2.Any]:
    """Packs detail messages into Any."""
    packed = []
    for msg in messages:
        item = any_pb2.Any()
        item.Pack(msg)
        packed.append(item)
    return packed


class GatewayError(Exception):
    """A request the gateway answers itself with a Status body (bad input, no route, ...)."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        http_status: int | None = None,
        details: Sequence[Message] = (),
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status or HTTP_STATUS.get(code, 500)
        self.details = pack(details)
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return status_json(code_number(self.code), self.message, self.details)


def bad_request(violations: Sequence[tuple[str, str]], message: str | None = None) -> GatewayError:
    """INVALID_ARGUMENT with a BadRequest detail naming each bad field."""
    detail = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d) for f, d in violations
        ]
    )
    text = message or "; ".join(f"{f}: {d}" if f else d for f, d in violations)
    return GatewayError(grpc.StatusCode.INVALID_ARGUMENT, text, details=[detail])


def rpc_error_status(err: grpc.aio.AioRpcError) -> tuple[int, dict[str, Any]]:
    """The HTTP status and Status JSON for a failed upstream call, details decoded from its trailer."""
    code = err.code()
    message = err.details() or ""
    details: list[any_pb2.Any] = []
    for key, value in err.trailing_metadata() or ():
        if key == DETAILS_KEY and isinstance(value, bytes):
            try:
                status = status_pb2.Status.FromString(value)
            except DecodeError:
                break
            if status.code == code_number(code):
                message = status.message or message
                details = list(status.details)
            break
    return HTTP_STATUS.get(code, 500), status_json(code_number(code), message, details)
