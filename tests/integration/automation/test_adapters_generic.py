"""The generic adapter on a three-step careers form labelled every way HTML allows."""

from __future__ import annotations

import pytest

from services.automation.adapters import FillError, adapter_for
from services.automation.fieldmap import FormField
from tests.integration.automation.conftest import AtsSites, PageOpener, PlanMaker, Resume

pytestmark = pytest.mark.integration

STEP_VALUES: dict[str, object] = {
    "Full name": "Ada Lovelace",
    "Email address": "ada@example.com",
    "Mobile phone number": "+44 20 7946 0000",
    "Personal website": "https://ada.dev",
    "City of residence": "London",
    "Years of professional experience": "12",
    "Preferred work arrangement": "hybrid",
    "Earliest start date": "2026-09-01",
    "Languages you use": ("python", "rust"),
    "Areas of interest": ("backend", "infra"),
    "CV / Resume": "",
    "Cover letter": "Engines, mostly.",
    "How did you hear about us?": "friend",
    "I agree to the privacy policy": True,
}


def values_with(resume: Resume, **changes: object) -> dict[str, object]:
    values = dict(STEP_VALUES, **{"CV / Resume": str(resume.path)})
    values.update(changes)
    return values


async def test_every_labelling_style_and_every_step_is_extracted(
    ats_sites: AtsSites, open_page: PageOpener
) -> None:
    url = f"{ats_sites.base_url}/generic/gen-read"
    async with open_page() as page:
        await page.goto(url)
        adapter = adapter_for(url, await page.content())
        assert adapter.name == "generic"
        await adapter.open(page, url)
        fields = await adapter.extract(page)
        still_on_first_step = await page.locator("#g-fullname").is_visible()
    found: dict[str, FormField] = {f.label: f for f in fields}

    assert still_on_first_step
    assert list(found) == list(STEP_VALUES)
    assert found["Full name"].required and found["Full name"].id == "g-fullname"  # label[for]
    assert found["Email address"].kind == "email" and found["Email address"].required  # wrapping label
    assert (
        found["Mobile phone number"].kind == "tel" and not found["Mobile phone number"].required
    )  # labelledby
    assert found["Personal website"].kind == "url"  # aria-label
    assert found["City of residence"].placeholder == "City of residence"  # placeholder only
    assert found["Years of professional experience"].kind == "number"  # text in the cell before
    arrangement = found["Preferred work arrangement"]  # fieldset legend with an asterisk
    assert arrangement.kind == "radio" and arrangement.required
    assert [(o.label, o.value) for o in arrangement.options] == [
        ("Remote", "remote"),
        ("Hybrid", "hybrid"),
        ("On-site", "onsite"),
    ]
    assert (
        found["Earliest start date"].kind == "date" and found["Earliest start date"].section == "Experience"
    )
    assert found["Languages you use"].kind == "checkbox_group" and not found["Languages you use"].required
    assert found["Areas of interest"].kind == "multiselect" and len(found["Areas of interest"].options) == 4
    assert found["CV / Resume"].kind == "file" and found["CV / Resume"].section == "Documents"
    assert (
        found["Cover letter"].max_length == 2000
        and found["Cover letter"].description == "At most 2000 characters."
    )
    assert (
        found["I agree to the privacy policy"].kind == "checkbox"
        and found["I agree to the privacy policy"].required
    )


async def test_multi_step_form_submits_the_values_of_all_steps(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/generic/gen-apply"
    adapter = adapter_for(url)
    async with open_page() as page:
        await adapter.open(page, url)
        plan = make_plan(await adapter.extract(page), values_with(resume))
        await adapter.fill(page, plan)
        assert await page.locator("#g-cover").is_visible()
        result = await adapter.submit(page)
    assert result.confirmed and result.confirmation_text == "Application received"

    [sent] = ats_sites.recorder.all("generic", "gen-apply")
    assert sent.fields == {
        "full_name": ["Ada Lovelace"],
        "email": ["ada@example.com"],
        "phone": ["+44 20 7946 0000"],
        "website": ["https://ada.dev"],
        "city": ["London"],
        "years_experience": ["12"],
        "arrangement": ["hybrid"],
        "start_date": ["2026-09-01"],
        "languages": ["python", "rust"],
        "interests": ["backend", "infra"],
        "cover_letter": ["Engines, mostly."],
        "source": ["friend"],
        "consent": ["yes"],
    }
    assert sent.files["cv"] == (resume.path.name, resume.size, resume.sha256)


async def test_a_step_that_will_not_advance_stops_the_fill_with_the_sites_message(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/generic/gen-stuck"
    adapter = adapter_for(url)
    async with open_page() as page:
        await adapter.open(page, url)
        values = values_with(resume)
        del values["City of residence"]
        with pytest.raises(FillError, match="Please complete the required fields: city"):
            await adapter.fill(page, make_plan(await adapter.extract(page), values))
    assert ats_sites.recorder.all("generic", "gen-stuck") == []


async def test_server_side_validation_errors_are_returned(
    ats_sites: AtsSites, open_page: PageOpener, resume: Resume, make_plan: PlanMaker
) -> None:
    url = f"{ats_sites.base_url}/generic/gen-reject"
    adapter = adapter_for(url)
    async with open_page() as page:
        await adapter.open(page, url)
        await adapter.fill(page, make_plan(await adapter.extract(page), values_with(resume)))
        result = await adapter.submit(page)
    assert not result.confirmed and not result.already_applied
    assert result.validation_errors == ["Phone number is not valid"]
    assert [s.outcome for s in ats_sites.recorder.all("generic", "gen-reject")] == ["rejected"]


async def test_evidence_is_found_on_a_confirmation_page_and_not_on_a_fresh_form(
    ats_sites: AtsSites, open_page: PageOpener
) -> None:
    adapter = adapter_for(ats_sites.base_url)
    confirmation = f"{ats_sites.base_url}/greenhouse/acme/jobs/gen-evidence/confirmation"
    form = f"{ats_sites.base_url}/generic/gen-evidence"
    async with open_page() as page:
        evidence = await adapter.find_evidence(page, confirmation)
        assert evidence is not None and evidence.confirmed and not evidence.already_applied
        assert evidence.confirmation_text == "Thank you for applying."
    async with open_page() as page:
        assert await adapter.find_evidence(page, form) is None
        assert page.url == form
        assert await adapter.find_evidence(page, form) is None
    assert ats_sites.recorder.all(job_id="gen-evidence") == []
