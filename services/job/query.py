"""ListJobs' `filter` (an AIP-160 subset) and `order_by`, parsed into plain values.

Grammar: `condition (AND condition)*`, condition = `field (= | !=) value`, fields company,
title, board, source, ats, state and remote. Strings may be quoted ("…" or '…') or bare
words; enums are given by name, with or without their prefix (`GREENHOUSE`, `ATS_GREENHOUSE`).
Pure parsing: it builds no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from services.common.errors import InvalidArgument
from services.job.validation import parse_name

Op = Literal["=", "!="]
STRING_FIELDS = ("company", "title", "board")
ENUMS = {
    "ats": ("ATS_", ("GREENHOUSE", "LEVER", "ASHBY", "GENERIC")),
    "state": ("JOB_STATE_", ("OPEN", "CLOSED")),
}
FIELDS = (*STRING_FIELDS, "source", "ats", "state", "remote")
ORDER_FIELDS = ("create_time", "posted_time", "company", "title")
MAX_FILTER = 2000

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|=)|(?P<word>[^\s"'=!()]+)|(?P<bad>\S))"""
)


@dataclass(frozen=True)
class Condition:
    """One `field op value`; `value` is a string, a bool (remote) or a source id (source)."""

    field: str
    op: Op
    value: str | bool


@dataclass(frozen=True)
class OrderKey:
    field: str
    desc: bool = False


def _bad(message: str) -> InvalidArgument:
    return InvalidArgument([("filter", message)])


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.group("bad") is not None:
            raise _bad(f"unexpected character at position {pos + 1}; expected `field = value` joined by AND")
        kind = match.lastgroup or "word"
        raw = match.group(kind)
        out.append((kind, raw))
        pos = match.end()
    return out


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


def parse_filter(text: str) -> list[Condition]:
    """The conditions of a filter; INVALID_ARGUMENT on `filter` saying what is wrong."""
    if len(text) > MAX_FILTER:
        raise _bad(f"must be at most {MAX_FILTER} characters")
    tokens = _tokens(text)
    conditions: list[Condition] = []
    i = 0
    while i < len(tokens):
        if conditions:
            if tokens[i] != ("word", "AND"):
                raise _bad(f"expected AND between conditions, got {tokens[i][1]!r} (OR is not supported)")
            i += 1
        if i + 3 > len(tokens):
            raise _bad("incomplete condition; expected `field = value`")
        (fkind, name), (okind, op), (vkind, raw) = tokens[i : i + 3]
        if fkind != "word" or name not in FIELDS:
            raise _bad(f"unknown field {name!r}; filterable fields are {', '.join(FIELDS)}")
        if okind != "op":
            raise _bad(f"expected = or != after {name}, got {op!r}")
        if vkind == "op":
            raise _bad(f"missing value after {name} {op}")
        value = _unquote(raw) if vkind == "str" else raw
        conditions.append(Condition(name, "=" if op == "=" else "!=", _value(name, value, vkind == "str")))
        i += 3
    return conditions


def _value(name: str, value: str, quoted: bool) -> str | bool:
    if name == "remote":
        if quoted or value.lower() not in ("true", "false"):
            raise _bad(f"remote must be true or false, got {value!r}")
        return value.lower() == "true"
    if name in ENUMS:
        prefix, names = ENUMS[name]
        key = value.upper().removeprefix(prefix)
        if key not in names:
            raise _bad(f"{name} must be one of {', '.join(names)}, got {value!r}")
        return key
    if name == "source":
        try:
            return parse_name(value, "sources", "filter")
        except InvalidArgument as exc:
            raise _bad(f"source must be a source name like sources/{{id}}, got {value[:200]!r}") from exc
    return value


def parse_order_by(text: str) -> list[OrderKey]:
    """The sort keys of an order_by; `create_time` when empty; INVALID_ARGUMENT on `order_by`."""
    keys: list[OrderKey] = []
    for part in (p.strip() for p in text.split(",")) if text.strip() else ():
        words = part.split()
        if not words or len(words) > 2 or words[0] not in ORDER_FIELDS:
            raise InvalidArgument(
                [
                    (
                        "order_by",
                        f"cannot order by {part!r}; use {', '.join(ORDER_FIELDS)}, each optionally desc",
                    )
                ]
            )
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            raise InvalidArgument([("order_by", f"expected asc or desc after {words[0]}, got {words[1]!r}")])
        if any(k.field == words[0] for k in keys):
            raise InvalidArgument([("order_by", f"{words[0]} is named twice")])
        keys.append(OrderKey(words[0], len(words) == 2 and words[1].lower() == "desc"))
    return keys or [OrderKey("create_time")]
