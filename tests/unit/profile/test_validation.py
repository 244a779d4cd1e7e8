"""Pure profile rules: normalisation, every violation reported, update-mask resolution, names."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.questions import fingerprint
from services.profile.domain import AnswerEntry, ProfileFields, parse_profile_name, parse_resume_name
from services.profile.masks import resolve_mask
from services.profile.validation import email_problem, normalize_profile, phone_problem, url_problem

PID = "3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11"


def test_normalises_countries_names_and_answers() -> None:
    fields = ProfileFields(
        given_name=" Ada ",
        family_name="Lovelace",
        country="de",
        work_authorized_countries=["de", " fr", "DE"],
        answers=[AnswerEntry("Sponsorship?", "No"), AnswerEntry("sponsorship", "Yes")],
    )
    clean, problems = normalize_profile(fields)
    assert problems == []
    assert clean.display_name == "Ada Lovelace" and clean.country == "DE"
    assert clean.work_authorized_countries == ["DE", "FR"]
    assert [(a.question, a.answer) for a in clean.answers] == [("sponsorship", "Yes")]
    assert clean.answers[0].fingerprint == fingerprint("Sponsorship?")


def test_collects_every_violation() -> None:
    fields = ProfileFields(
        family_name="f" * 201,
        email="a@b",
        phone="12",
        website_url="javascript:alert(1)",
        region="r" * 201,
        country="ZZ",
        work_authorized_countries=["US", "USA"],
        answers=[AnswerEntry("***", "x"), AnswerEntry("Q?", "")],
    )
    _, problems = normalize_profile(fields)
    assert {path for path, _ in problems} == {
        "profile.family_name",
        "profile.email",
        "profile.phone",
        "profile.website_url",
        "profile.location.region",
        "profile.location.country",
        "profile.work_authorized_countries[1]",
        "profile.answers[0].question",
        "profile.answers[1].answer",
    }


def test_derived_display_name_never_violates() -> None:
    clean, problems = normalize_profile(ProfileFields(given_name="g" * 150, family_name="f" * 150))
    assert problems == [] and len(clean.display_name) == 200


@pytest.mark.parametrize("email", ["ada@example.com", "a.b+tag@sub.example.co.uk", "x@xn--80ak6aa92e.com"])
def test_good_emails(email: str) -> None:
    assert email_problem(email) is None


@pytest.mark.parametrize(
    "email", ["", "ada", "ada@", "@example.com", "a..b@example.com", "a@example", "a b@x.com"]
)
def test_bad_emails(email: str) -> None:
    assert email_problem(email) is not None


def test_email_length_limit() -> None:
    domain = ".".join(["b" * 60] * 3) + ".example.com"  # 194 characters
    assert email_problem("a" * 59 + "@" + domain) is None  # 254 in all
    assert email_problem("a" * 60 + "@" + domain) is not None
    assert email_problem("a" * 65 + "@example.com") is not None


@pytest.mark.parametrize(
    "url", ["https://github.com/ada", "http://localhost:8080/x", "https://[::1]/", "https://10.0.0.1"]
)
def test_good_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x.com",
        "https://",
        "github.com/ada",
        "https://exa mple.com",
        "https://x.com:99999/",
        "https://-x.com",
    ],
)
def test_bad_urls(url: str) -> None:
    assert url_problem(url) is not None


def test_url_length_limit() -> None:
    base = "https://example.com/"
    assert url_problem(base + "a" * (2048 - len(base))) is None
    assert url_problem(base + "a" * (2049 - len(base))) is not None


@pytest.mark.parametrize(
    "phone,ok",
    [
        ("+1 (415) 555-0100", True),
        ("12345", True),
        ("1234", False),
        ("+-()..", False),
        ("555 CALL", False),
        ("1" * 33, False),
    ],
)
def test_phones(phone: str, ok: bool) -> None:
    assert (phone_problem(phone) is None) is ok


def test_mask_resolution() -> None:
    assert resolve_mask([]) == resolve_mask(["*"])
    assert "answers" in resolve_mask(["*"]) and "city" in resolve_mask(["*"])
    assert resolve_mask(["location"]) == {"city", "region", "country"}
    assert resolve_mask(["location.city", "headline"]) == {"city", "headline"}
    assert resolve_mask(["self_identification.gender"]) == {"gender"}


@pytest.mark.parametrize(
    "paths", [["nope"], ["name"], ["etag"], ["update_time"], ["*", "headline"], ["location.zip"]]
)
def test_bad_masks(paths: list[str]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        resolve_mask(paths)
    assert {f for f, _ in caught.value.violations} == {"update_mask"}


def test_names() -> None:
    assert parse_profile_name(f"profiles/{PID}", "name") == PID
    assert parse_resume_name(f"profiles/{PID}/resumes/{PID}", "name") == (PID, PID)
    for bad in ("", f"profiles/{PID}/", f"profiles/{PID.upper()}", "profiles/1", f"users/{PID}"):
        with pytest.raises(InvalidArgument):
            parse_profile_name(bad, "name")
    with pytest.raises(InvalidArgument):
        parse_resume_name(f"profiles/{PID}/files/{PID}", "name")
