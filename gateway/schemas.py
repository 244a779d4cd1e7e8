"""JSON Schemas (OpenAPI 3.1) for proto messages and enums in their proto3 JSON form.

int64 → string/int64, Timestamp → string/date-time, Duration/FieldMask → string, bytes → string/byte,
enums → string enum of names, maps → objects, well-known types inline; comments become descriptions,
OUTPUT_ONLY → readOnly, INPUT_ONLY → writeOnly, REQUIRED → `required`. Must not know about HTTP.
"""

from __future__ import annotations

from typing import Any

from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from gateway.contract import Contract
from gateway.values import ANY, DURATION, EMPTY, FIELD_MASK, TIMESTAMP, WRAPPERS, message_of

Schema = dict[str, Any]
_F = FieldDescriptor
_SCALARS: dict[int, Schema] = {
    _F.TYPE_DOUBLE: {"type": "number", "format": "double"},
    _F.TYPE_FLOAT: {"type": "number", "format": "float"},
    _F.TYPE_INT32: {"type": "integer", "format": "int32"},
    _F.TYPE_SINT32: {"type": "integer", "format": "int32"},
    _F.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    _F.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1},
    _F.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1},
    _F.TYPE_INT64: {"type": "string", "format": "int64"},
    _F.TYPE_SINT64: {"type": "string", "format": "int64"},
    _F.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    _F.TYPE_UINT64: {"type": "string", "format": "uint64"},
    _F.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    _F.TYPE_BOOL: {"type": "boolean"},
    _F.TYPE_STRING: {"type": "string"},
    _F.TYPE_BYTES: {"type": "string", "format": "byte", "contentEncoding": "base64"},
}
_WELL_KNOWN: dict[str, Schema] = {
    TIMESTAMP: {"type": "string", "format": "date-time"},
    DURATION: {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$", "examples": ["1.5s"]},
    FIELD_MASK: {
        "type": "string",
        "description": "Comma-separated field paths, e.g. `displayName,location`.",
    },
    EMPTY: {"type": "object"},
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.NullValue": {"type": "null"},
    ANY: {
        "type": "object",
        "properties": {"@type": {"type": "string", "description": "The packed message's type URL."}},
        "required": ["@type"],
        "additionalProperties": True,
    },
}


def behaviors(fd: FieldDescriptor) -> set[int]:
    """The field's google.api.field_behavior values."""
    return set(fd.GetOptions().Extensions[field_behavior_pb2.field_behavior])


def is_map(fd: FieldDescriptor) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


class SchemaBuilder:
    """Collects component schemas as messages and enums are referenced."""

    def __init__(self, contract: Contract):
        self.contract = contract
        self.components: dict[str, Schema] = {}

    def enum(self, enum: EnumDescriptor) -> Schema:
        if enum.full_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[enum.full_name])
        if enum.full_name not in self.components:
            lines = [self.contract.comment(enum.full_name)]
            for value in enum.values:
                note = self.contract.comment(f"{enum.full_name}.{value.name}")
                lines.append(f"- `{value.name}`" + (f": {note}" if note else ""))
            self.components[enum.full_name] = {
                "type": "string",
                "enum": [v.name for v in enum.values],
                "description": "\n".join(line for line in lines if line),
            }
        return ref(enum.full_name)

    def message(self, desc: Descriptor) -> Schema:
        name = desc.full_name
        if name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[name])
        if name in WRAPPERS:
            inner = self._single(desc.fields_by_name["value"])
            return {**inner, "type": [inner["type"], "null"]}
        if name not in self.components:
            self.components[name] = {}  # placeholder: recursive messages refer to themselves
            self.components[name] = self.object_schema(desc)
        return ref(name)

    def object_schema(self, desc: Descriptor, *, skip: frozenset[str] = frozenset()) -> Schema:
        """The object schema of a message, leaving out the fields named in `skip`."""
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for fd in desc.fields:
            if fd.name in skip:
                continue
            properties[fd.json_name] = self.field(fd)
            marks = behaviors(fd)
            if field_behavior_pb2.REQUIRED in marks and field_behavior_pb2.OUTPUT_ONLY not in marks:
                required.append(fd.json_name)
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        comment = self.contract.comment(desc.full_name)
        if comment:
            schema["description"] = comment
        return schema

    def _single(self, fd: FieldDescriptor) -> Schema:
        if fd.enum_type is not None:
            return self.enum(fd.enum_type)
        if fd.message_type is not None:
            return self.message(fd.message_type)
        return dict(_SCALARS[fd.type])

    def value(self, fd: FieldDescriptor) -> Schema:
        """The schema of a field's JSON value, without its description."""
        if is_map(fd):
            return {
                "type": "object",
                "additionalProperties": self._single(message_of(fd).fields_by_name["value"]),
            }
        if fd.is_repeated:
            return {"type": "array", "items": self._single(fd)}
        return self._single(fd)

    def field(self, fd: FieldDescriptor) -> Schema:
        """The schema of a field as a property: value schema plus description and access marks."""
        schema = self.value(fd)
        comment = self.contract.comment(fd.full_name)
        if comment:
            schema["description"] = comment
        marks = behaviors(fd)
        if field_behavior_pb2.OUTPUT_ONLY in marks:
            schema["readOnly"] = True
        if field_behavior_pb2.INPUT_ONLY in marks:
            schema["writeOnly"] = True
        return schema
