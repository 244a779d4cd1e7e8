"""Proto ⇄ domain conversion for ProfileService messages; no logic beyond field mapping.

Output-only fields sent by a caller (name, times, fingerprints, sizes) are ignored
on the way in; resume content never goes out except where the contract says so.
"""

from __future__ import annotations

from jobmesh.profile.v1 import profile_service_pb2 as pb
from services.common.timestamps import to_timestamp
from services.profile.domain import AnswerEntry, ProfileFields, ProfileRecord, ResumeRecord, ResumeUpload


def profile_fields(message: pb.Profile) -> ProfileFields:
    loc, sid = message.location, message.self_identification
    return ProfileFields(
        display_name=message.display_name,
        given_name=message.given_name,
        family_name=message.family_name,
        email=message.email,
        phone=message.phone,
        city=loc.city,
        region=loc.region,
        country=loc.country,
        linkedin_url=message.linkedin_url,
        github_url=message.github_url,
        website_url=message.website_url,
        headline=message.headline,
        summary=message.summary,
        current_company=message.current_company,
        current_title=message.current_title,
        salary_expectation=message.salary_expectation,
        earliest_start_date=message.earliest_start_date,
        pronouns=message.pronouns,
        gender=sid.gender,
        race_ethnicity=sid.race_ethnicity,
        veteran_status=sid.veteran_status,
        disability_status=sid.disability_status,
        work_authorized_countries=list(message.work_authorized_countries),
        requires_sponsorship=message.requires_sponsorship
        if message.HasField("requires_sponsorship")
        else None,
        answers=[AnswerEntry(question=a.question, answer=a.answer) for a in message.answers],
        default_resume=message.default_resume,
    )


def profile_message(record: ProfileRecord) -> pb.Profile:
    f = record.fields
    return pb.Profile(
        name=record.name,
        display_name=f.display_name,
        given_name=f.given_name,
        family_name=f.family_name,
        email=f.email,
        phone=f.phone,
        location=pb.Location(city=f.city, region=f.region, country=f.country),
        linkedin_url=f.linkedin_url,
        github_url=f.github_url,
        website_url=f.website_url,
        headline=f.headline,
        summary=f.summary,
        work_authorized_countries=f.work_authorized_countries,
        # Unset stays unset: a form asking about sponsorship must then ask the candidate.
        requires_sponsorship=f.requires_sponsorship,
        answers=[
            pb.Answer(question=a.question, answer=a.answer, fingerprint=a.fingerprint) for a in f.answers
        ],
        default_resume=f.default_resume,
        create_time=to_timestamp(record.create_time),
        update_time=to_timestamp(record.update_time),
        etag=record.etag,
        current_company=f.current_company,
        current_title=f.current_title,
        salary_expectation=f.salary_expectation,
        earliest_start_date=f.earliest_start_date,
        self_identification=pb.SelfIdentification(
            gender=f.gender,
            race_ethnicity=f.race_ethnicity,
            veteran_status=f.veteran_status,
            disability_status=f.disability_status,
        ),
        pronouns=f.pronouns,
    )


def resume_upload(message: pb.Resume) -> ResumeUpload:
    return ResumeUpload(filename=message.filename, content_type=message.content_type, content=message.content)


def resume_message(record: ResumeRecord) -> pb.Resume:
    return pb.Resume(
        name=record.name,
        filename=record.filename,
        content_type=record.content_type,
        size_bytes=record.size_bytes,
        sha256=record.sha256,
        create_time=to_timestamp(record.create_time),
    )
