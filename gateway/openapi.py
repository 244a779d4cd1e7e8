"""OpenAPI 3.1 for the REST facade, generated from the same bindings the gateway routes.

One operation per binding (`Service_Method`, then `Service_Method2`... for additional_bindings) with its
path and query parameters, request body and responses; `google.rpc.Status` as the default error; bearer
auth on every operation except the ones in `public_methods`. Built once at startup; must not do I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from gateway.contract import Contract
from gateway.routes import Binding, FieldPath, Kind, Template
from gateway.schemas import SchemaBuilder, behaviors, is_map, ref
from gateway.transcode import Plan
from gateway.values import ANY, EMPTY, STRUCT_TYPES, WELL_KNOWN, message_of

PUBLIC_METHODS = frozenset(
    {
        "jobmesh.auth.v1.AuthService.Register",
        "jobmesh.auth.v1.AuthService.Login",
        "jobmesh.auth.v1.AuthService.Refresh",
    }
)
STATUS = "google.rpc.Status"
_MAX_QUERY_DEPTH = 4
_REQUIRED = 2  # google.api.field_behavior REQUIRED
_OPENAPI_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class PathParam:
    """A path parameter of the OpenAPI path: a whole variable, or one wildcard of a multi-segment one."""

    name: str
    field: FieldPath
    multi: bool
    shape: str


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 1 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _fresh(base: str, used: set[str]) -> str:
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def openapi_path(template: Template) -> tuple[str, list[PathParam]]:
    """The OpenAPI path and its parameters. A multi-segment variable is expanded into literals and
    one parameter per wildcard (`/v1/{name=profiles/*}` → `/v1/profiles/{profile}`), so that paths
    stay distinct and each parameter is a single segment, as OpenAPI requires."""
    by_start = {v.start: v for v in template.variables}
    parts: list[str] = []
    params: list[PathParam] = []
    used: set[str] = set()
    i = 0
    while i < len(template.segments):
        var = by_start.get(i)
        if var is None:
            seg = template.segments[i]
            parts.append(
                seg.literal if seg.kind is Kind.LITERAL else "*" if seg.kind is Kind.SINGLE else "**"
            )
            i += 1
            continue
        span = template.segments[var.start : var.end]
        if len(span) == 1 and span[0].kind is Kind.SINGLE:
            name = _fresh(".".join(var.path), used)
            parts.append("{" + name + "}")
            params.append(PathParam(name, var.path, False, "{" + name + "}"))
            i = var.end
            continue
        pieces: list[str] = []
        names: list[tuple[str, bool]] = []
        for j, seg in enumerate(span):
            if seg.kind is Kind.LITERAL:
                pieces.append(seg.literal)
                continue
            before = span[j - 1] if j else None
            base = _singular(before.literal) if before and before.kind is Kind.LITERAL else var.path[-1]
            name = _fresh(base, used)
            pieces.append("{" + name + "}")
            names.append((name, seg.kind is Kind.MULTI))
        shape = "/".join(pieces)
        parts.append(shape)
        params.extend(PathParam(name, var.path, multi, shape) for name, multi in names)
        i = var.end
    return "/" + "/".join(parts) + (f":{template.verb}" if template.verb else ""), params


def _field_at(desc: Descriptor, path: FieldPath) -> FieldDescriptor:
    fd = desc.fields_by_name[path[0]]
    for part in path[1:]:
        fd = message_of(fd).fields_by_name[part]
    return fd


def _summary(comment: str) -> str:
    first = comment.split("\n\n")[0].replace("\n", " ")
    return first.split(". ")[0].rstrip(".")


class OpenApiBuilder:
    """Builds the document from compiled plans."""

    def __init__(self, contract: Contract, public_methods: Collection[str] = PUBLIC_METHODS):
        self.contract = contract
        self.public = frozenset(public_methods)
        self.schemas = SchemaBuilder(contract)

    def _path_params(self, params: list[PathParam], binding: Binding) -> list[dict[str, Any]]:
        out = []
        for param in params:
            fd = _field_at(binding.rpc.input, param.field)
            text = self.contract.comment(fd.full_name)
            field = ".".join(param.field)
            if param.shape != "{" + param.name + "}":
                text = f"{text}\n\nThe `{{{param.name}}}` segment of `{field}` = `{param.shape}`.".strip()
            if param.multi:
                text += " It may span several path segments."
            out.append(
                {
                    "name": param.name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": text,
                }
            )
        return out

    def _query_params(
        self,
        desc: Descriptor,
        excluded: frozenset[FieldPath],
        proto: FieldPath,
        json: str,
        seen: tuple[str, ...],
    ) -> Iterable[dict[str, Any]]:
        for fd in desc.fields:
            path = (*proto, fd.name)
            if any(path[: len(p)] == p for p in excluded) or is_map(fd):
                continue
            name = f"{json}.{fd.json_name}" if json else fd.json_name
            message = fd.message_type
            repeated = fd.is_repeated
            if message is not None and message.full_name not in WELL_KNOWN:
                if not repeated and message.full_name not in seen and len(seen) < _MAX_QUERY_DEPTH:
                    yield from self._query_params(message, excluded, path, name, (*seen, message.full_name))
                continue
            if message is not None and message.full_name in (*STRUCT_TYPES, ANY, EMPTY):
                continue
            param: dict[str, Any] = {"name": name, "in": "query", "schema": self.schemas.value(fd)}
            if repeated:
                param.update(style="form", explode=True)
            comment = self.contract.comment(fd.full_name)
            if comment:
                param["description"] = comment
            yield param

    def _request_body(self, plan: Plan) -> dict[str, Any] | None:
        binding = plan.binding
        if plan.body_all:
            skip = frozenset(p[0] for p in binding.path_fields if len(p) == 1)
            if skip:
                schema = self.schemas.object_schema(binding.rpc.input, skip=skip)
            else:
                schema = self.schemas.message(binding.rpc.input)
            required = True
        elif plan.body_field is not None:
            fd = plan.body_field
            nested = frozenset(p[1] for p in binding.path_fields if len(p) == 2 and p[0] == fd.name)
            if nested and fd.message_type is not None:
                schema = self.schemas.object_schema(fd.message_type, skip=nested)
            else:
                schema = self.schemas.value(fd)
            required = _REQUIRED in behaviors(fd)
        else:
            return None
        return {"required": required, "content": {"application/json": {"schema": schema}}}

    def _responses(self, plan: Plan) -> dict[str, Any]:
        rpc = plan.binding.rpc
        if plan.response_field is not None:
            schema = self.schemas.value(plan.response_field)
        else:
            schema = self.schemas.message(rpc.output)
        status = ref(STATUS)
        if rpc.server_streaming:
            content = {
                "application/x-ndjson": {
                    "schema": {"type": "object", "properties": {"result": schema, "error": status}},
                },
                "text/event-stream": {
                    "schema": {
                        "type": "string",
                        "description": "`data: <message JSON>` per message; `event: error` with a Status on failure.",
                    }
                },
            }
            ok = {
                "description": "A stream of messages (send `Accept: text/event-stream` for SSE).",
                "content": content,
            }
        else:
            ok = {"description": "OK", "content": {"application/json": {"schema": schema}}}
        error = {
            "description": "An error, as a google.rpc.Status.",
            "content": {"application/json": {"schema": status}},
        }
        return {"200": ok, "default": error}

    def operation(self, plan: Plan) -> dict[str, Any]:
        binding = plan.binding
        rpc = binding.rpc
        comment = self.contract.comment(f"{rpc.service}.{rpc.name}")
        path_params = openapi_path(binding.template)[1]
        params = self._path_params(path_params, binding)
        if not plan.body_all:
            params += list(self._query_params(rpc.input, plan.query_excluded, (), "", (rpc.input.full_name,)))
        suffix = str(binding.index + 1) if binding.index else ""
        op: dict[str, Any] = {
            "operationId": f"{rpc.short_service}_{rpc.name}{suffix}",
            "tags": [rpc.short_service],
            "summary": _summary(comment) or rpc.name,
            "description": comment,
            "parameters": params,
            "responses": self._responses(plan),
            "security": [] if f"{rpc.service}.{rpc.name}" in self.public else [{"bearerAuth": []}],
        }
        body = self._request_body(plan)
        if body is not None:
            op["requestBody"] = body
        return op

    def _register_all(self) -> None:
        """Every message and enum of the files that define exposed services, plus Status details."""
        files = {self.contract.pool.FindServiceByName(rpc.service).file.name for rpc in self.contract.rpcs}
        files.add("google/rpc/error_details.proto")
        for name in sorted(files):
            file = self.contract.pool.FindFileByName(name)
            stack = list(file.message_types_by_name.values())
            for enum in file.enum_types_by_name.values():
                self.schemas.enum(enum)
            while stack:
                desc = stack.pop()
                if not desc.GetOptions().map_entry:
                    self.schemas.message(desc)
                stack.extend(desc.nested_types)
                for enum in desc.enum_types:
                    self.schemas.enum(enum)
        self.schemas.message(self.contract.pool.FindMessageTypeByName(STATUS))

    def build(
        self, plans: Iterable[Plan], *, title: str = "jobmesh API", version: str = "v1"
    ) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        tags: dict[str, dict[str, str]] = {}
        for plan in plans:
            rpc = plan.binding.rpc
            tags.setdefault(
                rpc.short_service,
                {"name": rpc.short_service, "description": self.contract.comment(rpc.service)},
            )
            method = plan.binding.http_method.lower()
            if method not in _OPENAPI_METHODS:
                continue
            path = openapi_path(plan.binding.template)[0]
            paths.setdefault(path, {})[method] = self.operation(plan)
        self._register_all()
        return {
            "openapi": "3.1.0",
            "info": {
                "title": title,
                "version": version,
                "description": (
                    "REST/JSON facade of the jobmesh gRPC services, generated from their google.api.http "
                    "annotations. Errors are google.rpc.Status objects. Enum values are accepted by name, "
                    "by number, or by name without the enum's prefix (e.g. `GREENHOUSE`)."
                ),
            },
            "servers": [{"url": "/"}],
            "tags": sorted(tags.values(), key=lambda t: t["name"]),
            "paths": dict(sorted(paths.items())),
            "components": {
                "schemas": dict(sorted(self.schemas.components.items())),
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                },
            },
        }
