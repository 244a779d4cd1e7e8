"""A reference for the gateway: Envoy's `grpc_json_transcoder` in front of a recording gRPC upstream.

`recording_upstream` serves every RPC of the descriptor set with generic handlers that record each call
(method, deserialised request, metadata) and answer what the test scripted: responses with every field
set to a sample value, or a status with details. `envoy_transcoder` runs a throwaway Envoy (random
`--base-id`, free ports) that transcodes REST into calls on that upstream over HTTP/2. Envoy cannot serve
`response_body` on non-HttpBody fields, so it gets a copy of the descriptor set with `response_body`
cleared; `envoy_descriptor_set` says which RPCs had one. Test support only: must not touch deploy/envoy,
the launcher's config or the contract.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import grpc
import httpx
from google.api import annotations_pb2
from google.protobuf import any_pb2, descriptor_pb2
from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.rpc import status_pb2
from grpc_status import rpc_status

from gateway.contract import Rpc
from gateway.values import descriptor_of
from services.common.embedded import free_port
from services.launcher.envoy import envoy_binary

_F = FieldDescriptor
_INT64 = frozenset({_F.TYPE_INT64, _F.TYPE_SINT64, _F.TYPE_SFIXED64, _F.TYPE_UINT64, _F.TYPE_FIXED64})
_JAN_1_2026 = 1_767_225_600

# The transcoder's options sit as close to the gateway's (grpc-gateway's) choices as Envoy allows: unknown
# query keys ignored, `+` decoded as a space, a single-segment variable fully decoded while `**` keeps
# `%2F`, lowerCamelCase output without default values, errors as google.rpc.Status JSON.
_BOOTSTRAP = Template("""
admin: {address: {socket_address: {address: 127.0.0.1, port_value: $admin_port}}}
static_resources:
  listeners:
  - name: rest
    address: {socket_address: {address: 127.0.0.1, port_value: $port}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: differential
          codec_type: AUTO
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes: [{match: {prefix: "/"}, route: {cluster: upstream, timeout: 10s}}]
          http_filters:
          - name: envoy.filters.http.grpc_json_transcoder
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder
              proto_descriptor: $descriptor
              services: $services
              print_options:
                add_whitespace: false
                always_print_primitive_fields: false
                always_print_enums_as_ints: false
                preserve_proto_field_names: false
              convert_grpc_status: true
              match_incoming_request_route: false
              auto_mapping: false
              ignore_unknown_query_parameters: true
              query_param_unescape_plus: true
              url_unescape_spec: ALL_CHARACTERS_EXCEPT_SLASH
              request_validation_options: {reject_unknown_method: true, reject_unknown_query_parameters: false}
          - name: envoy.filters.http.router
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
  clusters:
  - name: upstream
    type: STATIC
    connect_timeout: 1s
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config: {http2_protocol_options: {}}
    load_assignment:
      cluster_name: upstream
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: $upstream_port}}}
""")


@dataclass(frozen=True)
class Call:
    """One request the upstream received: `/package.Service/Method`, the request, its metadata."""

    method: str
    request: Message
    metadata: dict[str, str | bytes]


@dataclass(frozen=True)
class Failure:
    """A status the upstream answers with; `details` travel in `grpc-status-details-bin`."""

    code: grpc.StatusCode
    message: str
    details: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Script:
    """The upstream's next answer: `messages` responses (unary: one), then `failure` if set. `empty`
    answers default messages instead of filled ones."""

    messages: int = 1
    failure: Failure | None = None
    empty: bool = False


def fill(msg: Message, seed: int = 0, depth: int = 0) -> Message:
    """Sets every field of `msg` to a deterministic sample value, two items per repeated field; int64
    values lie beyond 2^53 so they must travel as JSON strings."""
    desc = descriptor_of(msg)
    name = desc.full_name
    if name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
        msg.seconds, msg.nanos = _JAN_1_2026 + 3600 * seed, 120_000_000  # type: ignore[attr-defined]
    elif name == "google.protobuf.FieldMask":
        msg.paths.extend(["display_name", "location.city"])  # type: ignore[attr-defined]
    if name.startswith("google.protobuf.") or depth > 3:
        return msg  # other well-known types stay unset: the contract does not use them
    for fd in desc.fields:
        value = getattr(msg, fd.name)
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            key_fd, value_fd = fd.message_type.fields_by_name["key"], fd.message_type.fields_by_name["value"]
            if value_fd.message_type is None:
                value[_scalar(key_fd, seed)] = _scalar(value_fd, seed)
        elif fd.message_type is not None and fd.is_repeated:
            for i in range(2):
                fill(value.add(), seed + i, depth + 1)
        elif fd.message_type is not None:
            fill(value, seed, depth + 1)
        elif fd.is_repeated:
            value.extend(_scalar(fd, seed + i) for i in range(2))
        elif fd.containing_oneof is None or msg.WhichOneof(fd.containing_oneof.name) is None:
            setattr(msg, fd.name, _scalar(fd, seed))
    return msg


def _enum_of(fd: FieldDescriptor) -> EnumDescriptor:
    """The enum type of an enum field."""
    assert fd.enum_type is not None
    return fd.enum_type


def _scalar(fd: FieldDescriptor, seed: int) -> Any:
    if fd.type == _F.TYPE_STRING:
        return f"{fd.name}-{seed}"
    if fd.type == _F.TYPE_BOOL:
        return True
    if fd.type == _F.TYPE_ENUM:
        values = _enum_of(fd).values
        return values[min(1 + seed, len(values) - 1)].number
    if fd.type in (_F.TYPE_DOUBLE, _F.TYPE_FLOAT):
        return 1.5 + seed
    if fd.type == _F.TYPE_BYTES:
        return bytes([0, 255, 62, 63, seed])  # `+`, `/` and padding in standard base64
    if fd.type in _INT64:
        return 2**53 + 1 + seed
    return 40 + fd.number + seed


@dataclass
class Upstream:
    """The recording upstream: the `calls` it received and the `script` it follows."""

    address: str
    calls: list[Call] = field(default_factory=list)
    script: Script = field(default_factory=Script)

    def reset(self, script: Script) -> None:
        self.calls.clear()
        self.script = script

    async def _fail(self, context: grpc.aio.ServicerContext[Any, Any], failure: Failure) -> None:
        if not failure.details:
            await context.abort(failure.code, failure.message)
        details = []
        for detail in failure.details:
            packed = any_pb2.Any()
            packed.Pack(detail)
            details.append(packed)
        status = status_pb2.Status(code=failure.code.value[0], message=failure.message, details=details)
        await context.abort_with_status(rpc_status.to_status(status))

    def handler(self, rpc: Rpc) -> grpc.RpcMethodHandler:
        """A generic handler for one RPC that records the call and follows the script."""

        def answer(seed: int) -> Message:
            reply = rpc.output_class()
            return reply if self.script.empty else fill(reply, seed)

        def record(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> None:
            metadata = {m.key: m.value for m in context.invocation_metadata() or ()}
            self.calls.append(Call(rpc.grpc_path, request, metadata))

        async def unary(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
            record(request, context)
            if self.script.failure is not None:
                await self._fail(context, self.script.failure)
            return answer(0)

        async def stream(
            request: Message, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Message]:
            record(request, context)
            for seed in range(self.script.messages):
                yield answer(seed)
            if self.script.failure is not None:
                await self._fail(context, self.script.failure)

        codec = {
            "request_deserializer": rpc.input_class.FromString,
            "response_serializer": rpc.output_class.SerializeToString,
        }
        if rpc.server_streaming:
            return grpc.unary_stream_rpc_method_handler(stream, **codec)
        return grpc.unary_unary_rpc_method_handler(unary, **codec)


@asynccontextmanager
async def recording_upstream(rpcs: Iterable[Rpc]) -> AsyncIterator[Upstream]:
    """A grpc.aio server on 127.0.0.1 (port 0) serving `rpcs` with recording handlers."""
    server = grpc.aio.server()
    upstream = Upstream(f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}")
    by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
    for rpc in rpcs:
        if not rpc.client_streaming:
            by_service.setdefault(rpc.service, {})[rpc.name] = upstream.handler(rpc)
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(name, handlers) for name, handlers in by_service.items()]
    )
    await server.start()
    try:
        yield upstream
    finally:
        await server.stop(None)


def envoy_descriptor_set(
    source: descriptor_pb2.FileDescriptorSet,
) -> tuple[descriptor_pb2.FileDescriptorSet, dict[str, str]]:
    """A copy of `source` with every `response_body` cleared, and gRPC path → the cleared field name."""
    copy = descriptor_pb2.FileDescriptorSet()
    copy.CopyFrom(source)
    cleared: dict[str, str] = {}
    for file in copy.file:
        for service in file.service:
            for method in service.method:
                if not method.options.HasExtension(annotations_pb2.http):
                    continue
                rule = method.options.Extensions[annotations_pb2.http]
                for binding in (rule, *rule.additional_bindings):
                    if binding.response_body:
                        cleared[f"/{file.package}.{service.name}/{method.name}"] = binding.response_body
                        binding.response_body = ""
    return copy, cleared


def _start(
    descriptors: descriptor_pb2.FileDescriptorSet, services: Sequence[str], upstream_port: int, workdir: Path
) -> tuple[subprocess.Popen[bytes], int, int]:
    descriptor = workdir / "envoy.binpb"
    descriptor.write_bytes(envoy_descriptor_set(descriptors)[0].SerializeToString())
    port, admin_port = free_port(), free_port()
    config = workdir / "envoy.yaml"
    config.write_text(
        _BOOTSTRAP.substitute(
            port=port,
            admin_port=admin_port,
            upstream_port=upstream_port,
            descriptor=json.dumps(str(descriptor)),
            services=json.dumps(list(services)),
        )
    )
    argv = [
        str(envoy_binary()),
        *("--config-path", str(config)),
        *("--base-id", str(random.randrange(10_000, 2**31))),
        *("--log-level", "warn"),
    ]
    with (workdir / "envoy.log").open("wb") as log:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), port, admin_port


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _log_tail(workdir: Path) -> str:
    return (workdir / "envoy.log").read_text(errors="replace")[-2000:]


async def _wait_live(proc: subprocess.Popen[bytes], admin_port: int, workdir: Path, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{admin_port}", timeout=1.0) as admin:
        while loop.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"envoy exited with {proc.returncode}:\n{_log_tail(workdir)}")
            try:
                ready = await admin.get("/ready")
                if ready.status_code == 200 and ready.text.strip() == "LIVE":
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"envoy not LIVE within {within}s:\n{_log_tail(workdir)}")


@asynccontextmanager
async def envoy_transcoder(
    descriptors: descriptor_pb2.FileDescriptorSet, services: Sequence[str], upstream: Upstream, workdir: Path
) -> AsyncIterator[str]:
    """Envoy transcoding REST for `services` onto `upstream`; yields its base URL and always stops it
    (SIGTERM, then SIGKILL)."""
    upstream_port = int(upstream.address.rsplit(":", 1)[1])
    proc, port, admin_port = _start(descriptors, services, upstream_port, workdir)
    try:
        await _wait_live(proc, admin_port, workdir, within=15.0)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
