"""Small builders and error readers shared by the Job service tests."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jobmesh.job.v1 import job_service_pb2 as pb


def job(title: str = "Backend Engineer", company: str = "Acme", **fields: object) -> pb.Job:
    """A hand-made posting; the apply URL is unique per title unless given."""
    values: dict[str, object] = {
        "title": title,
        "company": company,
        "apply_url": f"https://careers.example.test/{company}/{title}".replace(" ", "-"),
        **fields,
    }
    return pb.Job(**values)  # type: ignore[arg-type]


def violations(err: grpc.aio.AioRpcError) -> dict[str, str]:
    """The BadRequest field violations of an INVALID_ARGUMENT error, by field."""
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    found: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found


def reason(err: grpc.aio.AioRpcError) -> str:
    """The ErrorInfo reason of an error."""
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""
