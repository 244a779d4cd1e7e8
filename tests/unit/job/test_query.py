"""ListJobs' filter and order_by parsing."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.job.query import Condition, OrderKey, parse_filter, parse_order_by


def test_conjunctions_of_typed_conditions() -> None:
    text = 'company = "Acme \\"Labs\\"" AND ats = ATS_LEVER AND remote = true AND state != closed AND board = acme'
    assert parse_filter(text) == [
        Condition("company", "=", 'Acme "Labs"'),
        Condition("ats", "=", "LEVER"),
        Condition("remote", "=", True),
        Condition("state", "!=", "CLOSED"),
        Condition("board", "=", "acme"),
    ]
    source = parse_filter("source = sources/3F1C3F2E-2F0E-4F59-9A4E-1A2B3C4D5E6F")
    assert source == [Condition("source", "=", "3f1c3f2e-2f0e-4f59-9a4e-1a2b3c4d5e6f")]
    assert parse_filter("") == [] and parse_filter("   ") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("salary = 1", "unknown field"),
        ('company = "a" OR title = "b"', "expected AND"),
        ('company = "a" and title = "b"', "expected AND"),
        ("company =", "incomplete"),
        ("company = = x", "missing value"),
        ("ats = WORKDAY", "ats must be one of"),
        ("remote = 'true'", "remote must be true or false"),
        ("source = jobs/1", "source must be"),
        ('company = "unterminated', "unexpected character"),
        ("(company = x)", "unexpected character"),
    ],
)
def test_bad_filters_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        parse_filter(text)
    assert [field for field, _ in err.value.violations] == ["filter"]
    assert words in err.value.violations[0][1]


def test_order_by() -> None:
    assert parse_order_by("") == [OrderKey("create_time")]
    assert parse_order_by("posted_time desc, title") == [OrderKey("posted_time", True), OrderKey("title")]
    assert parse_order_by("company ASC") == [OrderKey("company")]
    for bad in ("salary", "title up", "title desc extra", "title, title", "title,"):
        with pytest.raises(InvalidArgument) as err:
            parse_order_by(bad)
        assert err.value.violations[0][0] == "order_by"
