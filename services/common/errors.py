"""Typed domain errors and their one mapping to gRPC status with rich details.

Service code raises these; the edge interceptor turns them into `google.rpc.Status`
(with ErrorInfo and BadRequest) at the edge. Anything else becomes INTERNAL with
no traceback or message from inside the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

log = logging.getLogger("jobmesh.errors")

DOMAIN = "jobmesh.dev"


class DomainError(Exception):
    """Base of every error a caller is meant to see."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN
    reason: str = "UNKNOWN"

    def __init__(self, message: str, *, reason: str | None = None, metadata: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if reason:
            self.reason = reason
        self.metadata = dict(metadata or {})

    def details(self) -> list[Any]:
        """The rich error details attached to the status."""
        return [error_details_pb2.ErrorInfo(reason=self.reason, domain=DOMAIN, metadata=self.metadata)]


class InvalidArgument(DomainError):
    """The request is malformed; `violations` names each bad field."""

    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_ARGUMENT"

    def __init__(self, violations: Iterable[tuple[str, str]], message: str | None = None):
        self.violations = list(violations)
        text = message or "; ".join(f"{f}: {d}" for f, d in self.violations) or "invalid argument"
        super().__init__(text)

    def details(self) -> list[Any]:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                for f, d in self.violations
            ]
        )
        return [*super().details(), bad]


class NotFound(DomainError):
    """The resource does not exist or is not the caller's."""

    code = grpc.StatusCode.NOT_FOUND
    reason = "NOT_FOUND"

    def __init__(self, name: str, message: str | None = None):
        super().__init__(message or f"{name} not found", metadata={"resource": name})
        self.resource_name = name

    def details(self) -> list[Any]:
        kind = self.resource_name.split("/")[0] if "/" in self.resource_name else ""
        info = error_details_pb2.ResourceInfo(resource_type=kind, resource_name=self.resource_name)
        return [*super().details(), info]


class AlreadyExists(DomainError):
    """A resource that must be unique exists already; `existing` names it."""

    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "ALREADY_EXISTS"

    def __init__(self, message: str, *, existing: str = "", reason: str | None = None):
        super().__init__(message, reason=reason, metadata={"existing": existing} if existing else None)
        self.existing = existing


class FailedPrecondition(DomainError):
    """The resource is not in a state that allows the call."""

    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "FAILED_PRECONDITION"


class Aborted(DomainError):
    """A concurrency conflict, e.g. a stale etag: re-read and retry."""

    code = grpc.StatusCode.ABORTED
    reason = "ABORTED"


class Unauthenticated(DomainError):
    """The caller did not prove who they are."""

    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""

    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "PERMISSION_DENIED"


class ResourceExhausted(DomainError):
    """A limit or quota was hit; retry later."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    reason = "RESOURCE_EXHAUSTED"


class Unavailable(DomainError):
    """A dependency is down; the call may be retried."""

    code = grpc.StatusCode.UNAVAILABLE
    reason = "UNAVAILABLE"


def to_status(error: DomainError) -> grpc.Status:
    """Builds the wire status (with packed details) for a domain error."""
    details = []
    for detail in error.details():
        packed = any_pb2.Any()
        packed.Pack(detail)
        details.append(packed)
    proto = status_pb2.Status(code=error.code.value[0], message=error.message, details=details)
    return rpc_status.to_status(proto)


_INTERNAL = status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")


async def abort(context: grpc.aio.ServicerContext[Any, Any], exc: BaseException) -> NoReturn:
    """Ends the call with the status for `exc`; unexpected errors are logged, never shown."""
    if isinstance(exc, DomainError):
        await context.abort_with_status(to_status(exc))
    log.exception("unhandled error", exc_info=exc)
    await context.abort_with_status(rpc_status.to_status(_INTERNAL))
    raise AssertionError("unreachable")  # abort_with_status always raises
