"""Path variables and query parameters into a request message, the way grpc-gateway does it.

Keys are dotted field paths in proto or JSON names (`salary.min`, `postedAfter`); repeated fields take
repeated keys; maps take `field[key]=value`. Keys that name no field are ignored (as grpc-gateway does),
keys bound by the path or the body are skipped, and a value that does not parse is a 400 naming the key.
Must not read the HTTP request itself: it gets the decoded pieces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway.errors import bad_request
from gateway.values import WELL_KNOWN, Schema, descriptor_of, message_of

FieldPath = tuple[str, ...]
_MAP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$")


def _resolve(schema: Schema, desc: Descriptor, key: str) -> FieldPath | None:
    """The proto-name path a query key names, or None when it names no field."""
    resolved: list[str] = []
    parts = key.split(".")
    for i, part in enumerate(parts):
        map_key = _MAP_KEY.match(part) if i == len(parts) - 1 else None
        fd = schema.field(desc, map_key.group(1) if map_key else part)
        if fd is None:
            return None
        resolved.append(f"{fd.name}[{map_key.group(2)}]" if map_key else fd.name)
        if i < len(parts) - 1:
            if fd.message_type is None:
                return None
            desc = fd.message_type
    return tuple(resolved)


def _check_oneof(msg: Message, fd: FieldDescriptor, label: str) -> None:
    oneof = fd.containing_oneof
    if oneof is not None:
        current = msg.WhichOneof(oneof.name)
        if current is not None and current != fd.name:
            raise bad_request([(label, f"oneof {oneof.name} already has {current} set")])


def _set_map(
    schema: Schema, msg: Message, fd: FieldDescriptor, key: str, values: Sequence[str], label: str
) -> None:
    entry = fd.message_type
    if entry is None or not entry.GetOptions().map_entry:
        raise bad_request([(label, f"{fd.name} is not a map")])
    key_fd, value_fd = entry.fields_by_name["key"], entry.fields_by_name["value"]
    if value_fd.message_type is not None:
        raise bad_request([(label, "map values of message type cannot be set from a query parameter")])
    if len(values) != 1:
        raise bad_request([(label, "expected one value")])
    try:
        getattr(msg, fd.name)[schema.scalar(key_fd, key)] = schema.scalar(value_fd, values[0])
    except ValueError as exc:
        raise bad_request([(label, str(exc))]) from exc


def _set_leaf(schema: Schema, msg: Message, fd: FieldDescriptor, values: Sequence[str], label: str) -> None:
    repeated = fd.is_repeated
    if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
        raise bad_request([(label, f"set map entries as {label}[key]=value")])
    if not repeated and len(values) != 1:
        raise bad_request([(label, f"expected one value, got {len(values)}")])
    is_message = fd.message_type is not None
    if is_message and message_of(fd).full_name not in WELL_KNOWN:
        raise bad_request([(label, f"{message_of(fd).full_name} cannot be set from a query parameter")])
    try:
        parsed = [schema.message(fd, v) if is_message else schema.scalar(fd, v) for v in values]
    except ValueError as exc:
        raise bad_request([(label, str(exc))]) from exc
    _check_oneof(msg, fd, label)
    if repeated:
        container = getattr(msg, fd.name)
        if is_message:
            for item in parsed:
                container.add().CopyFrom(item)
        else:
            container.extend(parsed)
    elif is_message:
        getattr(msg, fd.name).CopyFrom(parsed[0])
    else:
        setattr(msg, fd.name, parsed[0])


def set_path(schema: Schema, msg: Message, path: FieldPath, values: Sequence[str], label: str) -> None:
    """Sets the field at a proto-name path (intermediate messages are created) from text values."""
    target, desc = msg, descriptor_of(msg)
    for part in path[:-1]:
        fd = schema.field(desc, part)
        if fd is None:
            raise bad_request([(label, f"{desc.full_name} has no field {part!r}")])
        # Any singular message may be walked into, well-known ones too (`postedAfter.seconds=5`): the
        # HttpRule spec maps each field of a message to its own parameter, as grpc-gateway and Envoy do.
        if fd.message_type is None or fd.is_repeated:
            raise bad_request([(label, f"{part} is not a message field that a parameter can reach into")])
        _check_oneof(target, fd, label)
        target, desc = getattr(target, fd.name), message_of(fd)
    last = path[-1]
    map_key = _MAP_KEY.match(last)
    fd = schema.field(desc, map_key.group(1) if map_key else last)
    if fd is None:
        raise bad_request([(label, f"{desc.full_name} has no field {last!r}")])
    if map_key:
        _set_map(schema, target, fd, map_key.group(2), values, label)
    else:
        _set_leaf(schema, target, fd, values, label)


def apply_path_params(schema: Schema, msg: Message, params: Mapping[FieldPath, str]) -> None:
    """Sets each path variable's field; a variable overrides what the body set."""
    for path, value in params.items():
        set_path(schema, msg, path, [value], ".".join(path))


def apply_query(
    schema: Schema, msg: Message, items: Iterable[tuple[str, str]], excluded: frozenset[FieldPath]
) -> None:
    """Sets fields from query parameters, skipping unknown keys and those under `excluded` paths."""
    grouped: dict[FieldPath, tuple[str, list[str]]] = {}
    for key, value in items:
        resolved = _resolve(schema, descriptor_of(msg), key)
        if resolved is None:
            continue
        if any(resolved[: len(prefix)] == prefix for prefix in excluded):
            continue
        grouped.setdefault(resolved, (key, []))[1].append(value)
    for path, (label, values) in grouped.items():
        set_path(schema, msg, path, values, label)
