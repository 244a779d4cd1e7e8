"""Posting and source checks, and the drafts they produce."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.job.boards import board_guard
from services.job.domain import JobDraft, Salary
from services.job.validation import (
    JobInput,
    SourceInput,
    base_url_problem,
    checked_source,
    job_draft,
    job_violations,
    parse_name,
)


def test_parse_name() -> None:
    assert (
        parse_name("jobs/3F1C3F2E-2F0E-4F59-9A4E-1A2B3C4D5E6F", "jobs")
        == "3f1c3f2e-2f0e-4f59-9a4e-1a2b3c4d5e6f"
    )
    for bad in ("", "jobs", "jobs/", "jobs/x", "sources/3f1c3f2e-2f0e-4f59-9a4e-1a2b3c4d5e6f", "jobs/a/b"):
        with pytest.raises(InvalidArgument) as err:
            parse_name(bad, "jobs", "job.name")
        assert err.value.violations[0][0] == "job.name"


def test_job_violations_collects_every_field() -> None:
    bad = JobInput(
        apply_url="mailto:x@y",
        ats="workday",
        workplace_type="moon",
        salary=Salary(-1, 5, "usd"),
        questions=[{"id": "", "label": "Q", "type": "essay", "options": [], "description": ""}],
    )
    fields = {f for f, _ in job_violations(bad, "requests[3].job")}
    assert fields == {
        "requests[3].job.company",
        "requests[3].job.title",
        "requests[3].job.apply_url",
        "requests[3].job.ats",
        "requests[3].job.workplace_type",
        "requests[3].job.salary.min",
        "requests[3].job.salary.currency",
        "requests[3].job.questions[0].id",
        "requests[3].job.questions[0].type",
    }


def test_hand_made_draft_defaults_and_hashes() -> None:
    base = JobInput(company=" Acme Inc. ", title="Sr. Engineer", apply_url="https://acme.test/apply/1")
    draft = job_draft(base)
    assert (draft.ats, draft.board, draft.company) == ("generic", "", "Acme Inc.")
    assert len(draft.external_id) == 32 and draft.external_id == job_draft(base).external_id
    assert draft.content_hash == job_draft(base).content_hash
    renamed = job_draft(JobInput(company="Acme", title="Senior Engineer", apply_url="https://other.test/x"))
    assert renamed.dedupe_key == draft.dedupe_key  # same company, title and location
    retitled = job_draft(JobInput(company="Acme", title="Chef", apply_url="https://acme.test/apply/1"))
    assert retitled.content_hash != draft.content_hash and retitled.listing_hash != draft.listing_hash
    with_questions = JobDraft.build(**{**_fields(draft), "questions": ({"id": "q"},)})
    assert (
        with_questions.listing_hash == draft.listing_hash
        and with_questions.content_hash != draft.content_hash
    )


def _fields(draft: JobDraft) -> dict[str, object]:
    names = set(JobDraft.__dataclass_fields__) - {"listing_hash", "content_hash", "dedupe_key"}
    return {name: getattr(draft, name) for name in names}


def test_description_is_sanitised() -> None:
    draft = job_draft(
        JobInput(
            company="A",
            title="B",
            apply_url="http://a.test",
            description='<p onclick="x()">Hi<script>1</script></p>',
        )
    )
    assert "onclick" not in draft.description and "script" not in draft.description
    assert draft.description_text.strip() == "Hi"


def test_sources() -> None:
    guard = board_guard(("127.0.0.1",))
    checked = checked_source(SourceInput("lever", "voltus", base_url="http://127.0.0.1:8080/"), guard)
    assert (checked.base_url, checked.display_name, checked.sync_interval_minutes) == (
        "http://127.0.0.1:8080",
        "voltus",
        60,
    )
    assert base_url_problem("https://api.lever.co", guard) == ""
    assert "https" in base_url_problem("http://api.lever.co", guard)
    assert "neither" in base_url_problem("http://10.0.0.1", guard)
    assert "neither" in base_url_problem("http://localhost", guard)
    with pytest.raises(InvalidArgument) as err:
        checked_source(SourceInput("generic", "a" * 101, sync_interval_minutes=10**6), guard)
    assert {f for f, _ in err.value.violations} == {
        "source.kind",
        "source.board",
        "source.sync_interval_minutes",
    }
