"""Field mapper: plans a value for every form field from the candidate's profile and answer bank.

Browser adapters extract `FormField`s and type in the `FillPlan` this returns. It never invents
an answer: a required field without a confident value becomes a `Question` for the user, and an
option is never picked because it comes first. Required legal acknowledgements (privacy policy,
terms) are ticked only when the answer bank holds the candidate's own answer to that question.
Pure: no browser, no I/O.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from services.automation.choices import (
    MULTI_CHOICE_KINDS,
    answer_matches_option,
    decline_option,
    fit_answer,
    is_choice,
    real_options,
)
from services.automation.profile_answers import eeo_answer, wanted_answer
from services.automation.semantics import CONSENT, CUSTOM, classify, is_eeo
from services.common.questions import fingerprint, normalize_question, strip_required_mark

__all__ = [
    "CONFIDENT",
    "FieldOption",
    "FillPlan",
    "FormField",
    "PlannedField",
    "ProfileData",
    "Question",
    "answer_matches_option",
    "classify",
    "fingerprint",
    "normalize_question",
    "plan_fill",
    "question_id",
]

CONFIDENT = 0.6

Value = str | tuple[str, ...] | bool | None


@dataclass(frozen=True)
class FieldOption:
    """One choice of a select, radio group, checkbox group or combobox."""

    label: str
    value: str


@dataclass(frozen=True)
class FormField:
    """One control of an application form, as a browser adapter found it."""

    selector: str
    kind: str
    label: str
    name: str = ""
    id: str = ""
    autocomplete: str = ""
    placeholder: str = ""
    required: bool = False
    options: tuple[FieldOption, ...] = ()
    section: str = ""
    description: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class ProfileData:
    """What the mapper knows about the candidate; `answers` is keyed by question fingerprint."""

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
    work_authorized_countries: tuple[str, ...] = ()
    requires_sponsorship: bool | None = None
    gender: str = ""
    race_ethnicity: str = ""
    veteran_status: str = ""
    disability_status: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)
    resume_path: str = ""
    resume_filename: str = ""
    cover_letter: str = ""
    job_country: str = ""


@dataclass(frozen=True)
class PlannedField:
    """The value planned for one field. `value` None means "leave the control as it is"."""

    field: FormField
    semantic: str
    value: Value
    value_preview: str
    source: str
    confidence: float


@dataclass(frozen=True)
class Question:
    """A required question jobmesh has no confident answer for; `id` is its fingerprint."""

    id: str
    label: str
    kind: str
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True)
class FillPlan:
    """Every visible field with its planned value, the questions left for the user, and a hash
    that changes when the form or any planned value changes."""

    fields: tuple[PlannedField, ...]
    unanswered: tuple[Question, ...]
    plan_hash: str


class _Pick(NamedTuple):
    value: Value
    preview: str
    source: str
    confidence: float


@dataclass(frozen=True)
class _Context:
    profile: ProfileData
    answers: Mapping[str, str]
    resume_uploaded: bool


def question_id(form_field: FormField) -> str:
    """Return the id a field's question is listed and answered under: the fingerprint of its label."""
    return fingerprint(form_field.label or form_field.name or form_field.selector)


def plan_fill(fields: Sequence[FormField], profile: ProfileData) -> FillPlan:
    """Plan a value for every non-hidden field; list required fields left without one as questions."""
    context = _Context(
        profile=profile,
        answers=_answer_index(profile.answers),
        resume_uploaded=bool(profile.resume_path)
        and any(f.kind == "file" and classify(f)[0] == "resume" for f in fields),
    )
    planned: list[PlannedField] = []
    unanswered: list[Question] = []
    for form_field in fields:
        if form_field.kind == "hidden":
            continue
        semantic, confidence = classify(form_field)
        pick = _plan_field(form_field, semantic, confidence, context)
        if pick is None:
            pick = _Pick(None, "", "none", 0.0)
            if form_field.required:
                unanswered.append(_question(form_field))
        planned.append(
            PlannedField(form_field, semantic, pick.value, pick.preview, pick.source, pick.confidence)
        )
    return FillPlan(tuple(planned), tuple(unanswered), _plan_hash(planned))


def _answer_index(answers: Mapping[str, str]) -> dict[str, str]:
    # The bank is keyed by fingerprint; keys that are still raw questions are accepted too.
    index = {key: value for key, value in answers.items() if value.strip()}
    for key, value in list(index.items()):
        index.setdefault(fingerprint(key), value)
    return index


def _question(form_field: FormField) -> Question:
    labels = tuple(option.label for option in real_options(form_field.options))
    label = strip_required_mark(form_field.label) or form_field.name or form_field.placeholder
    return Question(question_id(form_field), label, form_field.kind, form_field.required, labels)


def _plan_field(form_field: FormField, semantic: str, confidence: float, context: _Context) -> _Pick | None:
    if form_field.kind == "file":
        return _plan_file(form_field, semantic, confidence, context.profile)
    pick = _from_profile(form_field, semantic, confidence, context)
    if pick is not None and pick.confidence >= CONFIDENT:
        return pick
    answer = context.answers.get(question_id(form_field))
    return None if answer is None else _fit(form_field, answer, "answers", 1.0)


def _fit(form_field: FormField, answer: str, source: str, confidence: float) -> _Pick | None:
    fitted = fit_answer(form_field, answer)
    if fitted is None:
        return None
    return _Pick(fitted.value, fitted.preview, source, min(confidence, fitted.confidence_cap))


def _plan_file(form_field: FormField, semantic: str, confidence: float, profile: ProfileData) -> _Pick | None:
    # Only the resume is ever uploaded; a cover-letter or other upload needs the user.
    if semantic != "resume" or not profile.resume_path or confidence < CONFIDENT:
        return None
    preview = profile.resume_filename or os.path.basename(profile.resume_path)
    return _Pick(profile.resume_path, preview, "resume", confidence)


def _from_profile(form_field: FormField, semantic: str, confidence: float, context: _Context) -> _Pick | None:
    profile = context.profile
    if semantic in (CUSTOM, CONSENT):
        return None
    if semantic == "resume":
        # A resume text box beside the upload is left empty: the file already carries it.
        return _Pick(None, "(sent as a file)", "resume", confidence) if context.resume_uploaded else None
    if is_eeo(semantic):
        return _plan_eeo(form_field, semantic, confidence, profile)
    wanted = wanted_answer(form_field, semantic, profile)
    if wanted is None:
        return None
    text, source = wanted
    return _fit(form_field, text, source, confidence)


def _plan_eeo(form_field: FormField, semantic: str, confidence: float, profile: ProfileData) -> _Pick | None:
    wanted = eeo_answer(semantic, profile)
    if wanted:
        pick = _fit(form_field, wanted, "profile.self_identification", confidence)
        if pick is not None:
            return pick
    decline = decline_option(form_field.options) if is_choice(form_field) else None
    if decline is None:
        return None
    value: Value = (decline.value,) if form_field.kind in MULTI_CHOICE_KINDS else decline.value
    return _Pick(value, decline.label, "eeo-default", confidence)


def _hashed_value(item: PlannedField) -> object:
    # A file is planned as a path in a per-run temporary directory: what is approved is
    # the file, so its name and contents count, not where this run happened to put it.
    if item.field.kind == "file" and isinstance(item.value, str) and item.value:
        try:
            with open(item.value, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            digest = ""
        return [os.path.basename(item.value), digest]
    return list(item.value) if isinstance(item.value, tuple) else item.value


def _plan_hash(planned: Sequence[PlannedField]) -> str:
    document = [
        [
            item.field.selector,
            item.field.kind,
            item.field.label,
            item.field.required,
            [[option.label, option.value] for option in item.field.options],
            _hashed_value(item),
        ]
        for item in planned
    ]
    encoded = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()
