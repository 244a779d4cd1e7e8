"""Refuses NUL characters in request strings before any handler sees them.

PostgreSQL text cannot hold U+0000, so a string carrying one would fail deep in a query as an
internal error. Every string field of every request (nested messages, repeated fields and maps
included; bytes fields are data and are not looked at) is checked once, at the edge, and each
offending field is named in the INVALID_ARGUMENT. Must not judge anything else about the request.
"""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

_NUL = "\x00"
_DESCRIPTION = "must not contain NUL (U+0000) characters"


def nul_violations(message: Message, prefix: str = "") -> list[tuple[str, str]]:
    """(field path, description) for every string field of `message` that contains a NUL."""
    found: list[tuple[str, str]] = []
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            found.extend(_map_violations(field, value, path))
        elif field.type == FieldDescriptor.TYPE_STRING:
            if field.is_repeated:
                found.extend((f"{path}[{i}]", _DESCRIPTION) for i, item in enumerate(value) if _NUL in item)
            elif _NUL in value:
                found.append((path, _DESCRIPTION))
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated:
                for i, item in enumerate(value):
                    found.extend(nul_violations(item, f"{path}[{i}]."))
            else:
                found.extend(nul_violations(value, f"{path}."))
    return found


def _map_violations(field: FieldDescriptor, value: object, path: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    entry_type = field.message_type
    assert entry_type is not None  # a map field's entries are messages
    value_field = entry_type.fields_by_name["value"]
    for key, item in value.items():  # type: ignore[attr-defined]
        entry = f"{path}[{key!r}]"
        if isinstance(key, str) and _NUL in key:
            found.append((path, _DESCRIPTION))
        elif value_field.type == FieldDescriptor.TYPE_STRING and _NUL in item:
            found.append((entry, _DESCRIPTION))
        elif value_field.type == FieldDescriptor.TYPE_MESSAGE:
            found.extend(nul_violations(item, f"{entry}."))
    return found
