"""Content hashes, dedupe keys and HTML-to-text of normalised postings."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

from services.job.boards import BoardJob, BoardQuestion, dedupe_key, parse_lever_postings
from services.job.boards.sanitize import html_to_text, sanitize_html

FIXTURES = Path("/work/shared/fixtures/boards")


def _lever_jobs() -> list[BoardJob]:
    return parse_lever_postings((FIXTURES / "lever_voltus.json").read_bytes(), "voltus").jobs


def test_content_hash_is_stable_across_parses_and_processes() -> None:
    first, second = _lever_jobs(), _lever_jobs()
    assert [j.content_hash for j in first] == [j.content_hash for j in second]
    assert len({j.content_hash for j in first}) == 3
    script = (
        "from pathlib import Path; from services.job.boards import parse_lever_postings; "
        f"print(*(j.content_hash for j in parse_lever_postings(Path({str(FIXTURES)!r}, 'lever_voltus.json')"
        ".read_bytes(), 'voltus').jobs))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Asia/Kolkata"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [j.content_hash for j in first]


def test_content_hash_changes_with_content_only() -> None:
    job = _lever_jobs()[0]
    assert replace(job, title=job.title + " II").content_hash != job.content_hash
    assert replace(job, description_html=job.description_html + "<p>x</p>").content_hash != job.content_hash
    asked = replace(job, questions=(BoardQuestion(id="q1", label="Why?", type="textarea", required=True),))
    assert asked.content_hash != job.content_hash and asked.listing_hash == job.listing_hash
    assert replace(job).content_hash == job.content_hash


def test_content_hash_ignores_the_time_zone_a_time_is_written_in() -> None:
    job = _lever_jobs()[0]
    assert job.posted_time is not None
    shifted = replace(job, posted_time=job.posted_time.astimezone(timezone(timedelta(hours=-7))))
    assert shifted.content_hash == job.content_hash


def test_dedupe_key_matches_reposts_and_variants() -> None:
    base = dedupe_key("Acme, Inc.", "Sr. Software Engineer", "New York, NY")
    assert dedupe_key("ACME Inc", "Senior Software Engineer", "new york ny") == base
    assert dedupe_key("Acme", "senior  software   engineer", "New York,  NY") == base
    assert dedupe_key("The Acme Corporation", "Sr Software Engineer", "New-York NY") == base
    assert dedupe_key("Acme GmbH", "Sr. Software Engineer", "New York, NY") == base
    assert dedupe_key("Acme", "Staff Software Engineer", "New York, NY") != base
    assert dedupe_key("Acme", "Senior Software Engineer", "Boston, MA") != base
    assert dedupe_key("Acme Bank", "Senior Software Engineer", "New York, NY") != base
    assert dedupe_key("Café Ltd", "Engineer II", "Zürich") == dedupe_key("cafe", "Engineer 2", "Zurich")


def test_the_same_job_on_two_boards_shares_a_dedupe_key() -> None:
    job = _lever_jobs()[0]
    elsewhere = replace(job, ats="ashby", board="voltus-inc", external_id="x", company="Voltus, Inc.")
    assert elsewhere.dedupe_key == job.dedupe_key and elsewhere.content_hash != job.content_hash


def test_html_to_text_blocks_entities_and_whitespace() -> None:
    fragment = (
        "<h2>Role</h2>\n  <p>We   build&nbsp;tools &amp; more.</p><ul><li>One</li><li>Two<br>lines</li></ul>x"
    )
    assert html_to_text(fragment) == "Role\n\nWe build tools & more.\n\n- One\n- Two\nlines\n\nx"
    assert html_to_text("<pre>a  b\n  c</pre>") == "a  b\n  c"
    assert html_to_text("<style>p{}</style><p>only</p>") == "only"


def test_sanitize_keeps_formatting_and_drops_active_content() -> None:
    dirty = (
        '<h1 class="x">T</h1><iframe src="https://evil.example"></iframe><img src=x onerror=alert(1)>'
        '<table><tr><td colspan="2" onmouseover="x()">c</td></tr></table><a href="/rel" target="_blank">r</a>'
    )
    clean = sanitize_html(dirty)
    assert clean.startswith("<h1>T</h1>")
    assert (
        "iframe" not in clean and "img" not in clean and "onerror" not in clean and "onmouseover" not in clean
    )
    assert '<td colspan="2">c</td>' in clean
    assert 'target="' not in clean and 'rel="noopener nofollow"' in clean
