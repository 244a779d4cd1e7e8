"""What the candidate's profile answers to each semantic question, as text.

Values come from the profile only: a question the profile cannot answer (a work-authorization
question about a country group, a sponsorship question with no flag and no country) yields
None, never a guess. Turning the text into a control's value is `choices.fit_answer`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from services.automation.choices import countries_named, country_name
from services.automation.semantics import SPONSORSHIP, WORK_AUTHORIZATION
from services.common.questions import words

if TYPE_CHECKING:
    from services.automation.fieldmap import FormField, ProfileData

_PROFILE_TEXT = {
    "given-name": "given_name",
    "family-name": "family_name",
    "email": "email",
    "tel": "phone",
    "city": "city",
    "region": "region",
    "linkedin": "linkedin_url",
    "github": "github_url",
    "website": "website_url",
    "current-company": "current_company",
    "current-title": "current_title",
    "headline": "headline",
    "summary": "summary",
    "salary": "salary_expectation",
    "start-date": "earliest_start_date",
    "pronouns": "pronouns",
    "eeo-gender": "gender",
    "eeo-race": "race_ethnicity",
    "eeo-veteran": "veteran_status",
    "eeo-disability": "disability_status",
}
# A question about a group of countries cannot be answered from a list of single countries.
_COUNTRY_GROUP = re.compile(
    r"\b(eu|european union|eea|european economic area|schengen|europe|emea|apac|latam)\b"
)


def wanted_answer(form_field: FormField, semantic: str, profile: ProfileData) -> tuple[str, str] | None:
    """Return the profile's answer to `form_field` read as `semantic` with its source, or None."""
    derive = _DERIVED.get(semantic)
    if derive is not None:
        return derive(form_field, profile)
    attribute = _PROFILE_TEXT.get(semantic)
    if attribute is None:
        return None
    text = str(getattr(profile, attribute)).strip()
    return (text, f"profile.{attribute}") if text else None


def _full_name(_: FormField, profile: ProfileData) -> tuple[str, str] | None:
    if not (profile.given_name.strip() and profile.family_name.strip()):
        return None
    return f"{profile.given_name.strip()} {profile.family_name.strip()}", "profile.name"


def _location(form_field: FormField, profile: ProfileData) -> tuple[str, str] | None:
    label = words(form_field.label)
    parts = [profile.city, profile.region]
    if "country" in label or not re.search(r"\b(state|province|region)\b", label):
        parts.append(country_name(profile.country) or profile.country)
    text = ", ".join(part.strip() for part in parts if part.strip())
    return (text, "profile.location") if text else None


def _country(_: FormField, profile: ProfileData) -> tuple[str, str] | None:
    text = country_name(profile.country) or profile.country.strip()
    return (text, "profile.country") if text else None


def _cover_letter(_: FormField, profile: ProfileData) -> tuple[str, str] | None:
    if profile.cover_letter.strip():
        return profile.cover_letter.strip(), "profile.cover_letter"
    if profile.summary.strip():
        return profile.summary.strip(), "profile.summary"
    return None


def _asked_countries(form_field: FormField, profile: ProfileData) -> frozenset[str]:
    """The countries a work question is about: those it names, else the job's country."""
    named = countries_named(form_field.label)
    if named:
        return named
    if _COUNTRY_GROUP.search(words(form_field.label)) or not profile.job_country.strip():
        return frozenset()
    return frozenset({profile.job_country.strip().upper()})


def _authorized(form_field: FormField, profile: ProfileData) -> tuple[str, str] | None:
    allowed = {code.strip().upper() for code in profile.work_authorized_countries}
    asked = _asked_countries(form_field, profile)
    if not allowed or not asked:
        return None
    if asked <= allowed:
        return "Yes", "profile.work_authorized_countries"
    if not asked & allowed:
        return "No", "profile.work_authorized_countries"
    return None


def _sponsorship(form_field: FormField, profile: ProfileData) -> tuple[str, str] | None:
    # An explicit "I need sponsorship" wins: saying so is never a false claim of authorization.
    if profile.requires_sponsorship is True:
        return "Yes", "profile.requires_sponsorship"
    allowed = {code.strip().upper() for code in profile.work_authorized_countries}
    asked = _asked_countries(form_field, profile)
    if allowed and asked:
        if asked <= allowed:
            return "No", "profile.work_authorized_countries"
        if not asked & allowed:
            return "Yes", "profile.work_authorized_countries"
    if profile.requires_sponsorship is False:
        return "No", "profile.requires_sponsorship"
    return None


_DERIVED: dict[str, Callable[[FormField, ProfileData], tuple[str, str] | None]] = {
    "name": _full_name,
    "location": _location,
    "country": _country,
    "cover-letter": _cover_letter,
    WORK_AUTHORIZATION: _authorized,
    SPONSORSHIP: _sponsorship,
}


def eeo_answer(semantic: str, profile: ProfileData) -> str:
    """Return the candidate's self-identification for an eeo-* question ("" means decline)."""
    if semantic != "eeo-hispanic-latino":
        attribute = _PROFILE_TEXT.get(semantic)
        return str(getattr(profile, attribute)).strip() if attribute else ""
    race = words(profile.race_ethnicity)
    if re.search(r"\bnot hispanic|\bnon hispanic", race):
        return "No"
    return "Yes" if re.search(r"\bhispanic|\blatin", race) else ""
