"""What `jobmesh run` starts, in order: the services that exist, workers, gateway, then Envoy.

A service, the worker pool or the gateway is included only when its module is importable, so the
launcher works while parts of the platform are still being built. Must not start anything itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from services.common.settings import Settings
from services.launcher.envoy import envoy_command
from services.launcher.probes import envoy_upstreams_healthy, grpc_health, tcp_open
from services.launcher.routes import GATEWAY_CLUSTER
from services.launcher.supervisor import ChildSpec

SERVICES = ("profile", "job", "application", "automation")
WORKER_MODULE = "services.automation.worker"
GATEWAY_MODULE = "gateway"
_WILDCARDS = {"", "0.0.0.0", "::", "[::]"}


def module_exists(name: str) -> bool:
    """Whether `name` can be imported (its parent packages are imported to find out)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def local_host(settings: Settings) -> str:
    """The address this machine reaches its own listeners on."""
    return "127.0.0.1" if settings.bind_host in _WILDCARDS else settings.bind_host


def with_mesh(settings: Settings) -> Settings:
    """Settings whose service-to-service calls go through the local Envoy."""
    return settings.with_(mesh_address=f"{local_host(settings)}:{settings.port}")


def present_services() -> list[str]:
    return [name for name in SERVICES if module_exists(f"services.{name}.__main__")]


def plan_children(settings: Settings, envoy_config: Path, *, python: str = sys.executable) -> list[ChildSpec]:
    """The children of `jobmesh run` for `settings` (database and Redis URLs already set)."""
    host = local_host(settings)
    env = {**settings.to_env(), "PYTHONUNBUFFERED": "1"}
    services = present_services()
    # Child names of services and the gateway double as their Envoy cluster names.
    children = [
        ChildSpec(
            name,
            [python, "-m", f"services.{name}"],
            env,
            probe=grpc_health(host, settings.service_port(name)),
            grace_seconds=15.0,
        )
        for name in services
    ]
    if "automation" in services and module_exists(WORKER_MODULE):
        children += [
            ChildSpec(f"worker-{i}", [python, "-m", WORKER_MODULE], env, grace_seconds=30.0)
            for i in range(1, settings.workers + 1)
        ]
    upstreams = list(services)
    if module_exists(f"{GATEWAY_MODULE}.__main__"):
        upstreams.append(GATEWAY_CLUSTER)
        children.append(
            ChildSpec(
                GATEWAY_CLUSTER,
                [python, "-m", GATEWAY_MODULE],
                env,
                probe=tcp_open(host, settings.gateway_port),
            )
        )
    children.append(
        ChildSpec(
            "envoy",
            envoy_command(envoy_config, base_id=settings.port),
            # Ready once Envoy's own health checks route to every started upstream, not merely once it listens.
            probe=envoy_upstreams_healthy(settings.admin_port, upstreams),
            grace_seconds=5.0,
        )
    )
    return children
