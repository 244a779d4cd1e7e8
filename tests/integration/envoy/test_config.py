"""The rendered config is valid Envoy, and its routes follow the contract."""

from __future__ import annotations

import subprocess
from pathlib import Path

from google.protobuf import descriptor_pb2

from services.common.descriptors import load_descriptor_set
from services.common.settings import Settings
from services.launcher.envoy import render_envoy, validate_command, write_envoy_config
from services.launcher.routes import build_routes


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(validate_command(path), capture_output=True, text=True, timeout=60)


def test_rendered_config_passes_envoy_validation(tmp_path: Path) -> None:
    settings = Settings(port=18080, admin_port=19901, rate_limit_rps=50, cors_origins=("https://a.example",))
    result = _validate(write_envoy_config(settings, tmp_path / "envoy.yaml"))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_validation_rejects_a_broken_config(tmp_path: Path) -> None:
    broken = render_envoy(Settings()).replace("codec_type: AUTO", "codec_type: HTTP7")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    assert _validate(path).returncode != 0


def _by_path(routes: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {r["match"]["path"]: r["route"] for r in routes if "path" in r["match"]}  # type: ignore[index]


def test_reads_retry_writes_do_not_streams_have_no_timeout() -> None:
    routes = _by_path(build_routes(load_descriptor_set()))
    assert "retry_policy" in routes["/jobmesh.job.v1.JobService/GetJob"]
    assert "retry_policy" in routes["/jobmesh.profile.v1.ProfileService/ListProfiles"]
    assert "retry_policy" in routes["/jobmesh.job.v1.JobService/SearchJobs"]
    assert "retry_policy" in routes["/jobmesh.profile.v1.ProfileService/ExportProfile"]
    assert "/jobmesh.job.v1.JobService/CreateJob" not in routes
    assert "/jobmesh.auth.v1.AuthService/Login" not in routes
    watch = routes["/jobmesh.application.v1.ApplicationService/WatchApplication"]
    assert watch["timeout"] == "0s"
    assert "retry_policy" not in watch
    assert watch["cluster"] == "application"


def test_a_new_read_rpc_gets_a_retrying_route_without_edits() -> None:
    fds = descriptor_pb2.FileDescriptorSet()
    fds.CopyFrom(load_descriptor_set())
    file = fds.file.add(name="jobmesh/job/v1/extra.proto", package="jobmesh.job.v1")
    service = file.service.add(name="ExtraService")
    service.method.add(name="GetExtra", input_type=".x.A", output_type=".x.B")
    service.method.add(name="TouchExtra", input_type=".x.A", output_type=".x.B")
    routes = build_routes(fds)
    by_path = _by_path(routes)
    assert by_path["/jobmesh.job.v1.ExtraService/GetExtra"]["cluster"] == "job"
    assert "retry_policy" in by_path["/jobmesh.job.v1.ExtraService/GetExtra"]
    assert "/jobmesh.job.v1.ExtraService/TouchExtra" not in by_path
    kinds = ["path" if "path" in r["match"] else "other" for r in routes]  # type: ignore[operator]
    # Exact routes come before the prefix routes that would otherwise shadow them.
    assert kinds.index("other") > max(i for i, kind in enumerate(kinds) if kind == "path")
    assert any(r["match"].get("prefix") == "/jobmesh.job.v1.ExtraService/" for r in routes)  # type: ignore[attr-defined]


def test_unary_calls_time_out_and_slow_ones_get_longer() -> None:
    routes = build_routes(load_descriptor_set())
    by_path = _by_path(routes)
    assert by_path["/jobmesh.automation.v1.AutomationService/PreviewFill"]["timeout"] == "120s"
    grpc_prefixes = [r["route"] for r in routes if str(r["match"].get("prefix", "")).startswith("/jobmesh.")]  # type: ignore[attr-defined]
    assert grpc_prefixes and all(route["timeout"] == "15s" for route in grpc_prefixes)  # type: ignore[index]
    # A grpc-timeout cap would make Envoy drop the route timeout for callers without a deadline.
    assert all("max_stream_duration" not in r["route"] for r in routes)  # type: ignore[operator]
