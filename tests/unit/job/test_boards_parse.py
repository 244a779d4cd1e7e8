"""Board parsers against the captured fixtures, and their handling of bad postings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.job.boards import (
    BoardFormatError,
    parse_ashby_board,
    parse_greenhouse_job,
    parse_greenhouse_jobs,
    parse_lever_postings,
)

FIXTURES = Path("/work/shared/fixtures/boards")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_greenhouse_modern_list() -> None:
    result = parse_greenhouse_jobs((FIXTURES / "greenhouse_board_vercel.json").read_bytes(), "vercel")
    assert result.errors == []
    assert [job.title for job in result.jobs] == [
        "Account Executive, Commercial",
        "Account Executive, Majors",
        "Account Executive, Majors (APAC)",
    ]
    job = result.jobs[0]
    assert (job.ats, job.board, job.external_id, job.company) == (
        "greenhouse",
        "vercel",
        "6136160004",
        "Vercel",
    )
    assert job.location == "Hybrid - London" and job.workplace_type == "hybrid" and not job.remote
    assert job.apply_url == "https://job-boards.greenhouse.io/vercel/jobs/6136160004"
    assert job.posted_time == datetime(2026, 8, 6, 16, 50, 10, tzinfo=UTC)
    assert job.questions is None


def test_greenhouse_modern_detail_unescapes_and_sanitises_content() -> None:
    result = parse_greenhouse_job(_load("greenhouse_job_vercel.json"), "vercel")
    job = result.jobs[0]
    assert job.department == "Account Executive"
    assert job.locations == ("Hybrid - London", "London, England, United Kingdom")
    assert job.description_html.startswith("<div><h2>About Vercel:</h2>")
    assert "data-sheets-root" not in job.description_html and "&lt;" not in job.description_html
    assert "ship what's next" in job.description_text
    assert job.description_text.startswith("About Vercel:\n\nVercel is the agentic infrastructure company")


def test_greenhouse_embed_list_and_content() -> None:
    plain = parse_greenhouse_jobs(_load("greenhouse_jobs.json"), "generalassembly")
    assert [(j.external_id, j.location) for j in plain.jobs] == [("721", "New York, NY"), ("722", "New York")]
    assert plain.jobs[0].company == "Generalassembly"
    assert plain.jobs[0].apply_url == "http://boards.greenhouse.io/generalassembly/jobs/721"
    full = parse_greenhouse_jobs(_load("greenhouse_jobs_with_content.json"), "generalassembly", company="GA")
    finance = full.jobs[1]
    assert finance.company == "GA" and finance.department == "Finance"
    assert "<h3>Required skills &amp; experience</h3>" in finance.description_html
    assert "Required skills & experience" in finance.description_text
    assert "- Bespoke exercitation viral typewriter." in finance.description_text
    assert "you probably haven't heard of them" in finance.description_text


def test_greenhouse_questions_from_the_embed_detail() -> None:
    job = parse_greenhouse_job(_load("greenhouse_job_with_questions.json"), "generalassembly").jobs[0]
    assert job.questions is not None
    by_id = {q.id: q for q in job.questions}
    assert list(by_id)[:4] == ["first_name", "last_name", "email", "phone"]
    assert by_id["first_name"].required and by_id["email"].label == "Email" and by_id["email"].type == "text"
    assert not by_id["phone"].required
    assert by_id["resume"].type == "file" and by_id["resume_text"].type == "textarea"
    assert by_id["question_2722"].label == "How did you hear about this job?"
    without = parse_greenhouse_job(_load("greenhouse_job.json"), "generalassembly").jobs[0]
    assert without.questions is None and without.listing_hash == job.listing_hash


def test_greenhouse_modern_question_blocks() -> None:
    raw = _load("greenhouse_job_vercel.json") | {
        "questions": [
            {
                "required": True,
                "label": "Resume/CV",
                "description": "&lt;p&gt;PDF please&lt;/p&gt;",
                "fields": [
                    {"name": "resume", "type": "input_file"},
                    {"name": "resume_text", "type": "textarea"},
                ],
            },
            {
                "required": True,
                "label": "Are you authorized to work in the UK?",
                "fields": [
                    {
                        "name": "question_9001",
                        "type": "multi_value_single_select",
                        "values": [{"label": "Yes", "value": 1}, {"label": "No", "value": 0}],
                    }
                ],
            },
            {
                "required": False,
                "label": "Languages",
                "fields": [
                    {
                        "name": "question_9002[]",
                        "type": "multi_value_multi_select",
                        "values": [{"label": "English", "value": 1}, {"label": "German", "value": 2}],
                    }
                ],
            },
            "not a question",
        ],
        "compliance": [
            {
                "type": "eeoc",
                "questions": [
                    {
                        "required": False,
                        "label": "Gender",
                        "fields": [
                            {
                                "name": "gender",
                                "type": "multi_value_single_select",
                                "values": [{"label": "Female", "value": 1}, {"label": "Male", "value": 2}],
                            }
                        ],
                    }
                ],
            }
        ],
        "demographic_questions": {
            "header": "Voluntary",
            "questions": [
                {
                    "id": 77,
                    "label": "Pronouns",
                    "required": False,
                    "type": "multi_value_multi_select",
                    "answer_options": [{"id": 1, "label": "she/her"}, {"id": 2, "label": "they/them"}],
                }
            ],
        },
    }
    questions = {q.id: q for q in parse_greenhouse_job(raw, "vercel").jobs[0].questions or ()}
    assert questions["resume"].required and not questions["resume_text"].required
    assert questions["resume"].description == "PDF please"
    assert questions["question_9001"].type == "boolean" and questions["question_9001"].options == (
        "Yes",
        "No",
    )
    assert questions["question_9002[]"].type == "multi_select"
    assert questions["question_9002[]"].options == ("English", "German")
    assert questions["gender"].type == "select" and questions["gender"].options == ("Female", "Male")
    assert questions["demographic_77"].options == ("she/her", "they/them")
    assert len(questions) == 6


def test_lever_postings() -> None:
    result = parse_lever_postings((FIXTURES / "lever_voltus.json").read_bytes(), "voltus")
    assert result.errors == []
    remote, product, onsite = result.jobs
    assert remote.title == "Director of Product Marketing" and remote.company == "Voltus"
    assert remote.external_id == "e966b65f-09d3-48e1-b96f-508be800ec4f"
    assert remote.remote and remote.workplace_type == "remote" and remote.location == "Remote"
    assert remote.apply_url == "https://jobs.lever.co/voltus/e966b65f-09d3-48e1-b96f-508be800ec4f/apply"
    assert remote.employment_type == "FullTime" and remote.department == "Marketing & Sales Operations"
    assert remote.salary is not None
    assert (remote.salary.min, remote.salary.max, remote.salary.currency, remote.salary.interval) == (
        190000,
        220000,
        "USD",
        "YEAR",
    )
    assert remote.posted_time == datetime.fromtimestamp(1787333908.904, tz=UTC)
    assert "<h3>Responsibilities</h3>" in remote.description_html
    assert "- Own product-market fit" in remote.description_text
    assert "we do not sponsor visas" in remote.description_text
    assert remote.questions == ()
    assert product.title == "Director of Product, Customer Experience"
    assert onsite.location == "Georgetown,TX" and onsite.workplace_type == "on_site" and not onsite.remote


def test_ashby_board() -> None:
    result = parse_ashby_board(_load("ashby_gimlet.json"), "gimlet")
    assert result.errors == [] and len(result.jobs) == 3
    job = result.jobs[0]
    assert job.title == "Member of Technical Staff - Compiler Engineer" and job.company == "Gimlet"
    assert job.apply_url == "https://jobs.ashbyhq.com/gimlet/ac6c4998-d6e7-429d-a889-930376bcc9f2/application"
    assert (job.location, job.workplace_type, job.remote) == ("San Francisco, CA", "on_site", False)
    assert (job.employment_type, job.department) == ("FullTime", "Research and Development")
    assert job.salary is None
    assert job.description_text.startswith("About us\n\nGimlet is building")
    assert 'style="' not in job.description_html


def test_ashby_unlisted_postings_are_left_out_like_the_board_does() -> None:
    raw = _load("ashby_gimlet.json")
    raw["jobs"][1]["isListed"] = False
    result = parse_ashby_board(raw, "gimlet")
    assert result.errors == [] and len(result.jobs) == 2
    assert raw["jobs"][1]["id"] not in {job.external_id for job in result.jobs}


def test_ashby_compensation_and_remote() -> None:
    raw = _load("ashby_gimlet.json")
    raw["jobs"][0] |= {
        "isRemote": True,
        "workplaceType": "Remote",
        "secondaryLocations": [{"location": "London"}],
        "compensation": {
            "compensationTierSummary": "$150K – $200K • Offers Equity",
            "summaryComponents": [
                {
                    "compensationType": "EquityPercentage",
                    "interval": "NONE",
                    "minValue": 0.1,
                    "maxValue": 0.5,
                },
                {
                    "compensationType": "Salary",
                    "interval": "1 YEAR",
                    "currencyCode": "USD",
                    "minValue": 150000,
                    "maxValue": 200000,
                },
            ],
        },
    }
    job = parse_ashby_board(raw, "gimlet").jobs[0]
    assert job.remote and job.workplace_type == "remote"
    assert job.locations == ("San Francisco, CA", "London")
    assert job.salary is not None
    assert (job.salary.min, job.salary.max, job.salary.interval) == (150000, 200000, "YEAR")
    assert job.salary.summary == "$150K – $200K • Offers Equity"


def test_scripts_and_handlers_are_removed() -> None:
    raw = _load("ashby_gimlet.json")
    raw["jobs"][0]["descriptionHtml"] = (
        '<p onclick="steal()">Hello &amp; welcome</p><script>alert("x")</script>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://example.org/x">good</a><style>p{}</style>'
    )
    job = parse_ashby_board(raw, "gimlet").jobs[0]
    assert "script" not in job.description_html and "alert" not in job.description_html
    assert "onclick" not in job.description_html and "javascript" not in job.description_html
    assert '<a href="https://example.org/x" rel="noopener nofollow">good</a>' in job.description_html
    assert job.description_text == "Hello & welcome\n\nbad good"


def test_a_bad_posting_is_skipped_and_named() -> None:
    raw = _load("lever_voltus.json")
    del raw[1]["text"]
    raw[2]["categories"] = ["not", "an", "object"]
    result = parse_lever_postings(raw, "voltus")
    assert [job.title for job in result.jobs] == ["Director of Product Marketing"]
    assert len(result.errors) == 2
    assert (
        "a7d9918d-c8e1-4009-872e-98953b4986e6" in result.errors[0] and "text is missing" in result.errors[0]
    )
    assert "categories" in result.errors[1]


def test_postings_with_bad_types_bytes_or_sizes_are_skipped() -> None:
    good = {"id": 1, "title": "Engineer", "location": {"name": "Paris"}}
    document = {
        "jobs": [
            good,
            {"id": 2, "title": 42},
            {"title": "No id"},
            "not an object",
            {"id": 5, "title": "Huge", "content": "x" * (3 * 1024 * 1024)},
            {"id": 6, "title": "Bad\udcffbytes"},
        ]
    }
    result = parse_greenhouse_jobs(document, "acme")
    assert [job.external_id for job in result.jobs] == ["1"]
    assert len(result.errors) == 5
    assert "'2'" in result.errors[0] and "title is int" in result.errors[0]
    assert "id is missing" in result.errors[1]
    assert "limit" in result.errors[3] and "'6'" in result.errors[4]


def test_non_utf8_bytes_skip_only_their_posting() -> None:
    body = b'{"jobs": [{"id": 1, "title": "Caf\xe9"}, {"id": 2, "title": "Fine"}]}'
    result = parse_greenhouse_jobs(body, "acme")
    assert [job.title for job in result.jobs] == ["Fine"]
    assert "not valid UTF-8" in result.errors[0]


@pytest.mark.parametrize(
    ("parse", "document"),
    [
        (parse_greenhouse_jobs, b"<html>not json</html>"),
        (parse_greenhouse_jobs, b"[]"),
        (parse_greenhouse_jobs, b'{"jobs": {}}'),
        (parse_greenhouse_job, b'"a string"'),
        (parse_lever_postings, b'{"postings": []}'),
        (parse_ashby_board, b"[1, 2]"),
        (parse_ashby_board, b""),
    ],
)
def test_a_wholly_malformed_document_raises(parse: Any, document: bytes) -> None:
    with pytest.raises(BoardFormatError):
        parse(document, "acme")
