"""The Job service's domain values: a posting ready to store (`JobDraft`), a sync's outcome
(`SyncReport`) and the vocabularies (ATS kinds, workplace types) shared by every layer.

Pure data and pure functions: no I/O, no protobuf, no SQL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.job.boards.model import BoardJob, BoardQuestion, dedupe_key

ATS_VALUES = ("greenhouse", "lever", "ashby", "generic")
BOARD_KINDS = ("greenhouse", "lever", "ashby")
WORKPLACE_VALUES = ("on_site", "hybrid", "remote")
QUESTION_TYPES = ("text", "textarea", "select", "multi_select", "boolean", "file", "date", "number")


@dataclass(frozen=True)
class Salary:
    min: float | None
    max: float | None
    currency: str = ""
    interval: str = ""
    summary: str = ""


@dataclass(frozen=True)
class JobDraft:
    """A posting as it will be written to the catalog, hashes and dedupe key included.

    `questions` None means "not known this time": an existing row keeps its questions.
    """

    ats: str
    board: str
    external_id: str
    company: str
    title: str
    apply_url: str
    location: str = ""
    locations: tuple[str, ...] = ()
    remote: bool = False
    workplace_type: str = ""
    employment_type: str = ""
    department: str = ""
    salary: Salary | None = None
    description: str = ""
    description_text: str = ""
    posted_time: datetime | None = None
    questions: tuple[dict[str, Any], ...] | None = None
    listing_hash: str = ""
    content_hash: str = ""
    dedupe_key: str = ""

    @classmethod
    def build(cls, **values: Any) -> JobDraft:
        """A draft whose hashes and dedupe key are computed from its content."""
        draft = cls(**values)
        content = asdict(draft)
        for computed in ("listing_hash", "content_hash", "dedupe_key"):
            content.pop(computed)
        questions = content.pop("questions")
        listing = _sha256(content)
        return cls(
            **{
                **values,
                "listing_hash": listing,
                "content_hash": _sha256({"listing": listing, "questions": questions}),
                "dedupe_key": dedupe_key(draft.company, draft.title, draft.location),
            }
        )


def draft_from_board(job: BoardJob) -> JobDraft:
    """A board posting as a draft; it keeps the board's own hashes and dedupe key."""
    salary = None
    if job.salary is not None:
        s = job.salary
        salary = Salary(s.min, s.max, s.currency, s.interval, s.summary)
    return JobDraft(
        ats=job.ats,
        board=job.board,
        external_id=job.external_id,
        company=job.company,
        title=job.title,
        apply_url=job.apply_url,
        location=job.location,
        locations=job.locations,
        remote=job.remote,
        workplace_type=job.workplace_type,
        employment_type=job.employment_type,
        department=job.department,
        salary=salary,
        description=job.description_html,
        description_text=job.description_text,
        posted_time=job.posted_time,
        questions=None if job.questions is None else tuple(question_dict(q) for q in job.questions),
        listing_hash=job.listing_hash,
        content_hash=job.content_hash,
        dedupe_key=job.dedupe_key,
    )


def question_dict(question: BoardQuestion) -> dict[str, Any]:
    """A question as stored in the `questions` jsonb column."""
    return {
        "id": question.id,
        "label": question.label,
        "type": question.type,
        "required": question.required,
        "options": list(question.options),
        "description": question.description,
    }


@dataclass
class SyncReport:
    """What one sync of a source did; `failure` is set when the board could not be read at all."""

    start_time: datetime
    end_time: datetime | None = None
    added: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    failure: str = ""
    failure_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The report as stored in `sources.last_sync`."""
        data = asdict(self)
        data["start_time"] = self.start_time.astimezone(UTC).isoformat()
        data["end_time"] = self.end_time.astimezone(UTC).isoformat() if self.end_time else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncReport:
        """The inverse of `to_json`."""
        values = dict(data)
        values["start_time"] = datetime.fromisoformat(values["start_time"])
        end = values.get("end_time")
        values["end_time"] = datetime.fromisoformat(end) if end else None
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


def _sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
