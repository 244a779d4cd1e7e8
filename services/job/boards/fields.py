"""Field readers shared by the board parsers: typed, bounded, and strict about what they accept.

A reader raises `JobSkip` when a posting cannot be used; the parser turns that into
one error line and moves on. Nothing here knows a particular board's document shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from services.job.boards.model import BoardFormatError, BoardJob, ParseResult, SalaryRange, WorkplaceType
from services.job.boards.sanitize import html_to_text, sanitize_html

MAX_DESCRIPTION_BYTES = 2 * 1024 * 1024
MAX_SHORT_TEXT = 2000
_SURROGATE = re.compile("[\ud800-\udfff]")


class JobSkip(ValueError):
    """One posting is unusable; the message says why."""


def load_document(raw: bytes | str | object) -> Any:
    """Parses a board response; bytes that are not UTF-8 survive as lone surrogates, caught per posting."""
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="surrogateescape")
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BoardFormatError(f"response is not JSON: {exc}") from exc


def expect_dict(value: object, what: str) -> dict[str, Any]:
    """The value as a JSON object, or BoardFormatError naming what it should have been."""
    if not isinstance(value, dict):
        raise BoardFormatError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def text(value: object, name: str, *, limit: int = MAX_SHORT_TEXT) -> str:
    """A string field, stripped; absent is ""; any other type, bad bytes or a huge value skip the posting."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise JobSkip(f"{name} is {type(value).__name__}, not text")
    if _SURROGATE.search(value):
        raise JobSkip(f"{name} is not valid UTF-8 text")
    if len(value) > limit:
        raise JobSkip(f"{name} is {len(value)} characters long (limit {limit})")
    # PostgreSQL text cannot hold NUL; it never carries meaning in a posting.
    return value.replace("\x00", "").strip()


def required_text(value: object, name: str, *, limit: int = MAX_SHORT_TEXT) -> str:
    """Like `text`, but empty skips the posting."""
    result = text(value, name, limit=limit)
    if not result:
        raise JobSkip(f"{name} is missing")
    return result


def identifier(value: object) -> str:
    """A posting id: a non-empty string or an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return required_text(value, "id", limit=200)


def optional_dict(value: object, name: str) -> dict[str, Any]:
    """An optional nested object; absent is {}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise JobSkip(f"{name} is {type(value).__name__}, not an object")
    return value


def optional_list(value: object, name: str) -> list[Any]:
    """An optional list; absent is []."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise JobSkip(f"{name} is {type(value).__name__}, not a list")
    return value


def timestamp(value: object) -> datetime | None:
    """An ISO 8601 time (naive means UTC) or epoch milliseconds; anything unreadable is None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def http_url(value: object, name: str) -> str:
    """An absolute http(s) URL, or "" (never a javascript: or relative link)."""
    url = text(value, name, limit=4000)
    return url if url.lower().startswith(("https://", "http://")) else ""


def description(raw_html: str, name: str = "description") -> tuple[str, str]:
    """Sanitised HTML and its plain text; a description over the size cap skips the posting."""
    size = len(raw_html.encode("utf-8", errors="surrogatepass"))
    if size > MAX_DESCRIPTION_BYTES:
        raise JobSkip(f"{name} is {size} bytes (limit {MAX_DESCRIPTION_BYTES})")
    if _SURROGATE.search(raw_html):
        raise JobSkip(f"{name} is not valid UTF-8 text")
    safe = sanitize_html(raw_html.replace("\x00", ""))
    return safe, html_to_text(safe)


def company_name(override: str | None, found: str, board: str) -> str:
    """The override, else what the board says, else the board token title-cased."""
    if override and override.strip():
        return override.strip()
    if found:
        return found
    return " ".join(part.capitalize() for part in re.split(r"[-_.\s]+", board) if part) or board


def workplace(raw: str, *hints: str) -> WorkplaceType:
    """The workplace type from a board value ("OnSite", "on-site", "hybrid", "Remote") or location text."""
    key = re.sub(r"[^a-z]", "", raw.lower())
    if key in ("onsite", "inoffice", "office"):
        return "on_site"
    if key in ("hybrid", "remote"):
        return "hybrid" if key == "hybrid" else "remote"
    words = " ".join(hints).lower()
    if "hybrid" in words:
        return "hybrid"
    if "remote" in words:
        return "remote"
    return ""


_EMPLOYMENT = {
    "fulltime": "FullTime",
    "parttime": "PartTime",
    "contract": "Contract",
    "contractor": "Contract",
    "intern": "Intern",
    "internship": "Intern",
    "temporary": "Temporary",
    "temp": "Temporary",
}


def employment_type(raw: str) -> str:
    """ "Full-Time", "full_time" and "FullTime" all become "FullTime"; unknown values pass unchanged."""
    return _EMPLOYMENT.get(re.sub(r"[^a-z]", "", raw.lower()), raw)


_INTERVALS = (("year", "YEAR"), ("annual", "YEAR"), ("month", "MONTH"), ("week", "WEEK"))
_INTERVALS_SHORT = (("day", "DAY"), ("daily", "DAY"), ("hour", "HOUR"))


def pay_interval(raw: str) -> str:
    """ "per-year-salary", "1 YEAR" and "yearly" become YEAR; likewise MONTH, WEEK, DAY, HOUR."""
    lowered = raw.lower()
    for word, interval in (*_INTERVALS, *_INTERVALS_SHORT):
        if word in lowered:
            return interval
    return ""


def number(value: object) -> float | None:
    """A JSON number as float; anything else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def salary(low: object, high: object, currency: str, interval: str, summary: str = "") -> SalaryRange | None:
    """A salary range when at least one bound is a number; the summary is written when absent."""
    lo, hi = number(low), number(high)
    if lo is None and hi is None:
        return None
    if not summary:
        amounts = " – ".join(f"{v:,.0f}" for v in (lo, hi) if v is not None)
        per = f" per {interval.lower()}" if interval else ""
        summary = f"{currency} {amounts}{per}".strip()
    return SalaryRange(min=lo, max=hi, currency=currency.upper(), interval=interval, summary=summary)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values in order, without case-insensitive repeats."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(value.strip())
    return tuple(out)


def collect(
    items: Iterable[object], parse_one: Callable[[dict[str, Any]], BoardJob], ats: str, board: str
) -> ParseResult:
    """Parses each posting, turning each unusable one into an error line that names it."""
    result = ParseResult()
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise JobSkip(f"posting is {type(item).__name__}, not an object")
            result.jobs.append(parse_one(item))
        except JobSkip as exc:
            result.errors.append(f"{ats} board {board!r}: job {_name(item, index)}: {exc}")
    return result


def _name(item: object, index: int) -> str:
    if isinstance(item, dict):
        ident = item.get("id")
        if isinstance(ident, int | str) and not isinstance(ident, bool) and str(ident).strip():
            shown = str(ident).encode("utf-8", errors="replace").decode("utf-8")[:80]
            return f"{shown!r} (#{index})"
    return f"#{index}"
