"""The normalised posting every board parser produces, and its content hash and dedupe key.

Pure data: no I/O, no parsing of any board's shape (that is in the per-ATS modules).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Ats = Literal["greenhouse", "lever", "ashby"]
WorkplaceType = Literal["on_site", "hybrid", "remote", ""]
QuestionType = Literal["text", "textarea", "select", "multi_select", "boolean", "file", "date", "number"]

ATS_KINDS: tuple[Ats, ...] = ("greenhouse", "lever", "ashby")


class BoardFormatError(ValueError):
    """A board response is unusable as a whole: not JSON, or not the shape the board API returns."""


@dataclass(frozen=True)
class SalaryRange:
    """A posted pay range; `interval` is YEAR, MONTH, WEEK, DAY, HOUR or "" when unknown."""

    min: float | None
    max: float | None
    currency: str = ""
    interval: str = ""
    summary: str = ""


@dataclass(frozen=True)
class BoardQuestion:
    """One question of a posting's application form, as the board publishes it."""

    id: str
    label: str
    type: QuestionType
    required: bool = False
    options: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class BoardJob:
    """A posting normalised from any board.

    `questions` is None when the board was not asked for them (e.g. a Greenhouse
    job whose detail was skipped as unchanged) and () when the board has none.
    `listing_hash` covers everything but the questions, so a listing and its
    detail share it; `content_hash` covers everything.
    """

    ats: Ats
    board: str
    external_id: str
    company: str
    title: str
    apply_url: str
    location: str = ""
    locations: tuple[str, ...] = ()
    remote: bool = False
    workplace_type: WorkplaceType = ""
    employment_type: str = ""
    department: str = ""
    salary: SalaryRange | None = None
    description_html: str = ""
    description_text: str = ""
    posted_time: datetime | None = None
    updated_time: datetime | None = None
    questions: tuple[BoardQuestion, ...] | None = None
    listing_hash: str = field(init=False, default="")
    content_hash: str = field(init=False, default="")
    dedupe_key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        content = _canonical(self)
        questions = content.pop("questions")
        object.__setattr__(self, "listing_hash", _sha256(content))
        object.__setattr__(self, "content_hash", _sha256({"listing": content, "questions": questions}))
        object.__setattr__(self, "dedupe_key", dedupe_key(self.company, self.title, self.location))


@dataclass
class ParseResult:
    """Postings read from a board; `errors` name the postings left out, `warnings` the degraded ones."""

    jobs: list[BoardJob] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        """Appends another result's postings, errors and warnings."""
        self.jobs.extend(other.jobs)
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)


def _canonical(job: BoardJob) -> dict[str, Any]:
    data = asdict(job)
    for computed in ("listing_hash", "content_hash", "dedupe_key"):
        data.pop(computed)
    for key in ("posted_time", "updated_time"):
        value = data[key]
        data[key] = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else None
    return data


def _sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_COMPANY_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "gmbh",
        "mbh",
        "ag",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "srl",
        "spa",
        "pty",
        "pte",
        "kk",
        "kg",
        "ug",
    ]
)
_TITLE_WORDS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "engr": "engineer",
    "eng": "engineer",
    "dev": "developer",
    "vp": "vice president",
    "svp": "senior vice president",
    "dir": "director",
    "assoc": "associate",
    "asst": "assistant",
    "admin": "administrator",
    "ii": "2",
    "iii": "3",
    "iv": "4",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-cases, strips accents, turns punctuation into spaces and folds whitespace."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", plain).split())


def normalise_company(company: str) -> str:
    """The company name without legal-form suffixes or a leading "the"."""
    words = fold(company).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def normalise_title(title: str) -> str:
    """The job title with common abbreviations spelled out."""
    return " ".join(_TITLE_WORDS.get(word, word) for word in fold(title).split())


def dedupe_key(company: str, title: str, location: str) -> str:
    """A fingerprint equal for the same job posted twice or on two boards."""
    parts = (normalise_company(company), normalise_title(title), fold(location))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
