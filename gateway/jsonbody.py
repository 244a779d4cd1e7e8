"""Proto3 JSON request bodies: strict field names, lenient enum spellings, and PATCH update masks.

Before `json_format` parses a body, `normalize` walks it against the message schema so an unknown field
is reported by its full path, and rewrites enum spellings `Schema` accepts (`"GREENHOUSE"` for
`ATS_GREENHOUSE`) to canonical names. `update_mask_paths` derives a FieldMask from the fields a PATCH
body carries, as grpc-gateway does, leaving out fields a client never writes (output-only, identifier,
`etag`). Must not read HTTP or talk to upstreams.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway.errors import bad_request
from gateway.values import WELL_KNOWN, Schema, message_of

_CHAIN = re.compile(r"Failed to parse (\S+) field: ")
_AT = re.compile(r" at \"?[\w.\[\]]+\"?\.*$")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def load(body: bytes) -> Any:
    """The parsed JSON body, or None when the body is empty."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise bad_request([("", f"request body is not valid JSON: {exc}")]) from exc


def _is_map(fd: FieldDescriptor) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _normalize_one(schema: Schema, fd: FieldDescriptor, value: Any, path: str) -> Any:
    if fd.enum_type is not None and isinstance(value, str):
        canonical = schema.enum_canonical(fd.enum_type, value)
        if canonical is None:
            raise bad_request([(path, f"{value!r} is not a value of {fd.enum_type.full_name}")])
        return canonical
    if fd.message_type is not None and fd.message_type.full_name not in WELL_KNOWN:
        return normalize(schema, fd.message_type, value, path)
    return value


def normalize_field(schema: Schema, fd: FieldDescriptor, value: Any, path: str) -> Any:
    """Checks and rewrites the JSON value of one field (repeated and map fields included)."""
    if value is None:
        return value
    if _is_map(fd):
        if isinstance(value, dict):
            value_fd = message_of(fd).fields_by_name["value"]
            for key in value:
                value[key] = _normalize_one(schema, value_fd, value[key], f"{path}[{key}]")
        return value
    if fd.is_repeated and isinstance(value, list):
        return [_normalize_one(schema, fd, item, f"{path}[{i}]") for i, item in enumerate(value)]
    return _normalize_one(schema, fd, value, path)


def normalize(schema: Schema, desc: Descriptor, value: Any, path: str = "") -> Any:
    """Checks field names and rewrites enum spellings in the JSON form of message `desc`."""
    if not isinstance(value, dict):
        return value
    for key in list(value):
        fd = schema.field(desc, key)
        if fd is None:
            raise bad_request(
                [(_join(path, key), f"unknown field {key!r} in {desc.full_name}")],
                f"unknown field {_join(path, key)!r}",
            )
        value[key] = normalize_field(schema, fd, value[key], _join(path, fd.json_name))
    return value


def parse_into(js: dict[str, Any], msg: Message) -> None:
    """`json_format.ParseDict` with its errors turned into a 400 that names the field."""
    try:
        json_format.ParseDict(js, msg)
    except (json_format.ParseError, TypeError, ValueError, AttributeError, KeyError) as exc:
        text = str(exc)
        field = ".".join(_CHAIN.findall(text))
        reason = _AT.sub("", _CHAIN.sub("", text)).strip().rstrip(".") or "invalid value"
        raise bad_request([(field, reason)]) from exc
    except RecursionError as exc:
        raise bad_request([("", "request body is nested too deeply")]) from exc


_NOT_WRITTEN = frozenset({field_behavior_pb2.OUTPUT_ONLY, field_behavior_pb2.IDENTIFIER})


def _written(fd: FieldDescriptor) -> bool:
    """Whether a body field is data to update. A resource read and sent back whole carries its name,
    output-only fields and etag; AIP-161 says that PATCH must succeed and change nothing, and AIP-154
    makes `etag` a precondition the service checks, so none of them belongs in the mask."""
    if fd.name == "etag":
        return False
    return not _NOT_WRITTEN & set(fd.GetOptions().Extensions[field_behavior_pb2.field_behavior])


def update_mask_paths(schema: Schema, desc: Descriptor, body: Any) -> list[str]:
    """The field paths present in a PATCH body: nested objects recursed, repeated/map fields and
    well-known types as one path each, sorted (grpc-gateway's FieldMaskFromRequestBody), without the
    fields a client never writes. A body of nothing but such fields keeps them, so the service refuses
    it: an empty mask would mean "replace every field"."""
    paths: list[str] = []
    skipped: list[str] = []
    queue: deque[tuple[str, Any, Descriptor | None]] = deque([("", body, desc)])
    while queue:
        prefix, node, node_desc = queue.popleft()
        if isinstance(node, dict) and node and node_desc is not None:
            for key, value in node.items():
                fd = schema.field(node_desc, key)
                if fd is None:
                    raise bad_request(
                        [(_join(prefix, key), f"unknown field {key!r} in {node_desc.full_name}")]
                    )
                path = _join(prefix, fd.name)
                if not _written(fd):
                    skipped.append(path)
                    continue
                if fd.is_repeated:
                    paths.append(path)
                elif fd.message_type is not None and fd.message_type.full_name not in WELL_KNOWN:
                    queue.append((path, value, fd.message_type))
                else:
                    queue.append((path, value, None))
        elif prefix:
            paths.append(prefix)
    return sorted(paths or skipped)
