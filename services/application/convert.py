"""Rows ⇄ protos for the Application service. No logic beyond mapping."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from jobmesh.application.v1 import application_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2
from services.application.models import ApplicationRow, EventRow
from services.application.service import etag_of
from services.common.timestamps import to_timestamp


def state_name(proto_value: int) -> str:
    """`STATE_QUEUED` → `QUEUED`; unspecified → ''."""
    name = pb.State.Name(proto_value)
    return "" if proto_value == 0 else name.removeprefix("STATE_")


def mode_name(proto_value: int) -> str:
    return "" if proto_value == 0 else pb.Mode.Name(proto_value).removeprefix("MODE_")


def _state(value: str) -> str:
    return f"STATE_{value}" if value else "STATE_UNSPECIFIED"


def question(data: dict[str, Any]) -> job_service_pb2.Question:
    return json_format.ParseDict(data, job_service_pb2.Question(), ignore_unknown_fields=True)


def application(row: ApplicationRow) -> pb.Application:
    message = pb.Application(
        name=f"applications/{row.id}",
        profile=row.profile,
        job=row.job,
        mode=f"MODE_{row.mode}",
        state=_state(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        etag=etag_of(row),
        resume=row.resume,
        cover_letter=row.cover_letter,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        submit_time=to_timestamp(row.submit_time),
    )
    message.pending_questions.extend(question(q) for q in row.pending_questions)
    if row.fill_plan:
        json_format.ParseDict(row.fill_plan, message.fill_plan, ignore_unknown_fields=True)
    for artifact in row.artifacts:
        message.artifacts.append(json_format.ParseDict(artifact, pb.Artifact(), ignore_unknown_fields=True))
    return message


def event(row: EventRow) -> pb.ApplicationEvent:
    return pb.ApplicationEvent(
        name=f"applications/{row.application_id}/events/{row.id}",
        type=row.type,
        from_state=_state(row.from_state),
        to_state=_state(row.to_state),
        message=row.message,
        create_time=to_timestamp(row.create_time),
    )
