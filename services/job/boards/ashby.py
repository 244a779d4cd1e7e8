"""Ashby Posting API documents (`/posting-api/job-board/{board}`, `{jobs: [...]}`) → BoardJob.

Postings with `isListed: false` are left out, as the board itself leaves them out.
Compensation comes from `includeCompensation=true`: the salary component of
`summaryComponents` (or of the first tier). Pure parsing: it never fetches.
"""

from __future__ import annotations

from typing import Any

from services.job.boards import fields as f
from services.job.boards.model import BoardFormatError, BoardJob, ParseResult, SalaryRange

PUBLIC_JOB_URL = "https://jobs.ashbyhq.com/{board}/{id}"


def parse_ashby_board(
    document: bytes | str | object, board: str, *, company: str | None = None
) -> ParseResult:
    """A whole job board."""
    data = f.expect_dict(f.load_document(document), "Ashby job board")
    jobs = data.get("jobs")
    if not isinstance(jobs, list):
        raise BoardFormatError("Ashby job board has no `jobs` array")
    # Unlisted postings are reachable by direct link only: the employer keeps them off the board.
    jobs = [job for job in jobs if not (isinstance(job, dict) and job.get("isListed") is False)]
    return f.collect(jobs, lambda raw: parse_ashby_posting(raw, board, company=company), "ashby", board)


def parse_ashby_posting(raw: dict[str, Any], board: str, *, company: str | None = None) -> BoardJob:
    """One posting object; raises JobSkip when unusable."""
    external_id = f.identifier(raw.get("id"))
    title = f.required_text(raw.get("title"), "title", limit=1000)
    location = f.text(raw.get("location"), "location")
    secondary = [
        f.text(item.get("location"), "secondaryLocations.location")
        for item in f.optional_list(raw.get("secondaryLocations"), "secondaryLocations")
        if isinstance(item, dict)
    ]
    workplace = f.workplace(f.text(raw.get("workplaceType"), "workplaceType"), location)
    if raw.get("isRemote") is True and workplace == "":
        workplace = "remote"
    html, plain = f.description(
        f.text(raw.get("descriptionHtml"), "descriptionHtml", limit=f.MAX_DESCRIPTION_BYTES * 2)
    )
    job_url = f.http_url(raw.get("jobUrl"), "jobUrl") or PUBLIC_JOB_URL.format(board=board, id=external_id)
    return BoardJob(
        ats="ashby",
        board=board,
        external_id=external_id,
        company=f.company_name(company, "", board),
        title=title,
        apply_url=f.http_url(raw.get("applyUrl"), "applyUrl") or f"{job_url.rstrip('/')}/application",
        location=location or next((p for p in secondary if p), ""),
        locations=f.unique([location, *secondary]),
        remote=workplace == "remote",
        workplace_type=workplace,
        employment_type=f.employment_type(f.text(raw.get("employmentType"), "employmentType")),
        department=f.text(raw.get("department"), "department") or f.text(raw.get("team"), "team"),
        salary=_salary(f.optional_dict(raw.get("compensation"), "compensation")),
        description_html=html,
        description_text=plain,
        posted_time=f.timestamp(raw.get("publishedAt")),
        updated_time=f.timestamp(raw.get("updatedAt")),
        questions=(),
    )


def _salary(compensation: dict[str, Any]) -> SalaryRange | None:
    components = [c for c in _list(compensation.get("summaryComponents")) if isinstance(c, dict)]
    for tier in _list(compensation.get("compensationTiers")):
        if isinstance(tier, dict):
            components.extend(c for c in _list(tier.get("components")) if isinstance(c, dict))
    summary = _str(compensation.get("scrapeableCompensationSalarySummary")) or _str(
        compensation.get("compensationTierSummary")
    )
    for component in components:
        if _str(component.get("compensationType")).lower() != "salary":
            continue
        found = f.salary(
            component.get("minValue"),
            component.get("maxValue"),
            _str(component.get("currencyCode")),
            f.pay_interval(_str(component.get("interval"))),
            summary or _str(component.get("summary")),
        )
        if found:
            return found
    return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
