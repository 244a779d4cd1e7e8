"""The platform as bench.api measures it, on loopback: embedded PostgreSQL, the Profile and Job services
and the gateway as child processes (as `jobmesh run` starts them, mesh through Envoy included), the
normal Envoy (`render_envoy`), and a second Envoy with the same config plus Envoy's C++
`grpc_json_transcoder` in front of the same Job service.

The transcoder Envoy gets the descriptor set with `response_body` cleared (Envoy 1.40 rejects it on
non-HttpBody fields), so its GetJob answers `{"job": {…}}` where the gateway answers the Job itself.
Starts and stops processes; measures nothing.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import yaml  # type: ignore[import-untyped]
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2

from bench.common import Children, say
from jobmesh.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from services.common.descriptors import load_descriptor_set
from services.common.embedded import EmbeddedPostgres, free_port
from services.common.settings import Settings
from services.launcher.envoy import envoy_command, render_envoy
from services.launcher.plan import with_mesh
from services.launcher.probes import Probe, envoy_upstreams_healthy, grpc_health, tcp_open

JOB_SERVICE = "jobmesh.job.v1.JobService"
# The same print and parse options the gateway's differential tests give Envoy's transcoder, so both
# produce lowerCamelCase JSON without default values.
_TRANSCODER: dict[str, Any] = {
    "name": "envoy.filters.http.grpc_json_transcoder",
    "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder",
        "services": [JOB_SERVICE],
        "print_options": {
            "add_whitespace": False,
            "always_print_primitive_fields": False,
            "always_print_enums_as_ints": False,
            "preserve_proto_field_names": False,
        },
        "convert_grpc_status": True,
        "match_incoming_request_route": False,
        "ignore_unknown_query_parameters": True,
        "query_param_unescape_plus": True,
        "url_unescape_spec": "ALL_CHARACTERS_EXCEPT_SLASH",
    },
}


@dataclass(frozen=True)
class Stack:
    """Where everything listens, the pids to account CPU to, and a signed-in user's access token."""

    settings: Settings
    job_address: str
    envoy_address: str
    transcoder_address: str
    token: str
    pids: dict[str, int]


def descriptor_without_response_body(
    source: descriptor_pb2.FileDescriptorSet,
) -> descriptor_pb2.FileDescriptorSet:
    copy = descriptor_pb2.FileDescriptorSet()
    copy.CopyFrom(source)
    for file in copy.file:
        for service in file.service:
            for method in service.method:
                if method.options.HasExtension(annotations_pb2.http):
                    rule = method.options.Extensions[annotations_pb2.http]
                    for binding in (rule, *rule.additional_bindings):
                        binding.response_body = ""
    return copy


def transcoder_config(settings: Settings, port: int, admin_port: int, descriptor: Path) -> dict[str, Any]:
    """The normal jobmesh Envoy config on other ports, with the C++ transcoder before the router."""
    config: dict[str, Any] = yaml.safe_load(render_envoy(settings))
    config["admin"]["address"]["socket_address"]["port_value"] = admin_port
    listener = config["static_resources"]["listeners"][0]
    listener["address"]["socket_address"]["port_value"] = port
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    manager["stat_prefix"] = "transcoder"
    transcoder = json.loads(json.dumps(_TRANSCODER))
    transcoder["typed_config"]["proto_descriptor"] = str(descriptor)
    filters = manager["http_filters"]
    filters.insert(len(filters) - 1, transcoder)
    return config


async def _until(probe: Probe, what: str, children: Children, within: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await probe():
        children.check_alive()
        if loop.time() > deadline:
            raise TimeoutError(f"{what} not ready within {within:g}s; logs in {children.logs}")
        await asyncio.sleep(0.2)


def _postmaster_pid(postgres: EmbeddedPostgres) -> int:
    return int((postgres.data_dir / "postmaster.pid").read_text().split()[0])


async def _sign_up(address: str) -> str:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await auth_service_pb2_grpc.AuthServiceStub(channel).Register(
            auth_service_pb2.RegisterRequest(email="bench@example.test", password=secrets.token_hex(12))
        )
    return str(reply.access_token)


def bench_settings(workdir: Path, database_url: str) -> Settings:
    """Free ports everywhere; the rate limit out of the way; per-RPC INFO logs off (they would
    weigh on every path alike and hide the proxies' share)."""
    return Settings(
        home=workdir / "home",
        database_url=database_url,
        master_key=secrets.token_hex(32),
        port=free_port(),
        admin_port=free_port(),
        gateway_port=free_port(),
        profile_port=free_port(),
        job_port=free_port(),
        application_port=free_port(),
        automation_port=free_port(),
        rate_limit_rps=10_000_000,
        workers=0,
        access_token_ttl_seconds=3600,
        log_level="WARNING",
    )


@asynccontextmanager
async def api_stack() -> AsyncIterator[Stack]:
    """Starts everything, yields the Stack, stops everything it started."""
    with tempfile.TemporaryDirectory(prefix="jobmesh-bench-") as tmp:
        workdir = Path(tmp)
        postgres = EmbeddedPostgres(workdir / "pg" / "data", durable=False)
        children = Children(workdir)
        say(f"starting PostgreSQL, profile, job, gateway and two Envoys (logs in {workdir})")
        await asyncio.to_thread(postgres.start)
        try:
            settings = with_mesh(bench_settings(workdir, postgres.url))
            env = settings.to_env()
            pids = {"postgres": _postmaster_pid(postgres)}
            for name in ("profile", "job"):
                pids[name] = children.start(name, [sys.executable, "-m", f"services.{name}"], env)
            for name in ("profile", "job"):
                await _until(grpc_health("127.0.0.1", settings.service_port(name)), name, children)
            pids["gateway"] = children.start("gateway", [sys.executable, "-m", "gateway"], env)
            await _until(tcp_open("127.0.0.1", settings.gateway_port), "gateway", children)

            envoy_yaml = workdir / "envoy.yaml"
            envoy_yaml.write_text(render_envoy(settings))
            pids["envoy"] = children.start("envoy", envoy_command(envoy_yaml, base_id=settings.port))
            descriptor = workdir / "transcoder.binpb"
            descriptor.write_bytes(
                descriptor_without_response_body(load_descriptor_set()).SerializeToString()
            )
            port, admin = free_port(), free_port()
            transcoder_yaml = workdir / "envoy-transcoder.yaml"
            transcoder_yaml.write_text(json.dumps(transcoder_config(settings, port, admin, descriptor)))
            pids["envoy-transcoder"] = children.start(
                "envoy-transcoder", envoy_command(transcoder_yaml, base_id=port)
            )
            await _until(
                envoy_upstreams_healthy(settings.admin_port, ["profile", "job", "gateway"]), "envoy", children
            )
            await _until(envoy_upstreams_healthy(admin, ["job"]), "transcoder envoy", children)
            token = await _sign_up(f"127.0.0.1:{settings.profile_port}")
            yield Stack(
                settings=settings,
                job_address=f"127.0.0.1:{settings.job_port}",
                envoy_address=f"127.0.0.1:{settings.port}",
                transcoder_address=f"127.0.0.1:{port}",
                token=token,
                pids=pids,
            )
        finally:
            children.stop_all()
            await asyncio.to_thread(postgres.stop)
