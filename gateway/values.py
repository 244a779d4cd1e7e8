"""Field lookups and text-to-proto value parsing for path variables and query parameters.

`Schema` precomputes, once at startup, each reachable message's fields by proto and JSON name and each
enum's accepted spellings. Deliberate leniency: besides its name and number, an enum value is accepted
as its name without the enum's prefix (`SUBMIT` for `MODE_SUBMIT`, `GREENHOUSE` for `ATS_GREENHOUSE`),
in query parameters, path variables and JSON bodies alike. Must not touch messages of a request beyond
converting one value.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any, cast

from google.protobuf import duration_pb2, field_mask_pb2, message_factory, timestamp_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

TIMESTAMP = "google.protobuf.Timestamp"
DURATION = "google.protobuf.Duration"
FIELD_MASK = "google.protobuf.FieldMask"
STRUCT_TYPES = frozenset({"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"})
ANY = "google.protobuf.Any"
EMPTY = "google.protobuf.Empty"
WRAPPERS = frozenset(
    f"google.protobuf.{name}Value"
    for name in ("Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes")
)
# Messages with a special proto3 JSON form: never walked field by field.
WELL_KNOWN = frozenset({TIMESTAMP, DURATION, FIELD_MASK, ANY, EMPTY, *STRUCT_TYPES, *WRAPPERS})

_F = FieldDescriptor
_INT_RANGES = {
    _F.TYPE_INT32: (-(2**31), 2**31 - 1),
    _F.TYPE_SINT32: (-(2**31), 2**31 - 1),
    _F.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    _F.TYPE_INT64: (-(2**63), 2**63 - 1),
    _F.TYPE_SINT64: (-(2**63), 2**63 - 1),
    _F.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    _F.TYPE_UINT32: (0, 2**32 - 1),
    _F.TYPE_FIXED32: (0, 2**32 - 1),
    _F.TYPE_UINT64: (0, 2**64 - 1),
    _F.TYPE_FIXED64: (0, 2**64 - 1),
}
_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$|^nan$", re.IGNORECASE)
_TRUE = frozenset({"true", "t", "1"})
_FALSE = frozenset({"false", "f", "0"})
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def message_of(fd: FieldDescriptor) -> Descriptor:
    """The message type of a message-typed field."""
    desc = fd.message_type
    if desc is None:
        raise TypeError(f"{fd.full_name} is not a message field")
    return desc


def descriptor_of(msg: Message) -> Descriptor:
    """A message's descriptor, typed as the pure-Python API describes it."""
    return cast(Descriptor, msg.DESCRIPTOR)


def upper_snake(name: str) -> str:
    """`WorkplaceType` → `WORKPLACE_TYPE`."""
    return _CAMEL_BOUNDARY.sub("_", name).upper()


def snake_case(name: str) -> str:
    """A lowerCamel JSON name back to its proto name: `displayName` → `display_name`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() if name != name.lower() else name


def _enum_aliases(enum: EnumDescriptor) -> dict[str, int]:
    names = {v.name: v.number for v in enum.values}
    prefix = upper_snake(enum.name) + "_"
    if not any(n.startswith(prefix) for n in names):
        common = _common_prefix(list(names))
        prefix = common[: common.rfind("_") + 1] if len(names) > 1 else ""
    aliases = dict(names)
    if prefix:
        for name, number in names.items():
            short = name.removeprefix(prefix)
            if name.startswith(prefix) and short and short not in names:
                aliases[short] = number
    return aliases


def _common_prefix(words: list[str]) -> str:
    if not words:
        return ""
    first, last = min(words), max(words)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


class Schema:
    """Fields by proto name and JSON name, and enum spellings, for every message reachable from roots."""

    def __init__(self, roots: Iterable[Descriptor]):
        self._fields: dict[str, dict[str, FieldDescriptor]] = {}
        self._enums: dict[str, dict[str, int]] = {}
        self._enum_names: dict[str, dict[int, str]] = {}
        for root in roots:
            self._add(root)

    def _add(self, desc: Descriptor) -> None:
        if desc.full_name in self._fields:
            return
        lookup: dict[str, FieldDescriptor] = {}
        self._fields[desc.full_name] = lookup
        for fd in desc.fields:
            lookup[fd.json_name] = fd
            lookup[fd.name] = fd
            if fd.enum_type is not None and fd.enum_type.full_name not in self._enums:
                self._enums[fd.enum_type.full_name] = _enum_aliases(fd.enum_type)
                self._enum_names[fd.enum_type.full_name] = {v.number: v.name for v in fd.enum_type.values}
            if fd.message_type is not None:
                self._add(fd.message_type)

    def field(self, desc: Descriptor, key: str) -> FieldDescriptor | None:
        """The field of `desc` named `key` (proto or JSON name)."""
        lookup = self._fields.get(desc.full_name)
        if lookup is None:
            self._add(desc)
            lookup = self._fields[desc.full_name]
        return lookup.get(key)

    def enum_number(self, enum: EnumDescriptor, text: str) -> int:
        """An enum value from its name, its unprefixed name or its number."""
        spellings = self._enums.get(enum.full_name) or _enum_aliases(enum)
        if text in spellings:
            return spellings[text]
        if _INTEGER.match(text):
            number = int(text)
            if number in {v.number for v in enum.values}:
                return number
        raise ValueError(f"{text!r} is not a value of {enum.full_name}")

    def enum_canonical(self, enum: EnumDescriptor, text: str) -> str | None:
        """The canonical value name for an accepted spelling, or None if it is not one."""
        spellings = self._enums.get(enum.full_name) or _enum_aliases(enum)
        number = spellings.get(text)
        if number is None:
            return None
        names = self._enum_names.get(enum.full_name) or {v.number: v.name for v in enum.values}
        return text if text in {v.name for v in enum.values} else names[number]

    def scalar(self, fd: FieldDescriptor, text: str) -> Any:
        """The value of a non-message field parsed from text, or ValueError saying why not."""
        t = fd.type
        if t == _F.TYPE_STRING:
            return text
        if t == _F.TYPE_ENUM:
            return self.enum_number(cast(EnumDescriptor, fd.enum_type), text)
        if t == _F.TYPE_BOOL:
            lowered = text.lower()
            if lowered in _TRUE or lowered in _FALSE:
                return lowered in _TRUE
            raise ValueError(f"{text!r} is not a boolean")
        if t in _INT_RANGES:
            low, high = _INT_RANGES[t]
            if not _INTEGER.match(text) or not low <= int(text) <= high:
                raise ValueError(f"{text!r} is not a valid {_type_name(fd)}")
            return int(text)
        if t in (_F.TYPE_DOUBLE, _F.TYPE_FLOAT):
            if not _FLOAT.match(text):
                raise ValueError(f"{text!r} is not a number")
            return float(text)
        if t == _F.TYPE_BYTES:
            return _base64(text)
        raise ValueError(f"field type {t} cannot be set from text")

    def message(self, fd: FieldDescriptor, text: str) -> Message:
        """A well-known message parsed from its proto3 JSON string form."""
        desc = message_of(fd)
        name = desc.full_name
        if name == TIMESTAMP:
            ts = timestamp_pb2.Timestamp()
            _from_json_string(ts, text, "an RFC 3339 timestamp")
            return ts
        if name == DURATION:
            duration = duration_pb2.Duration()
            _from_json_string(duration, text, "a duration such as 1.5s")
            return duration
        if name == FIELD_MASK:
            paths = [".".join(snake_case(p) for p in path.strip().split(".")) for path in text.split(",")]
            return field_mask_pb2.FieldMask(paths=[p for p in paths if p])
        if name in WRAPPERS:
            value = self.scalar(desc.fields_by_name["value"], text)
            return message_factory.GetMessageClass(desc)(**{"value": value})
        raise ValueError(f"{name} cannot be set from a query parameter")


def _type_name(fd: FieldDescriptor) -> str:
    names = {
        _F.TYPE_INT32: "int32",
        _F.TYPE_SINT32: "int32",
        _F.TYPE_SFIXED32: "int32",
        _F.TYPE_INT64: "int64",
        _F.TYPE_SINT64: "int64",
        _F.TYPE_SFIXED64: "int64",
        _F.TYPE_UINT32: "uint32",
        _F.TYPE_FIXED32: "uint32",
        _F.TYPE_UINT64: "uint64",
        _F.TYPE_FIXED64: "uint64",
    }
    return names.get(fd.type, "integer")


def _from_json_string(msg: timestamp_pb2.Timestamp | duration_pb2.Duration, text: str, what: str) -> None:
    try:
        msg.FromJsonString(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not {what}") from exc


def _base64(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{text!r} is not base64") from exc
