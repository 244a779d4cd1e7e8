"""Envoy's route table, derived from the contract so a new RPC needs no edit here.

Reads the descriptor set: every gRPC service gets a prefix route to its cluster; every unary
read (Get*, List*, Search*, Export*, Download*) gets an exact route that retries on UNAVAILABLE;
every server-streaming RPC gets an exact route with no timeout. Everything else goes to the REST
gateway. Must not know ports or addresses: it returns plain dicts for the renderer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2

GRPC_CLUSTERS = ("profile", "job", "application", "automation")
GATEWAY_CLUSTER = "gateway"
# Packages served by another service's process (AuthService lives in the profile service).
HOSTED_BY = {"auth": "profile"}
READ_VERBS = ("Get", "List", "Search", "Export", "Download", "BatchGet")
# Infrastructure services every process serves; the profile service answers them at the edge.
SHARED_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

UNARY_TIMEOUT = "15s"
STREAM_IDLE_TIMEOUT = "1800s"
# Unary RPCs known to outlast UNARY_TIMEOUT: PreviewFill drives a real browser through a form.
SLOW_METHODS = {"/jobmesh.automation.v1.AutomationService/PreviewFill": "120s"}
_READ_RETRY = {
    "retry_on": "unavailable,connect-failure,refused-stream,reset",
    "num_retries": 2,
    "retry_back_off": {"base_interval": "0.05s", "max_interval": "0.5s"},
}
_REST_GET_RETRY = {
    "retry_on": "connect-failure,refused-stream,retriable-status-codes",
    "retriable_status_codes": [503],
    "num_retries": 2,
    "retry_back_off": {"base_interval": "0.05s", "max_interval": "0.5s"},
}


class RouteError(ValueError):
    """The contract names a service Envoy has no cluster for."""


@dataclass(frozen=True)
class Method:
    """One RPC as Envoy sees it."""

    path: str
    cluster: str
    streaming: bool

    @property
    def is_read(self) -> bool:
        name = self.path.rsplit("/", 1)[1]
        return not self.streaming and name.startswith(READ_VERBS)


def cluster_of(package: str) -> str:
    """`jobmesh.job.v1` → `job`; the cluster whose process serves that package."""
    parts = package.split(".")
    if len(parts) < 3 or parts[0] != "jobmesh":
        raise RouteError(f"package {package!r} is not a jobmesh package")
    cluster = HOSTED_BY.get(parts[1], parts[1])
    if cluster not in GRPC_CLUSTERS:
        raise RouteError(f"package {package!r} has no Envoy cluster; add one to deploy/envoy")
    return cluster


def services(fds: descriptor_pb2.FileDescriptorSet) -> Iterator[tuple[str, str, list[Method]]]:
    """(full service name, cluster, methods) for every jobmesh service in the descriptor set."""
    for file in fds.file:
        if not file.package.startswith("jobmesh."):
            continue
        cluster = cluster_of(file.package)
        for service in file.service:
            full = f"{file.package}.{service.name}"
            methods = [
                Method(f"/{full}/{m.name}", cluster, m.server_streaming or m.client_streaming)
                for m in service.method
            ]
            yield full, cluster, methods


def _grpc_route(match: dict[str, Any], cluster: str, **route: Any) -> dict[str, Any]:
    return {"match": match, "route": {"cluster": cluster, **route}}


def _unary(cluster: str, timeout: str = UNARY_TIMEOUT, **extra: Any) -> dict[str, Any]:
    # No max_stream_duration.grpc_timeout_header_max: with it Envoy drops the route timeout for
    # every gRPC call without a deadline, and such calls could then hang forever.
    return {"cluster": cluster, "timeout": timeout, **extra}


def build_routes(fds: descriptor_pb2.FileDescriptorSet) -> list[dict[str, Any]]:
    """The virtual host's routes, most specific first."""
    exact: list[dict[str, Any]] = []
    prefixes: list[dict[str, Any]] = []
    for full, cluster, methods in sorted(services(fds)):
        for method in methods:
            if method.streaming:
                exact.append(
                    _grpc_route(
                        {"path": method.path}, cluster, timeout="0s", idle_timeout=STREAM_IDLE_TIMEOUT
                    )
                )
            elif method.is_read:
                exact.append(
                    {"match": {"path": method.path}, "route": _unary(cluster, retry_policy=_READ_RETRY)}
                )
            elif method.path in SLOW_METHODS:
                exact.append(
                    {"match": {"path": method.path}, "route": _unary(cluster, SLOW_METHODS[method.path])}
                )
        prefixes.append({"match": {"prefix": f"/{full}/"}, "route": _unary(cluster)})
    shared = [{"match": {"prefix": p}, "route": _unary("profile")} for p in SHARED_PREFIXES]
    rest: list[dict[str, Any]] = [
        {
            "match": {"safe_regex": {"regex": r"^/v1/.+:watch$"}},
            "route": {"cluster": GATEWAY_CLUSTER, "timeout": "0s", "idle_timeout": STREAM_IDLE_TIMEOUT},
        },
        {
            "match": {"prefix": "/", "headers": [{"name": ":method", "string_match": {"exact": "GET"}}]},
            "route": {"cluster": GATEWAY_CLUSTER, "timeout": UNARY_TIMEOUT, "retry_policy": _REST_GET_RETRY},
        },
        {"match": {"prefix": "/"}, "route": {"cluster": GATEWAY_CLUSTER, "timeout": UNARY_TIMEOUT}},
    ]
    return [*exact, *prefixes, *shared, *rest]
