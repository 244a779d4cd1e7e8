"""Input rules of the Profile and Auth services: pure functions that normalise and collect violations.

Every check returns (field path, description) pairs rather than raising, so a
request with several bad fields is rejected once with all of them. No I/O here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from urllib.parse import urlsplit

from services.common.questions import fingerprint, normalize_question
from services.profile.countries import COUNTRY_CODES
from services.profile.domain import SCALAR_PATHS, AnswerEntry, ProfileFields

Violation = tuple[str, str]

MAX_EMAIL = 254
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_URL = 2048
MAX_ANSWERS = 500
MAX_QUESTION = 1000
MAX_ANSWER = 10_000
MAX_COUNTRIES = 300
MAX_REQUEST_ID = 128

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"^(?P<local>{_LOCAL})@(?P<domain>(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}}))$"
)
_PHONE = re.compile(r"^[0-9 +\-().]{5,32}$")
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$")

# Upper bounds of the free-text fields; names follow the contract, the rest are generous caps.
MAX_LENGTHS: dict[str, int] = {
    "display_name": 200,
    "given_name": 200,
    "family_name": 200,
    "city": 200,
    "region": 200,
    "headline": 300,
    "summary": 10_000,
    "current_company": 200,
    "current_title": 200,
    "salary_expectation": 200,
    "earliest_start_date": 100,
    "pronouns": 64,
    "gender": 200,
    "race_ethnicity": 200,
    "veteran_status": 200,
    "disability_status": 200,
}
URL_FIELDS = ("linkedin_url", "github_url", "website_url")


def email_problem(email: str) -> str | None:
    """Why `email` (already trimmed) is not an address, or None."""
    if len(email) > MAX_EMAIL:
        return f"must be at most {MAX_EMAIL} characters"
    match = _EMAIL.match(email)
    if match is None:
        return "must be an email address like name@example.com"
    if len(match.group("local")) > 64:
        return "the part before @ must be at most 64 characters"
    return None


def normalize_email(email: str) -> str:
    """Account emails compare case-insensitively: trimmed and lowercased."""
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"must be at most {MAX_PASSWORD} characters"
    return None


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_HOST.match(host))
    return True


def url_problem(url: str) -> str | None:
    if len(url) > MAX_URL:
        return f"must be at most {MAX_URL} characters"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return "must be an http or https URL"
    if parts.scheme.lower() not in ("http", "https") or not _is_host(host):
        return "must be an http or https URL"
    return None


def phone_problem(phone: str) -> str | None:
    if not _PHONE.match(phone) or not any(c.isdigit() for c in phone):
        return "must be 5 to 32 digits, spaces and + - ( ) . characters"
    return None


def _path(flat: str) -> str:
    return "profile." + SCALAR_PATHS.get(flat, flat)


def _check_scalars(fields: ProfileFields) -> list[Violation]:
    problems: list[Violation] = []
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(fields, name)) > limit:
            problems.append((_path(name), f"must be at most {limit} characters"))
    if fields.email and (problem := email_problem(fields.email)):
        problems.append((_path("email"), problem))
    if fields.phone and (problem := phone_problem(fields.phone)):
        problems.append((_path("phone"), problem))
    for name in URL_FIELDS:
        value = getattr(fields, name)
        if value and (problem := url_problem(value)):
            problems.append((_path(name), problem))
    if fields.country and fields.country not in COUNTRY_CODES:
        problems.append((_path("country"), "must be an ISO 3166-1 alpha-2 code, e.g. DE"))
    return problems


def _check_countries(codes: list[str]) -> tuple[list[str], list[Violation]]:
    problems: list[Violation] = []
    if len(codes) > MAX_COUNTRIES:
        problems.append(("profile.work_authorized_countries", f"must have at most {MAX_COUNTRIES} entries"))
    unique: list[str] = []
    for i, code in enumerate(codes):
        if code not in COUNTRY_CODES:
            problems.append(
                (f"profile.work_authorized_countries[{i}]", "must be an ISO 3166-1 alpha-2 code, e.g. DE")
            )
        elif code not in unique:
            unique.append(code)
    return unique, problems


def _check_answers(answers: list[AnswerEntry]) -> tuple[list[AnswerEntry], list[Violation]]:
    problems: list[Violation] = []
    if len(answers) > MAX_ANSWERS:
        problems.append(("profile.answers", f"must have at most {MAX_ANSWERS} entries"))
    by_fingerprint: dict[str, AnswerEntry] = {}
    for i, entry in enumerate(answers):
        question = entry.question.strip()
        if not normalize_question(question):
            problems.append((f"profile.answers[{i}].question", "is required and must contain words"))
        elif len(question) > MAX_QUESTION:
            problems.append((f"profile.answers[{i}].question", f"must be at most {MAX_QUESTION} characters"))
        if not entry.answer.strip():
            problems.append((f"profile.answers[{i}].answer", "is required"))
        elif len(entry.answer) > MAX_ANSWER:
            problems.append((f"profile.answers[{i}].answer", f"must be at most {MAX_ANSWER} characters"))
        key = fingerprint(question)
        # The last of several entries for the same question wins, in the position it was given.
        by_fingerprint.pop(key, None)
        by_fingerprint[key] = AnswerEntry(question=question, answer=entry.answer, fingerprint=key)
    return list(by_fingerprint.values()), problems


def normalize_profile(fields: ProfileFields) -> tuple[ProfileFields, list[Violation]]:
    """The fields trimmed, uppercased and de-duplicated where the rules say so, and every violation."""
    trimmed = {name: getattr(fields, name).strip() for name in SCALAR_PATHS}
    trimmed["country"] = trimmed["country"].upper()
    out = replace(fields, **trimmed)
    problems = _check_scalars(out)
    if not out.display_name:
        # Derived, so never a violation of its own: cut to the limit the caller could have set.
        out.display_name = f"{out.given_name} {out.family_name}".strip()[
            : MAX_LENGTHS["display_name"]
        ].strip()
    out.work_authorized_countries, country_problems = _check_countries(
        [c.strip().upper() for c in fields.work_authorized_countries]
    )
    out.answers, answer_problems = _check_answers(fields.answers)
    out.default_resume = fields.default_resume.strip()
    return out, [*problems, *country_problems, *answer_problems]


def request_id_problem(request_id: str) -> str | None:
    if len(request_id) > MAX_REQUEST_ID:
        return f"must be at most {MAX_REQUEST_ID} characters"
    return None
