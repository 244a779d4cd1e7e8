"""Each adapter, through the real worker, sends the profile's values to its site; walls stop it.

What counts is what the local ATS sites recorded: the values a recruiter would see, the
uploaded resume's bytes, and the EEO and work-authorization answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.profile.v1 import profile_service_pb2
from services.common.settings import Settings
from tests.sites.ats import Submission

from .conftest import AtsSites
from .pipeline_env import RESUME, RESUME_SHA256, MeshEnv, pipeline_settings, start_mesh

# Answers a person would give to the questions the profile cannot answer.
ANSWERS = {
    "Why do you want to work at Acme?": "I want to build reliable systems with a small team.",
    "What interests you about this role?": "Owning reliability end to end.",
    "Are you authorized to work in the country where this job is located?": "Yes",
    "Years of professional experience": "7",
    "Preferred work arrangement": "Remote",
    "Earliest start date": "2025-09-01",
    "I agree to the privacy policy": "Yes",
}


@dataclass(frozen=True)
class Expected:
    """Where each value lands in one site's POST."""

    path: str
    site: str
    job_id: str
    values: Callable[[profile_service_pb2.Profile], dict[str, str]]
    resume_field: str


CASES = {
    "greenhouse": Expected(
        "/greenhouse/acme/jobs/{id}",
        "greenhouse",
        "{id}",
        lambda p: {
            "job_application[first_name]": "Ada",
            "job_application[last_name]": "Lovelace",
            "job_application[email]": p.email,
            "job_application[phone]": "+1 415 555 0100",
            "job_application[answers_attributes][0][text_value]": "https://www.linkedin.com/in/ada",
            "job_application[answers_attributes][2][boolean_value]": "1",  # authorized in the US: yes
            "job_application[answers_attributes][3][boolean_value]": "0",  # needs sponsorship: no
            "job_application[answers_attributes][4][text_value]": ANSWERS["Why do you want to work at Acme?"],
            "job_application[gender]": "3",  # Decline To Self Identify
            "job_application[hispanic_ethnicity]": "Decline To Self Identify",
            "job_application[race]": "8",  # Decline To Self Identify
            "job_application[veteran_status]": "3",  # I don't wish to answer
            "job_application[disability_status]": "3",  # I don't wish to answer
        },
        "job_application[resume]",
    ),
    "lever": Expected(
        "/lever/acme/{id}/apply",
        "lever",
        "{id}",
        lambda p: {
            "name": "Ada Lovelace",
            "email": p.email,
            "phone": "+1 415 555 0100",
            "urls[LinkedIn]": "https://www.linkedin.com/in/ada",
            "cards[7c0f3a52-1e9b-4d2a-9a65-3f4e2b8d9c10][field0]": "Yes",
            "eeo[gender]": "Decline to self-identify",
            "eeo[race]": "Decline to self-identify",
            "eeo[veteran]": "Decline to self-identify",
        },
        "resume",
    ),
    "ashby": Expected(
        "/ashby/acme/{id}/application",
        "ashby",
        "{id}",
        lambda p: {
            "_systemfield_name": "Ada Lovelace",
            "_systemfield_email": p.email,
            "f2c4a6d1-phone": "+1 415 555 0100",
            "_systemfield_location": "San Francisco, California, United States",
            "9b1e0c3a-linkedin": "https://www.linkedin.com/in/ada",
            "7d3e-authorized": "true",
            "1c8f-sponsorship": "false",
        },
        "_systemfield_resume",
    ),
    "generic": Expected(
        "/generic/{id}",
        "generic",
        "{id}",
        lambda p: {
            "full_name": "Ada Lovelace",
            "email": p.email,
            "phone": "+1 415 555 0100",
            "city": "San Francisco",
            "years_experience": "7",
            "arrangement": "remote",
            "start_date": "2025-09-01",
            "consent": "yes",
        },
        "cv",
    ),
}


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[MeshEnv]:
    async with start_mesh(pipeline_settings(settings)) as mesh:
        yield mesh


def _only(submissions: list[Submission]) -> Submission:
    assert len(submissions) == 1, [s.outcome for s in submissions]
    return submissions[0]


@pytest.mark.parametrize("adapter", CASES)
async def test_the_adapter_sends_the_profile_answers_and_resume_to_the_site(
    env: MeshEnv, ats_sites: AtsSites, adapter: str
) -> None:
    case = CASES[adapter]
    job_id = f"70{list(CASES).index(adapter)}1"
    client = await env.client()
    profile = await client.profile()
    job = await client.job(ats_sites.base_url + case.path.format(id=job_id), f"{adapter}-{job_id}")
    async with env.worker():
        app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        done = await client.settle(app, ANSWERS)
    assert done.state == app_pb.STATE_SUBMITTED, done.last_error
    sent = _only(ats_sites.recorder.all(site=case.site, job_id=job_id))
    assert sent.outcome == "accepted"
    assert {name: sent.value(name) for name in case.values(profile)} == case.values(profile)
    resume = sent.files[case.resume_field]
    assert (resume.sha256, resume.size, resume.filename) == (RESUME_SHA256, len(RESUME), "ada.pdf")
    assert done.fill_plan.adapter == adapter


@pytest.mark.parametrize(
    ("path", "site", "job_id", "reason"),
    [
        ("/greenhouse/acme/jobs/gh-captcha", "greenhouse", "gh-captcha", "captcha"),
        ("/lever/acme/lv-login/apply", "lever", "lv-login", "login wall"),
    ],
)
async def test_a_captcha_or_login_wall_asks_the_person_and_submits_nothing(
    env: MeshEnv, ats_sites: AtsSites, path: str, site: str, job_id: str, reason: str
) -> None:
    client = await env.client()
    profile = await client.profile()
    job = await client.job(ats_sites.base_url + path, f"wall-{job_id}")
    async with env.worker():
        app = await client.apply(profile.name, job.name, app_pb.MODE_SUBMIT)
        stopped = await client.wait(app.name, {app_pb.STATE_NEEDS_INPUT})
    assert stopped.state == app_pb.STATE_NEEDS_INPUT
    assert reason in stopped.last_error and "by hand" in stopped.last_error
    assert not stopped.pending_questions
    assert ats_sites.recorder.all(site=site, job_id=job_id) == []
