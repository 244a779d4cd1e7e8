"""Resume upload rules and media-type sniffing."""

from __future__ import annotations

import pytest

from services.profile.domain import ResumeUpload
from services.profile.files import DOCX, MAX_RESUME_BYTES, PDF, TEXT, sniff_content_type, upload_problems


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"%PDF-1.4\n...", PDF),
        (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", DOCX),
        (b"PK\x03\x04" + b"\x00" * 26 + b"data.csv", "application/octet-stream"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "application/msword"),
        (b"{\\rtf1\\ansi hello}", "application/rtf"),
        ("Curriculum vitæ — Zoë".encode(), TEXT),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "application/octet-stream"),
        (b"\xff\xfe\xfd text", "application/octet-stream"),
    ],
)
def test_sniffing(data: bytes, expected: str) -> None:
    assert sniff_content_type(data) == expected


def test_text_cut_inside_a_character_is_still_text() -> None:
    data = b"a" * 65535 + "é".encode()
    assert sniff_content_type(data) == TEXT


def test_upload_problems_name_each_field() -> None:
    ok = ResumeUpload("cv.pdf", "", b"%PDF-")
    assert upload_problems(ok) == []
    assert upload_problems(ResumeUpload("cv.pdf", "", b"x" * MAX_RESUME_BYTES)) == []
    bad = ResumeUpload("a/b.pdf", "nonsense", b"x" * (MAX_RESUME_BYTES + 1))
    assert {f for f, _ in upload_problems(bad)} == {
        "resume.filename",
        "resume.content",
        "resume.content_type",
    }
    assert {f for f, _ in upload_problems(ResumeUpload(" ", "", b""))} == {
        "resume.filename",
        "resume.content",
    }
    assert upload_problems(ResumeUpload("..", "", b"x"))
    assert upload_problems(ResumeUpload("cv\x00.pdf", "", b"x"))
