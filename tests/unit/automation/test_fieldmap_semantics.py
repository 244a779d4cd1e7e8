"""Field classification, question fingerprints and option matching over many real-world wordings."""

from __future__ import annotations

import pytest

from services.automation.fieldmap import FieldOption, FormField, answer_matches_option, classify, fingerprint

Opt = FieldOption


def field(label: str = "", kind: str = "text", **attributes: str) -> FormField:
    return FormField(selector="#f", kind=kind, label=label, **attributes)  # type: ignore[arg-type]


CASES = [
    # HTML autocomplete tokens win over everything else.
    (field("Foo", autocomplete="given-name"), "given-name"),
    (field("Foo", autocomplete="family-name"), "family-name"),
    (field("Foo", autocomplete="name"), "name"),
    (field("Contact", autocomplete="email"), "email"),
    (field("Contact", autocomplete="tel"), "tel"),
    (field("Contact", autocomplete="tel-national"), "tel"),
    (field("Where", autocomplete="address-level2"), "city"),
    (field("Where", autocomplete="address-level1"), "region"),
    (field("Where", kind="select", autocomplete="country-name"), "country"),
    (field("Code", autocomplete="section-apply shipping postal-code"), "postal-code"),
    (field("Employer", autocomplete="organization"), "current-company"),
    (field("Role", autocomplete="organization-title"), "current-title"),
    (field("Link", autocomplete="url"), "website"),
    (field("Born", autocomplete="bday"), "bday"),
    (field("First name", autocomplete="off"), "given-name"),
    # Greenhouse, Lever and Ashby field names.
    (field("", name="job_application[first_name]"), "given-name"),
    (field("", name="job_application[last_name]"), "family-name"),
    (field("Given", id="first_name"), "given-name"),
    (field("Full name", name="name"), "name"),
    (field("", name="email"), "email"),
    (field("", name="phone"), "tel"),
    (field("Current company", name="org"), "current-company"),
    (field("LinkedIn URL", name="urls[LinkedIn]"), "linkedin"),
    (field("GitHub URL", name="urls[GitHub]"), "github"),
    (field("Portfolio URL", name="urls[Portfolio]"), "website"),
    (field("Other website", name="urls[Other]"), "url"),
    (field("Attach", kind="file", name="resume"), "resume"),
    (field("Additional information", kind="textarea", name="comments"), "cover-letter"),
    (field("What's your favourite language?", kind="radio", name="cards[5c1e][field0]"), "custom"),
    (
        field("Are you legally authorized to work in Canada?", kind="radio", name="cards[5c1e][field1]"),
        "work-authorization",
    ),
    (field("Name", name="_systemfield_name"), "name"),
    (field("Email", id="_systemfield_email"), "email"),
    (field("Resume", kind="file", name="_systemfield_resume"), "resume"),
    (field("Location (City)", kind="combobox", id="candidate-location"), "city"),
    (field("", kind="select", name="job_application[gender]"), "eeo-gender"),
    (field("", kind="select", name="job_application[race]"), "eeo-race"),
    (field("", kind="select", name="job_application[hispanic_ethnicity]"), "eeo-hispanic-latino"),
    (field("", kind="select", name="job_application[veteran_status]"), "eeo-veteran"),
    (field("", kind="select", name="job_application[disability_status]"), "eeo-disability"),
    (field("Your name", name="eeo[disabilitySignature]"), "signature"),
    (field("LinkedIn Profile", name="job_application[answers_attributes][0][text_value]"), "linkedin"),
    (field("First name", name="name"), "given-name"),
    # Label wording.
    (field("Legal first name"), "given-name"),
    (field("Given name *"), "given-name"),
    (field("Surname"), "family-name"),
    (field("Family Name (required)"), "family-name"),
    (field("Full legal name"), "name"),
    (field("Name"), "name"),
    (field("Middle name"), "additional-name"),
    (field("E-mail address"), "email"),
    (field("Mobile number"), "tel"),
    (field("Phone number *"), "tel"),
    (field("Phone country code", kind="select"), "tel-country-code"),
    (field("LinkedIn Profile URL"), "linkedin"),
    (field("GitHub"), "github"),
    (field("Twitter"), "twitter"),
    (field("Website / Portfolio"), "website"),
    (field("Current company"), "current-company"),
    (field("Current job title"), "current-title"),
    (field("City"), "city"),
    (field("City, State"), "location"),
    (field("Location"), "location"),
    (field("Where are you currently located?"), "location"),
    (field("State / Province"), "region"),
    (field("Zip code"), "postal-code"),
    (field("Country", kind="select"), "country"),
    (field("Country of residence", kind="select"), "country"),
    (field("Resume/CV", kind="file"), "resume"),
    (field("Cover letter", kind="file"), "cover-letter"),
    (field("Cover Letter", kind="textarea"), "cover-letter"),
    (field("Transcript", kind="file"), "custom"),
    (field("Are you legally authorized to work in the United States?*", kind="select"), "work-authorization"),
    (field("Are you legally authorised to work in the UK?", kind="radio"), "work-authorization"),
    (field("Do you have the right to work in Germany?", kind="radio"), "work-authorization"),
    (field("Can you work in the US without visa sponsorship?", kind="radio"), "work-authorization"),
    (
        field("Will you now or in the future require sponsorship for employment visa status (e.g., H-1B)?"),
        "sponsorship",
    ),
    (field("Do you require visa sponsorship?", kind="select"), "sponsorship"),
    (field("Desired salary"), "salary"),
    (field("What are your compensation expectations?"), "salary"),
    (field("When can you start?"), "start-date"),
    (field("Earliest start date", kind="date"), "start-date"),
    (field("How did you hear about us?"), "custom"),
    (field("How did you hear about this job? (LinkedIn, Indeed, referral)"), "custom"),
    (field("Pronouns", kind="checkbox_group"), "pronouns"),
    (field("Gender identity", kind="select"), "eeo-gender"),
    (field("Race/Ethnicity", kind="select"), "eeo-race"),
    (field("Are you Hispanic/Latino?", kind="select"), "eeo-hispanic-latino"),
    (field("Veteran Status", kind="select"), "eeo-veteran"),
    (
        field("I identify as one or more of the classifications of protected veteran", kind="radio"),
        "eeo-veteran",
    ),
    (field("Disability Status", kind="select"), "eeo-disability"),
    (field("Sexual orientation", kind="select"), "eeo-sexual-orientation"),
    (field("Please check one", kind="radio", section="Disability status"), "eeo-disability"),
    (field("Date of birth", kind="date"), "bday"),
    (field("Email", placeholder="ignored"), "email"),
    (field("", placeholder="Email address"), "email"),
    (field("I have read and agree to the Privacy Policy", kind="checkbox"), "consent"),
    (field("I acknowledge the applicant data processing notice", kind="checkbox"), "consent"),
    (field("Why do you want to work here?", kind="textarea"), "custom"),
    (field("Why do you want to work at our company?", kind="textarea"), "custom"),
    (field("Tell us about a project where you analysed city and country level data at scale"), "custom"),
]


@pytest.mark.parametrize(
    ("form_field", "expected"), CASES, ids=[f"{c[0].label or c[0].name}-{c[1]}" for c in CASES]
)
def test_classify_names_the_field(form_field: FormField, expected: str) -> None:
    assert classify(form_field)[0] == expected


def test_preferred_name_is_a_given_name_with_less_confidence() -> None:
    legal, legal_confidence = classify(field("Legal first name"))
    preferred, preferred_confidence = classify(field("Preferred first name"))
    assert legal == preferred == "given-name"
    assert 0.6 <= preferred_confidence < legal_confidence


@pytest.mark.parametrize(
    ("asked", "stored"),
    [
        (
            "Are you legally authorized to work in the United States?*",
            "are you legally authorised to work in the united states",
        ),
        (
            "Are you legally authorized to work in the U.S.? (required)",
            "Are you legally authorized to work in the US",
        ),
        ("Why do you want to work here?", "  why do you want to work here  "),
        ("What’s your favourite colour?", "what's your favorite color"),
        ("E-mail", "Email"),
        ("Are you open to full-time roles?", "Are you open to full time roles"),
        ("Année d’expérience", "annee d'experience"),
        ("Please describe your experience with Kubernetes.", "Describe your experience with Kubernetes"),
    ],
)
def test_fingerprint_matches_the_same_question_asked_differently(asked: str, stored: str) -> None:
    assert fingerprint(asked) == fingerprint(stored)


def test_fingerprint_separates_different_questions_and_is_stable() -> None:
    assert fingerprint("Are you authorized to work in Canada?") != fingerprint(
        "Are you authorized to work in the US?"
    )
    assert fingerprint("Why us?") != fingerprint("Why this role?")
    # Stored answers are keyed by this value: a change here orphans every answer bank.
    assert fingerprint("Are you legally authorized to work in the United States?") == "730a588ebb684c3f"


YES_NO = (Opt("Select...", ""), Opt("Yes", "1"), Opt("No", "0"))
COUNTRIES = (
    Opt("United States", "US"),
    Opt("United Kingdom", "GB"),
    Opt("Norway", "NO"),
    Opt("Germany", "DE"),
)


@pytest.mark.parametrize(
    ("answer", "options", "expected"),
    [
        ("Yes", YES_NO, "1"),
        ("yes", YES_NO, "1"),
        ("TRUE", YES_NO, "1"),
        ("n", YES_NO, "0"),
        ("0", YES_NO, "0"),
        ("Yes", (Opt("Yes, I am authorized", "a"), Opt("No, I am not", "b")), "a"),
        ("No", (Opt("Yes, I am authorized", "a"), Opt("No, I am not", "b")), "b"),
        ("USA", COUNTRIES, "US"),
        ("United States of America", COUNTRIES, "US"),
        ("UK", COUNTRIES, "GB"),
        ("GB", COUNTRIES, "GB"),
        ("Deutschland", COUNTRIES, None),
        ("No", COUNTRIES, None),
        (
            "White",
            (Opt("White (Not Hispanic or Latino)", "w"), Opt("Asian (Not Hispanic or Latino)", "a")),
            "w",
        ),
        ("female", (Opt("Man", "m"), Opt("Woman", "w"), Opt("Decline to self-identify", "d")), "w"),
        ("Maybe", YES_NO, None),
        ("", YES_NO, None),
        ("Select...", YES_NO, None),
        ("Yes", (Opt("Yes, citizen", "c"), Opt("Yes, with a visa", "v"), Opt("No", "n")), None),
    ],
)
def test_answer_matches_option_only_when_unambiguous(
    answer: str, options: tuple[FieldOption, ...], expected: str | None
) -> None:
    found = answer_matches_option(answer, options)
    assert (found.value if found else None) == expected
