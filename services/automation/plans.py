"""Field-mapper results → contract messages, and a Profile message → the mapper's ProfileData."""

from __future__ import annotations

import os

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.job.v1 import job_service_pb2
from jobmesh.profile.v1 import profile_service_pb2
from services.automation.fieldmap import FillPlan, ProfileData, Question
from services.common.questions import fingerprint

_QUESTION_TYPES = {
    "textarea": job_service_pb2.QUESTION_TYPE_TEXTAREA,
    "select": job_service_pb2.QUESTION_TYPE_SELECT,
    "radio": job_service_pb2.QUESTION_TYPE_SELECT,
    "combobox": job_service_pb2.QUESTION_TYPE_SELECT,
    "multiselect": job_service_pb2.QUESTION_TYPE_MULTI_SELECT,
    "checkbox_group": job_service_pb2.QUESTION_TYPE_MULTI_SELECT,
    "checkbox": job_service_pb2.QUESTION_TYPE_BOOLEAN,
    "file": job_service_pb2.QUESTION_TYPE_FILE,
    "date": job_service_pb2.QUESTION_TYPE_DATE,
    "number": job_service_pb2.QUESTION_TYPE_NUMBER,
}


def question(q: Question) -> job_service_pb2.Question:
    return job_service_pb2.Question(
        id=q.id,
        label=q.label,
        type=_QUESTION_TYPES.get(q.kind, job_service_pb2.QUESTION_TYPE_TEXT),
        required=q.required,
        options=list(q.options),
    )


def fill_plan(plan: FillPlan, *, form_url: str, adapter: str) -> app_pb.FillPlan:
    message = app_pb.FillPlan(form_url=form_url, plan_hash=plan.plan_hash, adapter=adapter)
    for item in plan.fields:
        message.fields.append(
            app_pb.FilledField(
                selector=item.field.selector,
                label=item.field.label,
                semantic=item.semantic,
                value_preview=item.value_preview,
                source=item.source,
                confidence=item.confidence,
                required=item.field.required,
                field_type=item.field.kind,
            )
        )
    message.unanswered.extend(question(q) for q in plan.unanswered)
    return message


def profile_data(
    profile: profile_service_pb2.Profile,
    *,
    resume_path: str = "",
    cover_letter: str = "",
    job_country: str = "",
) -> ProfileData:
    eeo = profile.self_identification
    return ProfileData(
        given_name=profile.given_name,
        family_name=profile.family_name,
        email=profile.email,
        phone=profile.phone,
        city=profile.location.city,
        region=profile.location.region,
        country=profile.location.country,
        linkedin_url=profile.linkedin_url,
        github_url=profile.github_url,
        website_url=profile.website_url,
        headline=profile.headline,
        summary=profile.summary,
        current_company=profile.current_company,
        current_title=profile.current_title,
        salary_expectation=profile.salary_expectation,
        earliest_start_date=profile.earliest_start_date,
        pronouns=profile.pronouns,
        work_authorized_countries=tuple(profile.work_authorized_countries),
        requires_sponsorship=profile.requires_sponsorship
        if profile.HasField("requires_sponsorship")
        else None,
        gender=eeo.gender,
        race_ethnicity=eeo.race_ethnicity,
        veteran_status=eeo.veteran_status,
        disability_status=eeo.disability_status,
        answers={fingerprint(a.question): a.answer for a in profile.answers},
        resume_path=resume_path,
        resume_filename=os.path.basename(resume_path),
        cover_letter=cover_letter or profile.summary,
        job_country=job_country,
    )
