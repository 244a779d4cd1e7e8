"""Protobuf ⇄ domain for the Job service: messages in, stored rows and reports out.

Mapping only: no validation beyond reading enums, no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import timestamp_pb2

from jobmesh.job.v1 import job_service_pb2 as pb
from services.common.timestamps import to_timestamp
from services.job.domain import Salary, SyncReport
from services.job.models import Job, JobSource
from services.job.repository import SearchFilters
from services.job.sources import SourceView
from services.job.validation import JobInput, SourceInput

_WORKPLACE_TO_PB = {
    "on_site": pb.WORKPLACE_TYPE_ON_SITE,
    "hybrid": pb.WORKPLACE_TYPE_HYBRID,
    "remote": pb.WORKPLACE_TYPE_REMOTE,
}
_WORKPLACE_FROM_PB = {v: k for k, v in _WORKPLACE_TO_PB.items()}
_QUESTION_NAMES = frozenset(pb.QuestionType.keys())


def ats_from_pb(value: int) -> str:
    """ATS_GREENHOUSE → "greenhouse"; unspecified → ""; an unknown number → "unknown"."""
    if value == pb.ATS_UNSPECIFIED:
        return ""
    try:
        return pb.Ats.Name(value).removeprefix("ATS_").lower()
    except ValueError:
        return "unknown"


def ats_to_pb(value: str) -> Any:
    return pb.Ats.Value(f"ATS_{value.upper()}")


def _from_time(message: Any, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    ts: timestamp_pb2.Timestamp = getattr(message, field)
    return ts.ToDatetime(tzinfo=UTC)


def job_input(job: pb.Job) -> JobInput:
    """The writable fields of a Job message; output-only fields are ignored."""
    salary = None
    if job.HasField("salary"):
        s = job.salary
        salary = Salary(
            s.min or None, s.max or None, s.currency.strip().upper(), s.interval.strip(), s.summary.strip()
        )
    return JobInput(
        ats=ats_from_pb(job.ats),
        board=job.board,
        external_id=job.external_id,
        company=job.company,
        title=job.title,
        apply_url=job.apply_url,
        location=job.location,
        locations=list(job.locations),
        remote=job.remote,
        workplace_type=_WORKPLACE_FROM_PB.get(job.workplace_type, ""),
        employment_type=job.employment_type,
        department=job.department,
        salary=salary,
        description=job.description,
        posted_time=_from_time(job, "posted_time"),
        questions=[
            {
                "id": q.id,
                "label": q.label,
                "type": _question_type(q.type),
                "required": q.required,
                "options": list(q.options),
                "description": q.description,
            }
            for q in job.questions
        ],
    )


def _question_type(value: int) -> str:
    """The domain question type; UNSPECIFIED means "answer with text", an unknown number is refused later."""
    if value == pb.QUESTION_TYPE_UNSPECIFIED:
        return "text"
    if value not in pb.QuestionType.values():
        return "unknown"
    return pb.QuestionType.Name(value).removeprefix("QUESTION_TYPE_").lower()


def _question(data: dict[str, Any]) -> pb.Question:
    kind = f"QUESTION_TYPE_{str(data.get('type', '')).upper()}"
    return pb.Question(
        id=data.get("id", ""),
        label=data.get("label", ""),
        type=kind if kind in _QUESTION_NAMES else "QUESTION_TYPE_UNSPECIFIED",
        required=bool(data.get("required")),
        options=list(data.get("options", [])),
        description=data.get("description", ""),
    )


def job_to_pb(job: Job) -> pb.Job:
    message = pb.Job(
        name=f"jobs/{job.id}",
        source=f"sources/{job.source_id}" if job.source_id else "",
        ats=ats_to_pb(job.ats),
        external_id=job.external_id,
        company=job.company,
        title=job.title,
        location=job.location,
        remote=job.remote,
        description=job.description,
        apply_url=job.apply_url,
        questions=[_question(q) for q in job.questions or []],
        posted_time=to_timestamp(job.posted_time),
        board=job.board,
        locations=list(job.locations),
        workplace_type=_WORKPLACE_TO_PB.get(job.workplace_type, pb.WORKPLACE_TYPE_UNSPECIFIED),
        employment_type=job.employment_type,
        description_text=job.description_text,
        department=job.department,
        state=pb.JOB_STATE_OPEN if job.state == "OPEN" else pb.JOB_STATE_CLOSED,
        canonical_job=f"jobs/{job.canonical_id}" if job.canonical_id else "",
        create_time=to_timestamp(job.create_time),
        update_time=to_timestamp(job.update_time),
        close_time=to_timestamp(job.close_time),
    )
    if job.salary_min is not None or job.salary_max is not None or job.salary_summary:
        message.salary.CopyFrom(
            pb.SalaryRange(
                min=job.salary_min or 0.0,
                max=job.salary_max or 0.0,
                currency=job.salary_currency,
                interval=job.salary_interval,
                summary=job.salary_summary,
            )
        )
    return message


def search_filters(request: pb.SearchJobsRequest) -> SearchFilters:
    return SearchFilters(
        query=request.query,
        company=request.company.strip(),
        location=request.location.strip(),
        remote_only=request.remote_only,
        posted_after=_from_time(request, "posted_after"),
        ats=ats_from_pb(request.ats),
        include_closed=request.include_closed,
    )


def source_input(source: pb.JobSource) -> SourceInput:
    return SourceInput(
        kind=ats_from_pb(source.kind),
        board=source.board,
        base_url=source.base_url,
        display_name=source.display_name,
        sync_interval_minutes=source.sync_interval_minutes,
    )


def sync_result_to_pb(report: SyncReport) -> pb.SyncResult:
    return pb.SyncResult(
        added=report.added,
        updated=report.updated,
        closed=report.closed,
        unchanged=report.unchanged,
        skipped=report.skipped,
        errors=list(report.errors),
        start_time=to_timestamp(report.start_time),
        end_time=to_timestamp(report.end_time),
    )


def source_to_pb(view: SourceView) -> pb.JobSource:
    source: JobSource = view.source
    message = pb.JobSource(
        name=f"sources/{source.id}",
        kind=ats_to_pb(source.kind),
        board=source.board,
        base_url=source.base_url,
        last_sync_time=to_timestamp(source.last_sync_time),
        job_count=view.job_count,
        display_name=source.display_name,
        sync_interval_minutes=source.sync_interval_minutes,
        create_time=to_timestamp(source.create_time),
    )
    report = view.last_sync
    if report is not None:
        message.last_sync.CopyFrom(sync_result_to_pb(report))
    return message
