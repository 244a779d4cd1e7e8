"""Lever Postings API documents (`/v0/postings/{board}?mode=json`, an array) → BoardJob.

The description shown to candidates is Lever's own page layout: the opening text,
each titled list, then the closing `additional` text. Pure parsing: it never fetches.
"""

from __future__ import annotations

from typing import Any

from services.job.boards import fields as f
from services.job.boards.model import BoardFormatError, BoardJob, ParseResult

PUBLIC_JOB_URL = "https://jobs.lever.co/{board}/{id}"


def parse_lever_postings(
    document: bytes | str | object, board: str, *, company: str | None = None
) -> ParseResult:
    """One page of postings."""
    data = f.load_document(document)
    if not isinstance(data, list):
        raise BoardFormatError(f"Lever postings must be a JSON array, got {type(data).__name__}")
    return f.collect(data, lambda raw: parse_lever_posting(raw, board, company=company), "lever", board)


def parse_lever_posting(raw: dict[str, Any], board: str, *, company: str | None = None) -> BoardJob:
    """One posting object; raises JobSkip when unusable."""
    external_id = f.identifier(raw.get("id"))
    title = f.required_text(raw.get("text"), "text", limit=1000)
    categories = f.optional_dict(raw.get("categories"), "categories")
    location = f.text(categories.get("location"), "categories.location")
    all_locations = [
        f.text(place, "categories.allLocations")
        for place in f.optional_list(categories.get("allLocations"), "categories.allLocations")
    ]
    workplace = f.workplace(f.text(raw.get("workplaceType"), "workplaceType"), location)
    html, plain = f.description(_description_html(raw))
    hosted = f.http_url(raw.get("hostedUrl"), "hostedUrl") or PUBLIC_JOB_URL.format(
        board=board, id=external_id
    )
    pay = f.optional_dict(raw.get("salaryRange"), "salaryRange")
    return BoardJob(
        ats="lever",
        board=board,
        external_id=external_id,
        company=f.company_name(company, "", board),
        title=title,
        apply_url=f.http_url(raw.get("applyUrl"), "applyUrl") or f"{hosted.rstrip('/')}/apply",
        location=location or next((p for p in all_locations if p), ""),
        locations=f.unique([location, *all_locations]),
        remote=workplace == "remote",
        workplace_type=workplace,
        employment_type=f.employment_type(f.text(categories.get("commitment"), "categories.commitment")),
        department=f.text(categories.get("department"), "categories.department")
        or f.text(categories.get("team"), "categories.team"),
        salary=f.salary(
            pay.get("min"),
            pay.get("max"),
            f.text(pay.get("currency"), "salaryRange.currency"),
            f.pay_interval(f.text(pay.get("interval"), "salaryRange.interval")),
        ),
        description_html=html,
        description_text=plain,
        posted_time=f.timestamp(raw.get("createdAt")),
        updated_time=f.timestamp(raw.get("updatedAt")),
        questions=(),
    )


def _description_html(raw: dict[str, Any]) -> str:
    limit = f.MAX_DESCRIPTION_BYTES * 2
    parts = [f.text(raw.get("description"), "description", limit=limit)]
    for item in f.optional_list(raw.get("lists"), "lists"):
        if not isinstance(item, dict):
            raise f.JobSkip("lists entry is not an object")
        heading = f.text(item.get("text"), "lists.text")
        body = f.text(item.get("content"), "lists.content", limit=limit)
        parts.append(f"<h3>{_escape(heading)}</h3><ul>{body}</ul>" if heading else f"<ul>{body}</ul>")
    parts.append(f.text(raw.get("additional"), "additional", limit=limit))
    return "\n".join(p for p in parts if p)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
