"""The contract as the gateway sees it: every RPC with its HTTP rule, message classes and comments.

Built once at startup from the descriptor set. The generated `*_pb2` modules are imported when they
exist so the default pool and the servicers share one set of classes; a file with no generated module
is added to the pool from the set itself, so a new RPC needs no gateway change. Must not do I/O
beyond reading the descriptor set, and must not be used per request for anything but lookups.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

# Imported for their side effect: the status details the gateway decodes must be in the pool.
from google.rpc import error_details_pb2, status_pb2  # noqa: F401

# Field numbers inside FileDescriptorProto / DescriptorProto / ... used by SourceCodeInfo paths.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM = 2, 3, 4
_ENUM_VALUE = 2
_SERVICE_METHOD = 2


@dataclass(frozen=True)
class Rpc:
    """One gRPC method and the HTTP rule that exposes it."""

    service: str
    name: str
    input: Descriptor
    output: Descriptor
    input_class: type[Message]
    output_class: type[Message]
    client_streaming: bool
    server_streaming: bool
    rule: http_pb2.HttpRule

    @property
    def grpc_path(self) -> str:
        """The HTTP/2 path gRPC sends the call to, `/package.Service/Method`."""
        return f"/{self.service}/{self.name}"

    @property
    def short_service(self) -> str:
        """The service name without its package, e.g. `JobService`."""
        return self.service.rsplit(".", 1)[-1]


def _module_name(proto_file: str) -> str:
    return proto_file.removesuffix(".proto").replace("/", ".").replace("-", "_") + "_pb2"


def ensure_in_pool(files: Sequence[descriptor_pb2.FileDescriptorProto]) -> descriptor_pool.DescriptorPool:
    """Makes every file of the set known to the default pool, preferring generated modules."""
    pool = descriptor_pool.Default()
    for file in files:
        try:
            pool.FindFileByName(file.name)
            continue
        except KeyError:
            pass
        try:
            importlib.import_module(_module_name(file.name))
            pool.FindFileByName(file.name)
        except (ImportError, KeyError):
            pool.AddSerializedFile(file.SerializeToString())
    return pool


def _comment(location: descriptor_pb2.SourceCodeInfo.Location) -> str:
    text = location.leading_comments or location.trailing_comments
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(lines).strip()


def _walk_message(
    prefix: str, msg: descriptor_pb2.DescriptorProto, path: tuple[int, ...]
) -> Iterator[tuple[tuple[int, ...], str]]:
    full = f"{prefix}.{msg.name}" if prefix else msg.name
    yield path, full
    for i, field in enumerate(msg.field):
        yield (*path, _MESSAGE_FIELD, i), f"{full}.{field.name}"
    for i, nested in enumerate(msg.nested_type):
        yield from _walk_message(full, nested, (*path, _MESSAGE_NESTED, i))
    for i, enum in enumerate(msg.enum_type):
        yield from _walk_enum(full, enum, (*path, _MESSAGE_ENUM, i))


def _walk_enum(
    prefix: str, enum: descriptor_pb2.EnumDescriptorProto, path: tuple[int, ...]
) -> Iterator[tuple[tuple[int, ...], str]]:
    full = f"{prefix}.{enum.name}" if prefix else enum.name
    yield path, full
    for i, value in enumerate(enum.value):
        yield (*path, _ENUM_VALUE, i), f"{full}.{value.name}"


def _element_names(file: descriptor_pb2.FileDescriptorProto) -> Iterator[tuple[tuple[int, ...], str]]:
    """Maps each SourceCodeInfo path of a file to the element's full name (enum values as Enum.VALUE)."""
    for i, msg in enumerate(file.message_type):
        yield from _walk_message(file.package, msg, (_FILE_MESSAGE, i))
    for i, enum in enumerate(file.enum_type):
        yield from _walk_enum(file.package, enum, (_FILE_ENUM, i))
    for i, service in enumerate(file.service):
        full = f"{file.package}.{service.name}"
        yield (_FILE_SERVICE, i), full
        for j, method in enumerate(service.method):
            yield (_FILE_SERVICE, i, _SERVICE_METHOD, j), f"{full}.{method.name}"


class Contract:
    """RPCs with HTTP bindings, their message classes and the proto comments, from one descriptor set."""

    def __init__(self, descriptor_set: descriptor_pb2.FileDescriptorSet):
        self.files = list(descriptor_set.file)
        self.pool = ensure_in_pool(self.files)
        self.comments: dict[str, str] = {}
        for file in self.files:
            names = dict(_element_names(file))
            for location in file.source_code_info.location:
                name = names.get(tuple(location.path))
                text = _comment(location)
                if name and text:
                    self.comments[name] = text
        self.rpcs = list(self._rpcs())

    def _rpcs(self) -> Iterator[Rpc]:
        for file in self.files:
            for service in file.service:
                full = f"{file.package}.{service.name}" if file.package else service.name
                service_desc = self.pool.FindServiceByName(full)
                for method in service_desc.methods:
                    options = method.GetOptions()
                    if not options.HasExtension(annotations_pb2.http):
                        continue
                    rule = http_pb2.HttpRule()
                    rule.CopyFrom(options.Extensions[annotations_pb2.http])
                    yield Rpc(
                        service=full,
                        name=method.name,
                        input=method.input_type,
                        output=method.output_type,
                        input_class=message_factory.GetMessageClass(method.input_type),
                        output_class=message_factory.GetMessageClass(method.output_type),
                        client_streaming=method.client_streaming,
                        server_streaming=method.server_streaming,
                        rule=rule,
                    )

    def comment(self, full_name: str) -> str:
        """The proto comment of a message, field, enum, enum value (`Enum.VALUE`), service or method."""
        return self.comments.get(full_name, "")
