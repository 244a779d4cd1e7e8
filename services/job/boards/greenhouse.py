"""Greenhouse Job Board API documents (`/v1/boards/{board}/jobs[/{id}]`) → BoardJob.

Reads both the modern boards-api shape (company_name, first_published, offices with
locations, compliance and demographic question blocks) and the older embed shape.
Pure parsing: it never fetches.
"""

from __future__ import annotations

from typing import Any

from services.job.boards import fields as f
from services.job.boards.model import (
    BoardFormatError,
    BoardJob,
    BoardQuestion,
    ParseResult,
    QuestionType,
    SalaryRange,
)
from services.job.boards.sanitize import html_to_text, unescape_if_escaped

PUBLIC_JOB_URL = "https://job-boards.greenhouse.io/{board}/jobs/{id}"
_QUESTION_BLOCKS = ("questions", "location_questions", "compliance", "demographic_questions")
_FIELD_TYPES: dict[str, QuestionType] = {
    "input_text": "text",
    "textarea": "textarea",
    "input_file": "file",
    "multi_value_single_select": "select",
    "multi_value_multi_select": "multi_select",
}


def parse_greenhouse_jobs(
    document: bytes | str | object, board: str, *, company: str | None = None
) -> ParseResult:
    """A job list (`{jobs: [...], meta}`); `content=true` lists carry descriptions, others do not."""
    data = f.expect_dict(f.load_document(document), "Greenhouse job list")
    jobs = data.get("jobs")
    if not isinstance(jobs, list):
        raise BoardFormatError("Greenhouse job list has no `jobs` array")
    return f.collect(
        jobs, lambda raw: parse_greenhouse_posting(raw, board, company=company), "greenhouse", board
    )


def parse_greenhouse_job(
    document: bytes | str | object, board: str, *, company: str | None = None
) -> ParseResult:
    """One job's detail document; with `questions=true` it carries the application questions."""
    data = f.expect_dict(f.load_document(document), "Greenhouse job")
    return f.collect(
        [data], lambda raw: parse_greenhouse_posting(raw, board, company=company), "greenhouse", board
    )


def parse_greenhouse_posting(raw: dict[str, Any], board: str, *, company: str | None = None) -> BoardJob:
    """One posting object from a list or a detail document; raises JobSkip when unusable."""
    external_id = f.identifier(raw.get("id"))
    title = f.required_text(raw.get("title"), "title", limit=1000)
    location = f.text(f.optional_dict(raw.get("location"), "location").get("name"), "location.name")
    offices = f.optional_list(raw.get("offices"), "offices")
    office_places = [_str(o.get("location")) or _str(o.get("name")) for o in offices if isinstance(o, dict)]
    departments = f.optional_list(raw.get("departments"), "departments")
    department_names = [_str(d.get("name")) for d in departments if isinstance(d, dict)]
    metadata = _metadata(f.optional_list(raw.get("metadata"), "metadata"))
    workplace = f.workplace(metadata.get("workplace", ""), location)
    content = f.text(raw.get("content"), "content", limit=f.MAX_DESCRIPTION_BYTES * 2)
    html, plain = f.description(unescape_if_escaped(content), "content")
    return BoardJob(
        ats="greenhouse",
        board=board,
        external_id=external_id,
        company=f.company_name(company, f.text(raw.get("company_name"), "company_name"), board),
        title=title,
        apply_url=f.http_url(raw.get("absolute_url"), "absolute_url")
        or PUBLIC_JOB_URL.format(board=board, id=external_id),
        location=location or next((p for p in office_places if p), ""),
        locations=f.unique([location, *office_places]),
        remote=workplace == "remote",
        workplace_type=workplace,
        employment_type=f.employment_type(metadata.get("employment", "")),
        department=next((d for d in department_names if d), ""),
        salary=_salary(f.optional_list(raw.get("pay_input_ranges"), "pay_input_ranges")),
        description_html=html,
        description_text=plain,
        posted_time=f.timestamp(raw.get("first_published")) or f.timestamp(raw.get("updated_at")),
        updated_time=f.timestamp(raw.get("updated_at")),
        questions=_questions(raw) if any(key in raw for key in _QUESTION_BLOCKS) else None,
    )


def _str(value: object) -> str:
    """Secondary text (office names, option labels): wrong types are ignored, not fatal."""
    return value.strip() if isinstance(value, str) else ""


def _metadata(items: list[Any]) -> dict[str, str]:
    """Custom fields some boards use for employment and workplace type."""
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        name, value = _str(item.get("name")).lower(), item.get("value")
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), "")
        value = _str(value)
        if any(word in name for word in ("employment", "commitment", "job type")):
            found.setdefault("employment", value)
        elif any(word in name for word in ("workplace", "remote", "location type", "work type")):
            found.setdefault("workplace", value)
    return found


def _salary(ranges: list[Any]) -> SalaryRange | None:
    for entry in ranges:
        if not isinstance(entry, dict):
            continue
        low, high = f.number(entry.get("min_cents")), f.number(entry.get("max_cents"))
        found = f.salary(
            None if low is None else low / 100,
            None if high is None else high / 100,
            _str(entry.get("currency_type")),
            f.pay_interval(_str(entry.get("title")) + " " + _str(entry.get("blurb"))),
        )
        if found:
            return found
    return None


def _questions(raw: dict[str, Any]) -> tuple[BoardQuestion, ...]:
    out: list[BoardQuestion] = []
    for block in ("questions", "location_questions"):
        for question in _list(raw.get(block)):
            out.extend(_field_questions(question))
    for section in _list(raw.get("compliance")):
        if isinstance(section, dict):
            for question in _list(section.get("questions")):
                out.extend(_field_questions(question))
    demographic = raw.get("demographic_questions")
    if isinstance(demographic, dict):
        out.extend(q for q in map(_demographic_question, _list(demographic.get("questions"))) if q)
    return tuple(out)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _field_questions(question: object) -> list[BoardQuestion]:
    """One question may offer alternative fields (a resume file or pasted text): the first carries
    `required`, the alternatives are optional so a filler may use either."""
    if not isinstance(question, dict):
        return []
    label = _str(question.get("label"))
    description = _help_text(question.get("description"))
    required = question.get("required") is True
    out: list[BoardQuestion] = []
    for field in _list(question.get("fields")):
        if not isinstance(field, dict) or not _str(field.get("name")) or field.get("type") == "input_hidden":
            continue
        options = tuple(o for o in (_option(v) for v in _list(field.get("values"))) if o)
        out.append(
            BoardQuestion(
                id=_str(field.get("name")),
                label=label or _str(field.get("name")),
                type=_question_type(_str(field.get("type")), options),
                required=required and not out,
                options=options,
                description=description,
            )
        )
    return out


def _demographic_question(question: object) -> BoardQuestion | None:
    if not isinstance(question, dict) or question.get("id") is None:
        return None
    options = tuple(o for o in (_option(v) for v in _list(question.get("answer_options"))) if o)
    return BoardQuestion(
        id=f"demographic_{question['id']}",
        label=_str(question.get("label")),
        type=_question_type(_str(question.get("type")), options),
        required=question.get("required") is True,
        options=options,
        description=_help_text(question.get("description")),
    )


def _option(value: object) -> str:
    if isinstance(value, dict):
        return _str(value.get("label"))
    return _str(value)


def _help_text(value: object) -> str:
    return html_to_text(unescape_if_escaped(value)) if isinstance(value, str) else ""


_GUESSED_TYPES: tuple[tuple[str, QuestionType], ...] = (
    ("multi", "multi_select"),
    ("select", "select"),
    ("date", "date"),
    ("number", "number"),
    ("boolean", "boolean"),
    ("checkbox", "boolean"),
    ("file", "file"),
    ("textarea", "textarea"),
)


def _question_type(raw: str, options: tuple[str, ...]) -> QuestionType:
    lowered = raw.lower()
    default: QuestionType = "text"
    guessed = next((guess for word, guess in _GUESSED_TYPES if word in lowered), default)
    kind: QuestionType = _FIELD_TYPES.get(raw, guessed)
    if kind == "select" and sorted(o.lower() for o in options) == ["no", "yes"]:
        return "boolean"
    return kind
