"""Checks of caller input: resource names, hand-made postings and job sources.

Every check collects all violations (field path, description) before failing, so one
INVALID_ARGUMENT names every bad field. It builds domain values; it does no I/O.
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from services.common.errors import InvalidArgument
from services.common.netguard import NetworkGuard
from services.job.boards.sanitize import html_to_text, sanitize_html
from services.job.domain import ATS_VALUES, BOARD_KINDS, QUESTION_TYPES, WORKPLACE_VALUES, JobDraft, Salary

Violations = list[tuple[str, str]]

MAX_TEXT = 1000
MAX_URL = 4000
MAX_DESCRIPTION = 2 * 1024 * 1024
MAX_LOCATIONS = 100
MAX_QUESTIONS = 500
DEFAULT_SYNC_MINUTES = 60
MAX_SYNC_MINUTES = 7 * 24 * 60
BOARD_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_name(name: str, collection: str, field_name: str = "name") -> str:
    """The id of `{collection}/{uuid}`; INVALID_ARGUMENT naming `field_name` otherwise."""
    prefix, sep, ident = name.partition("/")
    if not name:
        raise InvalidArgument([(field_name, "is required")])
    if prefix != collection or not sep or not ident or "/" in ident:
        raise InvalidArgument([(field_name, f"must look like {collection}/{{id}}, got {name[:200]!r}")])
    try:
        parsed = uuid.UUID(ident)
    except ValueError as exc:
        raise InvalidArgument([(field_name, f"{ident[:200]!r} is not a valid id")]) from exc
    return str(parsed)


@dataclass
class JobInput:
    """The writable fields of a Job as the caller sent them; enum values as domain strings ("" = unset)."""

    ats: str = ""
    board: str = ""
    external_id: str = ""
    company: str = ""
    title: str = ""
    apply_url: str = ""
    location: str = ""
    locations: list[str] = field(default_factory=list)
    remote: bool = False
    workplace_type: str = ""
    employment_type: str = ""
    department: str = ""
    salary: Salary | None = None
    description: str = ""
    posted_time: datetime | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def _short(
    violations: Violations, path: str, value: str, limit: int = MAX_TEXT, *, required: bool = False
) -> None:
    if required and not value.strip():
        violations.append((path, "is required"))
    elif len(value) > limit:
        violations.append((path, f"must be at most {limit} characters"))
    elif "\x00" in value:
        violations.append((path, "must not contain NUL characters"))


def job_violations(job: JobInput, prefix: str) -> Violations:
    """Every problem of one posting, with field paths under `prefix` (e.g. `requests[2].job`)."""
    v: Violations = []
    _short(v, f"{prefix}.company", job.company, required=True)
    _short(v, f"{prefix}.title", job.title, required=True)
    if not job.apply_url.strip():
        v.append((f"{prefix}.apply_url", "is required"))
    elif len(job.apply_url) > MAX_URL or not is_http_url(job.apply_url.strip()):
        v.append((f"{prefix}.apply_url", "must be an absolute http or https URL"))
    if job.ats and job.ats not in ATS_VALUES:
        v.append((f"{prefix}.ats", "is not a known ATS"))
    for name in ("board", "external_id", "employment_type", "department"):
        _short(v, f"{prefix}.{name}", getattr(job, name), 200)
    _short(v, f"{prefix}.location", job.location)
    if len(job.locations) > MAX_LOCATIONS:
        v.append((f"{prefix}.locations", f"must list at most {MAX_LOCATIONS} locations"))
    for i, place in enumerate(job.locations):
        _short(v, f"{prefix}.locations[{i}]", place)
    if job.workplace_type and job.workplace_type not in WORKPLACE_VALUES:
        v.append((f"{prefix}.workplace_type", "is not a known workplace type"))
    if len(job.description.encode("utf-8", errors="replace")) > MAX_DESCRIPTION:
        v.append((f"{prefix}.description", f"must be at most {MAX_DESCRIPTION} bytes"))
    v.extend(_salary_violations(job.salary, f"{prefix}.salary"))
    v.extend(_question_violations(job.questions, f"{prefix}.questions"))
    return v


def _salary_violations(salary: Salary | None, path: str) -> Violations:
    if salary is None:
        return []
    v: Violations = []
    for name in ("min", "max"):
        amount = getattr(salary, name)
        if amount is not None and (not math.isfinite(amount) or amount < 0):
            v.append((f"{path}.{name}", "must be a finite amount of at least 0"))
    if salary.min and salary.max and salary.min > salary.max:
        v.append((f"{path}.max", "must not be below salary.min"))
    if salary.currency and not _CURRENCY.match(salary.currency):
        v.append((f"{path}.currency", "must be a three-letter ISO 4217 code such as USD"))
    _short(v, f"{path}.interval", salary.interval, 20)
    _short(v, f"{path}.summary", salary.summary, 200)
    return v


def _question_violations(questions: list[dict[str, Any]], path: str) -> Violations:
    if len(questions) > MAX_QUESTIONS:
        return [(path, f"must list at most {MAX_QUESTIONS} questions")]
    v: Violations = []
    for i, q in enumerate(questions):
        _short(v, f"{path}[{i}].id", q["id"], 200, required=True)
        _short(v, f"{path}[{i}].label", q["label"], 2000, required=True)
        _short(v, f"{path}[{i}].description", q["description"], 4000)
        if q["type"] not in QUESTION_TYPES:
            v.append((f"{path}[{i}].type", "is not a known question type"))
        if len(q["options"]) > 1000:
            v.append((f"{path}[{i}].options", "must list at most 1000 options"))
    return v


def job_draft(job: JobInput) -> JobDraft:
    """A checked posting as a draft: GENERIC when no ATS is named, external id from the apply URL
    when none is given, description sanitised."""
    apply_url = job.apply_url.strip()
    external_id = job.external_id.strip() or hashlib.sha256(apply_url.encode()).hexdigest()[:32]
    description = sanitize_html(job.description) if job.description.strip() else ""
    salary = job.salary
    if salary is not None and salary.min is None and salary.max is None and not salary.summary:
        salary = None
    return JobDraft.build(
        ats=job.ats or "generic",
        board=job.board.strip(),
        external_id=external_id,
        company=job.company.strip(),
        title=job.title.strip(),
        apply_url=apply_url,
        location=job.location.strip(),
        locations=tuple(p.strip() for p in job.locations if p.strip()),
        remote=job.remote or job.workplace_type == "remote",
        workplace_type=job.workplace_type,
        employment_type=job.employment_type.strip(),
        department=job.department.strip(),
        salary=salary,
        description=description,
        description_text=html_to_text(description) if description else "",
        posted_time=job.posted_time,
        questions=tuple(job.questions),
    )


@dataclass(frozen=True)
class SourceInput:
    """The writable fields of a JobSource as the caller sent them; kind as a domain string."""

    kind: str
    board: str
    base_url: str = ""
    display_name: str = ""
    sync_interval_minutes: int = 0


def checked_source(source: SourceInput, guard: NetworkGuard) -> SourceInput:
    """The source with defaults applied (display name, interval, base URL without a trailing
    slash); INVALID_ARGUMENT naming every bad `source.*` field."""
    v: Violations = []
    if source.kind not in BOARD_KINDS:
        v.append(("source.kind", "must be ATS_GREENHOUSE, ATS_LEVER or ATS_ASHBY"))
    if not BOARD_TOKEN.match(source.board):
        v.append(("source.board", "must be a board token: letters, digits, '.', '_' or '-', at most 100"))
    base_url = source.base_url.strip().rstrip("/")
    if base_url:
        problem = base_url_problem(base_url, guard)
        if problem:
            v.append(("source.base_url", problem))
    _short(v, "source.display_name", source.display_name, 200)
    minutes = source.sync_interval_minutes
    if minutes < 0 or minutes > MAX_SYNC_MINUTES:
        v.append(("source.sync_interval_minutes", f"must be between 0 (default) and {MAX_SYNC_MINUTES}"))
    if v:
        raise InvalidArgument(v)
    return SourceInput(
        kind=source.kind,
        board=source.board,
        base_url=base_url,
        display_name=source.display_name.strip() or source.board,
        sync_interval_minutes=minutes or DEFAULT_SYNC_MINUTES,
    )


def base_url_problem(value: str, guard: NetworkGuard) -> str:
    """Why a board API origin may not be used ("" when it may): only the public board API hosts
    over https, or hosts the operator allowed. No DNS lookup here; every fetch is checked again."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, ValueError, TypeError):
        return "is not a valid URL"
    if url.scheme not in ("http", "https") or not url.host:
        return "must be an absolute http or https URL"
    if url.userinfo:
        return "must not contain a user name or password"
    if url.query or url.fragment:
        return "must not have a query or fragment"
    port = url.port or (443 if url.scheme == "https" else 80)
    if guard.is_allowed_host(url.host, port):
        return ""
    if guard.is_ats_host(url.host):
        return "" if url.scheme == "https" and port == 443 else "board API hosts must be reached over https"
    return f"host {url.host!r} is neither a board API host nor an allowed host"
