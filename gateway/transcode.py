"""HTTP request → request message, and response message → proto3 JSON, for one compiled binding.

A `Plan` is compiled per binding at startup (body field, response field, which query keys are bound
elsewhere, whether PATCH fills `update_mask`). Order follows grpc-gateway: body, then the update mask
from the body's fields, then path variables (they win over the body), then query parameters for the
fields bound by neither. Output omits default values and uses lowerCamelCase names. Must not do I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway import jsonbody
from gateway.errors import bad_request, dumps
from gateway.query import apply_path_params, apply_query
from gateway.routes import Binding, FieldPath, TemplateError
from gateway.values import FIELD_MASK, Schema, descriptor_of, message_of

UPDATE_MASK = "update_mask"


def _top_field(binding: Binding, desc: Descriptor, name: str, what: str) -> FieldDescriptor:
    fd = desc.fields_by_name.get(name)
    if fd is None:
        raise TemplateError(f"{binding.rpc.grpc_path}: {what} {name!r} is not a top-level field")
    return fd


def _check_path_field(binding: Binding, path: FieldPath) -> None:
    desc = binding.rpc.input
    for i, part in enumerate(path):
        fd = desc.fields_by_name.get(part)
        if fd is None:
            raise TemplateError(f"{binding.rpc.grpc_path}: no field {'.'.join(path)!r} for the path variable")
        if i < len(path) - 1:
            if fd.message_type is None:
                raise TemplateError(f"{binding.rpc.grpc_path}: {part!r} is not a message field")
            desc = fd.message_type


@dataclass(frozen=True)
class Plan:
    """How one binding maps HTTP onto its request and response messages."""

    binding: Binding
    schema: Schema
    body_all: bool
    body_field: FieldDescriptor | None
    response_field: FieldDescriptor | None
    query_excluded: frozenset[FieldPath]
    fill_update_mask: bool

    @classmethod
    def compile(cls, binding: Binding, schema: Schema) -> Plan:
        for path in binding.path_fields:
            _check_path_field(binding, path)
        body_field = None
        if binding.body and binding.body != "*":
            body_field = _top_field(binding, binding.rpc.input, binding.body, "body")
        response_field = None
        if binding.response_body:
            response_field = _top_field(binding, binding.rpc.output, binding.response_body, "response_body")
        excluded = set(binding.path_fields)
        if body_field is not None:
            excluded.add((body_field.name,))
        mask = binding.rpc.input.fields_by_name.get(UPDATE_MASK)
        fill = (
            binding.http_method == "PATCH"
            and body_field is not None
            and body_field.message_type is not None
            and mask is not None
            and mask.message_type is not None
            and mask.message_type.full_name == FIELD_MASK
        )
        return cls(
            binding, schema, binding.body == "*", body_field, response_field, frozenset(excluded), fill
        )

    def _apply_body(self, msg: Message, body: bytes) -> list[str] | None:
        if not body.strip():
            return None
        data = jsonbody.load(body)
        # JSON `null` is not an object: protojson and Envoy reject it for `body: "*"`; for a single body
        # field it means the field is absent, as proto3 JSON says of a null message field.
        if self.body_all:
            if not isinstance(data, dict):
                raise bad_request([("", "request body must be a JSON object")])
            jsonbody.parse_into(jsonbody.normalize(self.schema, descriptor_of(msg), data), msg)
            return None
        fd = self.body_field
        assert fd is not None
        value = jsonbody.normalize_field(self.schema, fd, data, fd.json_name)
        mask = None
        if self.fill_update_mask and isinstance(value, dict):
            mask = jsonbody.update_mask_paths(self.schema, message_of(fd), value)
        jsonbody.parse_into({fd.json_name: value}, msg)
        return mask

    def build_request(
        self, params: Mapping[FieldPath, str], query: Iterable[tuple[str, str]], body: bytes
    ) -> Message:
        """The request message for an HTTP request's path variables, query items and body bytes."""
        msg = self.binding.rpc.input_class()
        mask = self._apply_body(msg, body) if (self.body_all or self.body_field is not None) else None
        apply_path_params(self.schema, msg, params)
        if not self.body_all:
            apply_query(self.schema, msg, query, self.query_excluded)
        if mask is not None:
            current = getattr(msg, UPDATE_MASK)
            if not current.paths:
                current.paths.extend(mask)
        return msg

    def response_json(self, msg: Message) -> Any:
        """The response (or its `response_body` field) as a proto3 JSON value."""
        fd = self.response_field
        if fd is None:
            return json_format.MessageToDict(msg)
        if fd.message_type is not None and not fd.is_repeated:
            return json_format.MessageToDict(getattr(msg, fd.name))
        return json_format.MessageToDict(msg, always_print_fields_with_no_presence=True).get(fd.json_name)

    def render(self, msg: Message) -> bytes:
        """The response body bytes."""
        return dumps(self.response_json(msg))
