"""Fill plans for Greenhouse-, Lever- and Ashby-shaped forms: what is filled, from where, and what is asked."""

from __future__ import annotations

import dataclasses

import pytest

from services.automation.fieldmap import (
    FieldOption,
    FillPlan,
    FormField,
    PlannedField,
    ProfileData,
    fingerprint,
    plan_fill,
)

Opt = FieldOption
YES_NO = (Opt("Select...", ""), Opt("Yes", "1"), Opt("No", "0"))
GENDER = (
    Opt("Please select", ""),
    Opt("Male", "m"),
    Opt("Female", "f"),
    Opt("Decline To Self Identify", "d"),
)
RACE = (
    Opt("Asian", "a"),
    Opt("White", "w"),
    Opt("Two or More Races", "t"),
    Opt("Decline To Self Identify", "d"),
)
VETERAN = (
    Opt("I am not a protected veteran", "n"),
    Opt("I identify as a protected veteran", "v"),
    Opt("I don't wish to answer", "x"),
)
DISABILITY = (
    Opt("Yes, I have a disability", "y"),
    Opt("No, I do not have a disability", "n"),
    Opt("I do not want to answer", "x"),
)
WHY = "Why do you want to work here?"

PROFILE = ProfileData(
    given_name="Ada",
    family_name="Lovelace",
    email="ada@example.org",
    phone="+44 20 7946 0000",
    city="London",
    region="England",
    country="GB",
    linkedin_url="https://www.linkedin.com/in/ada",
    summary="Analyst and programmer.",
    current_company="Analytical Engines",
    work_authorized_countries=("US", "GB"),
    requires_sponsorship=False,
    resume_path="/data/resumes/ada.pdf",
    resume_filename="Ada Lovelace CV.pdf",
    job_country="US",
)


def greenhouse_form(gender_options: tuple[FieldOption, ...] = GENDER) -> list[FormField]:
    return [
        FormField("#first_name", "text", "First Name", name="job_application[first_name]", required=True),
        FormField("#last_name", "text", "Last Name", name="job_application[last_name]", required=True),
        FormField("#email", "email", "Email", name="job_application[email]", required=True),
        FormField("#phone", "tel", "Phone", name="job_application[phone]"),
        FormField("#resume", "file", "Resume/CV", name="job_application[resume]", required=True),
        FormField("#resume_text", "textarea", "Resume", name="job_application[resume_text]"),
        FormField(
            "#q1", "text", "LinkedIn Profile", name="job_application[answers_attributes][0][text_value]"
        ),
        FormField(
            "#q2",
            "select",
            "Are you legally authorized to work in the United States?*",
            required=True,
            options=YES_NO,
        ),
        FormField(
            "#q3",
            "select",
            "Will you now or in the future require sponsorship?",
            required=True,
            options=YES_NO,
        ),
        FormField(
            "#q4", "textarea", WHY, name="job_application[answers_attributes][3][text_value]", required=True
        ),
        FormField("#gender", "select", "Gender", name="job_application[gender]", options=gender_options),
        FormField("#race", "select", "Race", name="job_application[race]", options=RACE),
        FormField(
            "#veteran", "select", "Veteran Status", name="job_application[veteran_status]", options=VETERAN
        ),
        FormField(
            "#disability",
            "select",
            "Disability Status",
            name="job_application[disability_status]",
            options=DISABILITY,
        ),
        FormField("#token", "hidden", "", name="authenticity_token"),
    ]


def by_selector(plan: FillPlan) -> dict[str, PlannedField]:
    return {item.field.selector: item for item in plan.fields}


def test_greenhouse_form_is_filled_from_the_profile_and_asks_only_the_custom_question() -> None:
    plan = plan_fill(greenhouse_form(), PROFILE)
    fields = by_selector(plan)
    assert {s: fields[s].value for s in ("#first_name", "#last_name", "#email", "#phone", "#q1")} == {
        "#first_name": "Ada",
        "#last_name": "Lovelace",
        "#email": "ada@example.org",
        "#phone": "+44 20 7946 0000",
        "#q1": "https://www.linkedin.com/in/ada",
    }
    assert (fields["#first_name"].source, fields["#resume"].source) == ("profile.given_name", "resume")
    assert (fields["#resume"].value, fields["#resume"].value_preview) == (
        "/data/resumes/ada.pdf",
        "Ada Lovelace CV.pdf",
    )
    assert fields["#resume_text"].value is None
    assert (fields["#q2"].value, fields["#q2"].value_preview) == ("1", "Yes")
    assert (fields["#q3"].value, fields["#q3"].value_preview) == ("0", "No")
    declined = {
        s: (fields[s].value, fields[s].source) for s in ("#gender", "#race", "#veteran", "#disability")
    }
    assert declined == {
        s: (v, "eeo-default")
        for s, v in (("#gender", "d"), ("#race", "d"), ("#veteran", "x"), ("#disability", "x"))
    }
    assert "#token" not in fields
    assert [(q.id, q.label, q.kind) for q in plan.unanswered] == [(fingerprint(WHY), WHY, "textarea")]
    assert (fields["#q4"].value, fields["#q4"].source) == (None, "none")


def test_answer_bank_is_reused_across_differently_punctuated_labels() -> None:
    profile = dataclasses.replace(
        PROFILE, answers={fingerprint("why do you want to work here"): "The engines."}
    )
    plan = plan_fill(greenhouse_form(), profile)
    why = by_selector(plan)["#q4"]
    assert (why.value, why.source, why.confidence) == ("The engines.", "answers", 1.0)
    assert plan.unanswered == ()


def test_self_identification_uses_the_profile_when_an_option_matches() -> None:
    profile = dataclasses.replace(PROFILE, gender="female", race_ethnicity="Klingon")
    fields = by_selector(plan_fill(greenhouse_form(), profile))
    assert (fields["#gender"].value, fields["#gender"].source) == ("f", "profile.self_identification")
    assert (fields["#race"].value, fields["#race"].source) == ("d", "eeo-default")


def test_decline_is_never_confused_with_a_negative_answer() -> None:
    options = (
        Opt("Yes", "y"),
        Opt("No, I do not identify as transgender", "n"),
        Opt("I prefer not to answer", "x"),
    )
    form = [FormField("#t", "radio", "Do you identify as transgender?", required=True, options=options)]
    planned = plan_fill(form, PROFILE).fields[0]
    assert (planned.semantic, planned.value, planned.source) == ("eeo-transgender", "x", "eeo-default")


def test_required_eeo_question_without_a_decline_option_is_asked() -> None:
    form = [FormField("#g", "radio", "Gender", required=True, options=(Opt("Male", "m"), Opt("Female", "f")))]
    plan = plan_fill(form, PROFILE)
    assert plan.fields[0].value is None
    assert plan.unanswered[0].options == ("Male", "Female")


def test_lever_form() -> None:
    card = "cards[5c1e0b4e-8c3f-4e0a-a0f5-7d1d5b1f3a2b][field0]"
    form = [
        FormField("input[name=name]", "text", "Full name", name="name", required=True),
        FormField("input[name=org]", "text", "Current company", name="org"),
        FormField("input[name='urls[LinkedIn]']", "url", "LinkedIn URL", name="urls[LinkedIn]"),
        FormField("input[name='urls[GitHub]']", "url", "GitHub URL", name="urls[GitHub]"),
        FormField(
            "#card",
            "radio",
            "Are you open to a hybrid role?",
            name=card,
            required=True,
            options=(Opt("Yes", "Yes"), Opt("No", "No")),
        ),
    ]
    plan = plan_fill(form, PROFILE)
    values = [item.value for item in plan.fields]
    assert values == ["Ada Lovelace", "Analytical Engines", "https://www.linkedin.com/in/ada", None, None]
    assert [q.label for q in plan.unanswered] == ["Are you open to a hybrid role?"]
    answered = dataclasses.replace(PROFILE, answers={"Are you open to a hybrid role": "yes"})
    assert plan_fill(form, answered).fields[-1].value == "Yes"


def test_ashby_form() -> None:
    form = [
        FormField("#_systemfield_name", "text", "Name", name="_systemfield_name", required=True),
        FormField("#_systemfield_email", "email", "Email", name="_systemfield_email", required=True),
        FormField("#_systemfield_resume", "file", "Resume", name="_systemfield_resume", required=True),
        FormField("#loc", "combobox", "Location", name="_systemfield_location"),
    ]
    plan = plan_fill(form, PROFILE)
    assert [item.value for item in plan.fields] == [
        "Ada Lovelace",
        "ada@example.org",
        "/data/resumes/ada.pdf",
        "London, England, United Kingdom",
    ]
    assert plan.unanswered == ()


@pytest.mark.parametrize(
    ("answers", "options"),
    [
        ({}, (Opt("Select...", ""), Opt("0-2 years", "a"), Opt("3-5 years", "b"))),
        ({"Years of experience with Rust?": "ten"}, (Opt("0-2 years", "a"), Opt("3-5 years", "b"))),
    ],
)
def test_required_custom_select_is_never_guessed(
    answers: dict[str, str], options: tuple[FieldOption, ...]
) -> None:
    form = [FormField("#x", "select", "Years of experience with Rust?", required=True, options=options)]
    plan = plan_fill(form, dataclasses.replace(PROFILE, answers=answers))
    assert plan.fields[0].value is None
    assert plan.unanswered[0].options == ("0-2 years", "3-5 years")


@pytest.mark.parametrize(
    ("label", "profile_changes", "expected"),
    [
        ("Are you authorized to work in Canada?", {}, "0"),
        ("Are you authorized to work in the UK?", {"job_country": ""}, "1"),
        (
            "Are you legally authorized to work in the country where this job is located?",
            {"job_country": ""},
            None,
        ),
        ("Are you authorized to work in the EU?", {}, None),
        ("Are you authorized to work in the United States?", {"work_authorized_countries": ()}, None),
        ("Will you require visa sponsorship to work in Canada?", {}, "1"),
        ("Will you now or in the future require sponsorship?", {"requires_sponsorship": True}, "1"),
        (
            "Will you now or in the future require sponsorship?",
            {"requires_sponsorship": None, "job_country": ""},
            None,
        ),
    ],
)
def test_work_authorization_and_sponsorship(
    label: str, profile_changes: dict[str, object], expected: str | None
) -> None:
    form = [FormField("#q", "select", label, required=True, options=YES_NO)]
    plan = plan_fill(form, dataclasses.replace(PROFILE, **profile_changes))  # type: ignore[arg-type]
    assert plan.fields[0].value == expected
    assert len(plan.unanswered) == (expected is None)


def test_required_consent_is_only_given_from_the_answer_bank() -> None:
    label = "I have read and agree to the Privacy Policy"
    form = [
        FormField("#c", "checkbox", label, required=True),
        FormField("#m", "checkbox", "I consent to marketing emails"),
    ]
    plan = plan_fill(form, PROFILE)
    assert [item.value for item in plan.fields] == [None, None]
    assert [q.label for q in plan.unanswered] == [label]
    agreed = plan_fill(form, dataclasses.replace(PROFILE, answers={fingerprint(label): "Yes"}))
    assert [item.value for item in agreed.fields] == [True, None]
    assert agreed.unanswered == ()


def test_cover_letter_uploads_are_left_to_the_user_and_text_comes_from_the_profile() -> None:
    form = [
        FormField("#cl", "file", "Cover Letter", name="cover_letter"),
        FormField("#clr", "file", "Cover Letter", name="cover_letter_required", required=True),
        FormField("#clt", "textarea", "Cover Letter", name="cover_letter_text"),
    ]
    plan = plan_fill(form, PROFILE)
    assert [item.value for item in plan.fields] == [None, None, "Analyst and programmer."]
    assert [q.id for q in plan.unanswered] == [fingerprint("Cover Letter")]


def test_values_fit_the_control() -> None:
    profile = dataclasses.replace(
        PROFILE, salary_expectation="$120k", email="a" * 40 + "@example.org", cover_letter="word " * 50
    )
    form = [
        FormField(
            "#country", "select", "Country", options=(Opt("Canada", "CA"), Opt("United Kingdom", "UK"))
        ),
        FormField("#salary", "number", "Desired salary"),
        FormField("#email", "email", "Email", max_length=30, required=True),
        FormField("#letter", "textarea", "Cover letter", max_length=22),
        FormField(
            "#pronouns", "checkbox_group", "Pronouns", options=(Opt("He/him", "he"), Opt("She/her", "she"))
        ),
    ]
    fields = by_selector(plan_fill(form, dataclasses.replace(profile, pronouns="she/her")))
    assert fields["#country"].value == "UK"
    assert fields["#salary"].value == "120000"
    assert fields["#email"].value is None
    assert fields["#letter"].value == "word word word word"
    assert fields["#pronouns"].value == ("she",)


def test_plan_hash_is_stable_and_follows_form_and_values() -> None:
    baseline = plan_fill(greenhouse_form(), PROFILE).plan_hash
    assert plan_fill(greenhouse_form(), PROFILE).plan_hash == baseline
    form = greenhouse_form()
    form[-1] = dataclasses.replace(form[-1], name="authenticity_token_2")
    assert plan_fill(form, PROFILE).plan_hash == baseline
    assert plan_fill(greenhouse_form((*GENDER, Opt("Non-binary", "nb"))), PROFILE).plan_hash != baseline
    assert (
        plan_fill(greenhouse_form(), dataclasses.replace(PROFILE, phone="+1 555 0100")).plan_hash != baseline
    )
