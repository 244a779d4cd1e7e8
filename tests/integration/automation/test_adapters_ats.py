"""Greenhouse, Lever and Ashby adapters against the local look-alike sites in a real Chromium."""

from __future__ import annotations

import pytest

from services.automation.adapters import BlockedError, adapter_for, adapter_named
from services.automation.fieldmap import FillPlan, FormField, ProfileData, plan_fill
from tests.integration.automation.conftest import AtsSites, PageOpener, PlanMaker, Resume
from tests.sites.ats import Submission

pytestmark = pytest.mark.integration


def by_label(fields: list[FormField]) -> dict[str, FormField]:
    return {f.label: f for f in fields}


def profile(resume: Resume, email: str, **answers: str) -> ProfileData:
    return ProfileData(
        given_name="Ada",
        family_name="Lovelace",
        email=email,
        phone="+1 415 555 0100",
        city="San Francisco",
        region="California",
        country="United States",
        linkedin_url="https://www.linkedin.com/in/ada",
        github_url="https://github.com/ada",
        website_url="https://ada.dev",
        current_company="Analytical Engines",
        work_authorized_countries=("US",),
        requires_sponsorship=False,
        answers=answers,
        resume_path=str(resume.path),
        resume_filename=resume.path.name,
    )


def assert_sent_as_planned(sent: Submission, plan: FillPlan, resume: Resume) -> None:
    """Every planned value reached the site under the field's name, and the resume arrived intact."""
    for item in plan.fields:
        name = item.field.name
        if item.value is None or not name:
            continue
        if item.field.kind == "file":
            assert sent.files[name].sha256 == resume.sha256
        elif isinstance(item.value, tuple):
            assert sorted(sent.fields[name]) == sorted(item.value), name
        else:
            assert sent.fields[name] == [str(item.value)], name


async def test_greenhouse_fields_are_read_like_a_person_reads_them(
    ats_sites: AtsSites, open_page: PageOpener
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-read"
    async with open_page() as page:
        await page.goto(url)
        adapter = adapter_for(url, await page.content())
        assert adapter.name == "greenhouse"
        await adapter.open(page, url)
        fields = by_label(await adapter.extract(page))

    assert fields["First Name"].kind == "text" and fields["First Name"].required
    assert fields["First Name"].name == "job_application[first_name]"
    assert fields["Phone"].required is False
    assert fields["Resume/CV"].kind == "file" and fields["Resume/CV"].required
    assert fields["LinkedIn Profile"].name == "job_application[answers_attributes][0][text_value]"
    authorized = fields["Are you legally authorized to work in the United States?"]
    assert authorized.kind == "select" and authorized.required
    assert [(o.label, o.value) for o in authorized.options] == [("Yes", "1"), ("No", "0")]
    gender = fields["Gender"]
    assert gender.section == "U.S. Equal Employment Opportunity Information"
    assert "Decline To Self Identify" in [o.label for o in gender.options]
    assert not gender.required
    # The paste-your-resume box stays hidden until asked for: not a field to fill.
    assert "Paste your resume" not in fields


async def test_greenhouse_plan_fill_submit_sends_every_value_once(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-apply"
    adapter = adapter_named("greenhouse")
    async with open_page() as page:
        await adapter.open(page, url)
        fields = await adapter.extract(page)
        plan = plan_fill(
            fields, profile(resume, "ada@example.com", **{"Why do you want to work at Acme?": "Uptime."})
        )
        assert plan.unanswered == ()
        await adapter.fill(page, plan)
        assert await adapter.detect_blocker(page) is None
        result = await adapter.submit(page)
        assert result.confirmed and "Thank you for applying" in result.confirmation_text
        evidence = await adapter.find_evidence(page, url)
        assert evidence is not None and evidence.confirmed

    [sent] = ats_sites.recorder.all("greenhouse", "gh-apply")
    assert sent.outcome == "accepted"
    assert sent.value("job_application[first_name]") == "Ada"
    assert sent.value("job_application[email]") == "ada@example.com"
    assert sent.value("job_application[answers_attributes][4][text_value]") == "Uptime."
    assert sent.value("job_application[answers_attributes][0][question_id]") == "41001"
    assert sent.files["job_application[resume]"] == (resume.path.name, resume.size, resume.sha256)
    assert "job_application[cover_letter]" not in sent.files
    assert_sent_as_planned(sent, plan, resume)


async def test_second_application_is_reported_as_already_applied(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-twice"
    adapter = adapter_named("greenhouse")
    values = {
        "First Name": "Ada",
        "Last Name": "Lovelace",
        "Email": "twice@example.com",
        "Location (City)": "London",
        "Resume/CV": str(resume.path),
        "LinkedIn Profile": "https://www.linkedin.com/in/ada",
        "Are you legally authorized to work in the United States?": "1",
        "Will you now or in the future require sponsorship for employment visa status (e.g. H-1B visa status)?": "0",
        "Why do you want to work at Acme?": "Twice as keen.",
    }
    results = []
    for _ in range(2):
        async with open_page() as page:
            await adapter.open(page, url)
            await adapter.fill(page, make_plan(await adapter.extract(page), values))
            results.append(await adapter.submit(page))
            if len(results) == 2:
                evidence = await adapter.find_evidence(page, url)
                assert evidence is not None and evidence.already_applied

    assert results[0].confirmed and not results[0].already_applied
    assert results[1].already_applied and not results[1].confirmed
    assert "already applied" in results[1].confirmation_text
    assert [s.outcome for s in ats_sites.recorder.all("greenhouse", "gh-twice")] == ["accepted", "duplicate"]


async def test_missing_required_fields_block_the_submit_in_the_browser(
    ats_sites: AtsSites, open_page: PageOpener, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-incomplete"
    adapter = adapter_named("greenhouse")
    async with open_page() as page:
        await adapter.open(page, url)
        await adapter.fill(page, make_plan(await adapter.extract(page), {"First Name": "Ada"}))
        result = await adapter.submit(page)
    assert not result.confirmed
    assert "Please complete all required fields." in result.validation_errors
    assert ats_sites.recorder.all("greenhouse", "gh-incomplete") == []


async def test_captcha_wall_is_detected_and_nothing_is_submitted(
    ats_sites: AtsSites, open_page: PageOpener, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-captcha"
    adapter = adapter_named("greenhouse")
    async with open_page() as page:
        await adapter.open(page, url)
        await adapter.fill(page, make_plan(await adapter.extract(page), {"Email": "bot@example.com"}))
        reason = await adapter.detect_blocker(page)
        assert reason is not None and "recaptcha" in reason
        with pytest.raises(BlockedError):
            await adapter.submit(page)
    assert ats_sites.recorder.all("greenhouse", "gh-captcha") == []


async def test_slow_confirmation_is_waited_for(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/greenhouse/acme/jobs/gh-slow"
    adapter = adapter_named("greenhouse")
    values = {
        "First Name": "Ada",
        "Last Name": "Lovelace",
        "Email": "slow@example.com",
        "Location (City)": "Paris",
        "Resume/CV": str(resume.path),
        "LinkedIn Profile": "https://www.linkedin.com/in/ada",
        "Are you legally authorized to work in the United States?": "1",
        "Will you now or in the future require sponsorship for employment visa status (e.g. H-1B visa status)?": "1",
        "Why do you want to work at Acme?": "Patience.",
    }
    async with open_page() as page:
        await adapter.open(page, url)
        await adapter.fill(page, make_plan(await adapter.extract(page), values))
        result = await adapter.submit(page)
    assert result.confirmed
    assert len(ats_sites.recorder.accepted("greenhouse", "gh-slow")) == 1


async def test_lever_apply_from_posting_page(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    posting = f"{ats_sites.base_url}/lever/acme/lv-apply"
    adapter = adapter_named("lever")
    async with open_page() as page:
        await adapter.open(page, posting)
        assert page.url.endswith("/lever/acme/lv-apply/apply")
        fields = by_label(await adapter.extract(page))
        authorized = fields["Are you authorized to work in the country where this job is located?"]
        assert authorized.kind == "radio" and authorized.required
        assert [o.value for o in authorized.options] == ["Yes", "No"]
        used = fields["Which of these have you used in production?"]
        assert used.kind == "checkbox_group" and not used.required and len(used.options) == 4
        assert fields["Resume/CV"].required and fields["Resume/CV"].kind == "file"
        assert fields["Race"].kind == "select" and fields["Race"].section.startswith("U.S. Equal Employment")
        assert fields["Additional information"].placeholder.startswith("Add a cover letter")
        plan = make_plan(
            list(fields.values()),
            {
                "Resume/CV": str(resume.path),
                "Full name": "Ada Lovelace",
                "Email": "ada@example.com",
                "Current company": "Analytical Engines",
                "GitHub URL": "https://github.com/ada",
                "Are you authorized to work in the country where this job is located?": "Yes",
                "What interests you about this role?": "The engines.",
                "Which of these have you used in production?": ("Python", "PostgreSQL"),
                "Gender": "Decline to self-identify",
                "Additional information": "Thanks!",
            },
        )
        await adapter.fill(page, plan)
        result = await adapter.submit(page)
        assert result.confirmed and result.confirmation_text == "Application submitted!"

    [sent] = ats_sites.recorder.all("lever", "lv-apply")
    card = "cards[7c0f3a52-1e9b-4d2a-9a65-3f4e2b8d9c10]"
    assert sent.value("name") == "Ada Lovelace" and sent.value("org") == "Analytical Engines"
    assert sent.fields[f"{card}[field0]"] == ["Yes"]
    assert sent.fields[f"{card}[field2]"] == ["Python", "PostgreSQL"]
    assert sent.value("eeo[gender]") == "Decline to self-identify" and sent.value("eeo[race]") == ""
    assert sent.value("comments") == "Thanks!"
    assert sent.files["resume"].sha256 == resume.sha256


async def test_lever_login_wall_is_reported(ats_sites: AtsSites, open_page: PageOpener) -> None:
    adapter = adapter_named("lever")
    async with open_page() as page:
        await page.goto(f"{ats_sites.base_url}/lever/acme/lv-login/apply")
        reason = await adapter.detect_blocker(page)
    assert reason is not None and reason.startswith("login wall")


async def test_ashby_yes_no_buttons_and_location_combobox(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/ashby/acme/as-apply"
    async with open_page() as page:
        await page.goto(url + "/application")
        adapter = adapter_for(page.url, await page.content())
        assert adapter.name == "ashby"
        await adapter.open(page, url)
        fields = by_label(await adapter.extract(page))
        authorized = fields["Are you legally authorized to work in the United States?"]
        assert authorized.kind == "radio" and authorized.required
        assert [o.label for o in authorized.options] == ["Yes", "No"]
        assert fields["Location"].kind == "combobox" and fields["Location"].required
        plan = make_plan(
            list(fields.values()),
            {
                "Name": "Ada Lovelace",
                "Email": "ada@example.com",
                "Resume": str(resume.path),
                "Location": "Berlin",
                "Are you legally authorized to work in the United States?": "Yes",
                "Will you now or in the future require visa sponsorship?": "No",
            },
        )
        await adapter.fill(page, plan)
        assert await page.locator("#_systemfield_location").input_value() == "Berlin, Germany"
        result = await adapter.submit(page)
        assert result.confirmed and result.confirmation_text == "Thank you for applying"

    [sent] = ats_sites.recorder.all("ashby", "as-apply")
    assert sent.value("_systemfield_name") == "Ada Lovelace"
    assert sent.value("_systemfield_location") == "Berlin, Germany"
    assert sent.value("7d3e-authorized") == "true" and sent.value("1c8f-sponsorship") == "false"
    assert sent.files["_systemfield_resume"].sha256 == resume.sha256


async def test_adapters_are_chosen_by_host_then_markup() -> None:
    assert adapter_for("https://boards.greenhouse.io/acme/jobs/1").name == "greenhouse"
    assert adapter_for("https://job-boards.greenhouse.io/acme/jobs/1").name == "greenhouse"
    assert adapter_for("https://jobs.lever.co/acme/1234/apply").name == "lever"
    assert adapter_for("https://jobs.ashbyhq.com/acme/1234").name == "ashby"
    assert adapter_for("https://careers.example.com/jobs/1", "<form><input name=q></form>").name == "generic"
    lever_html = '<form class="application-form"><input name="cards[x][field0]"></form>'
    assert adapter_for("http://127.0.0.1:9/apply", lever_html).name == "lever"
