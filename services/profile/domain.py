"""The Profile service's domain values: profile fields, records, resource names and etags.

Plain dataclasses shared by the servicer, the use cases and the repository; no I/O
and no protobuf here.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from services.common.errors import InvalidArgument

# Flat field (= column) → its path in the `Profile` message.
SCALAR_PATHS: dict[str, str] = {
    "display_name": "display_name",
    "given_name": "given_name",
    "family_name": "family_name",
    "email": "email",
    "phone": "phone",
    "city": "location.city",
    "region": "location.region",
    "country": "location.country",
    "linkedin_url": "linkedin_url",
    "github_url": "github_url",
    "website_url": "website_url",
    "headline": "headline",
    "summary": "summary",
    "current_company": "current_company",
    "current_title": "current_title",
    "salary_expectation": "salary_expectation",
    "earliest_start_date": "earliest_start_date",
    "pronouns": "pronouns",
    "gender": "self_identification.gender",
    "race_ethnicity": "self_identification.race_ethnicity",
    "veteran_status": "self_identification.veteran_status",
    "disability_status": "self_identification.disability_status",
}
OTHER_FIELDS = ("work_authorized_countries", "requires_sponsorship", "answers", "default_resume")
WRITABLE_FIELDS: tuple[str, ...] = (*SCALAR_PATHS, *OTHER_FIELDS)

T = TypeVar("T")


@dataclass(frozen=True)
class AnswerEntry:
    """One answer-bank entry; `fingerprint` is derived from `question` by the service."""

    question: str
    answer: str
    fingerprint: str = ""
    update_time: datetime | None = None


@dataclass
class ProfileFields:
    """Every writable field of a profile, flattened (location and self-identification inlined)."""

    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    linkedin_url: str = ""
    github_url: str = ""
    website_url: str = ""
    headline: str = ""
    summary: str = ""
    current_company: str = ""
    current_title: str = ""
    salary_expectation: str = ""
    earliest_start_date: str = ""
    pronouns: str = ""
    gender: str = ""
    race_ethnicity: str = ""
    veteran_status: str = ""
    disability_status: str = ""
    work_authorized_countries: list[str] = field(default_factory=list)
    requires_sponsorship: bool | None = None  # None: the candidate has not said
    answers: list[AnswerEntry] = field(default_factory=list)
    default_resume: str = ""  # a resume resource name


def etag_of(resource_id: str, version: int) -> str:
    """A short opaque tag that changes whenever `version` does."""
    return hashlib.sha256(f"{resource_id}:{version}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ProfileRecord:
    """A stored profile as the caller sees it."""

    id: str
    owner_id: str
    version: int
    create_time: datetime
    update_time: datetime
    fields: ProfileFields

    @property
    def name(self) -> str:
        return f"profiles/{self.id}"

    @property
    def etag(self) -> str:
        return etag_of(self.id, self.version)


@dataclass(frozen=True)
class ResumeRecord:
    """A stored resume's metadata."""

    id: str
    profile_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    blob_key: str
    create_time: datetime

    @property
    def name(self) -> str:
        return resume_name(self.profile_id, self.id)


@dataclass(frozen=True)
class ResumeUpload:
    """A resume as uploaded: metadata plus the plaintext bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the token of the next."""

    items: list[T]
    next_page_token: str


def resume_name(profile_id: str, resume_id: str) -> str:
    return f"profiles/{profile_id}/resumes/{resume_id}"


def _uuid(text: str) -> str | None:
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        return None
    return text if str(parsed) == text else None


def parse_profile_name(name: str, field_path: str) -> str:
    """The profile id in `profiles/{uuid}`; INVALID_ARGUMENT naming `field_path` otherwise."""
    parts = name.split("/")
    profile_id = _uuid(parts[1]) if len(parts) == 2 and parts[0] == "profiles" else None
    if profile_id is None:
        raise InvalidArgument([(field_path, "must be a profile name, profiles/{uuid}")])
    return profile_id


def parse_resume_name(name: str, field_path: str) -> tuple[str, str]:
    """(profile id, resume id) of `profiles/{uuid}/resumes/{uuid}`."""
    parts = name.split("/")
    ok = len(parts) == 4 and parts[0] == "profiles" and parts[2] == "resumes"
    profile_id = _uuid(parts[1]) if ok else None
    resume_id = _uuid(parts[3]) if ok else None
    if profile_id is None or resume_id is None:
        raise InvalidArgument([(field_path, "must be a resume name, profiles/{uuid}/resumes/{uuid}")])
    return profile_id, resume_id
