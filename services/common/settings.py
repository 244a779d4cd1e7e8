"""Typed settings read from the environment: the only module that reads os.environ.

Every process builds one `Settings` at start and passes it down; nothing else
looks at environment variables.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# When the automation worker records a Playwright trace (see Settings.trace).
TRACE_MODES = ("always", "retries", "off")


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _int(env: Mapping[str, str], key: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise SettingsError(f"{key} must be at least {minimum}, got {value}")
    return value


def _seconds(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from exc
    # float() takes "nan", "inf" and negatives, none of which is a usable timeout.
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{key} must be a positive number of seconds, got {raw!r}")
    return value


def _choice(env: Mapping[str, str], key: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(key, "").strip().lower() or default
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _optional(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key, "").strip()
    return value or None


@dataclass(frozen=True)
class Settings:
    """Everything a jobmesh process can be configured with."""

    home: Path = Path(".jobmesh")
    bind_host: str = "127.0.0.1"
    port: int = 8080
    admin_port: int = 9901
    gateway_port: int = 8081
    profile_port: int = 50051
    job_port: int = 50052
    application_port: int = 50053
    automation_port: int = 50054
    metrics_port: int = 0
    postgres_port: int = 54329
    valkey_port: int = 63799
    rate_limit_rps: int = 1000
    cors_origins: tuple[str, ...] = ()
    mesh_address: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    blob_url: str | None = None
    master_key: str | None = None
    chromium: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    workers: int = 1
    worker_concurrency: int = 4
    max_attempts: int = 3
    call_timeout_seconds: float = 10.0
    job_timeout_seconds: float = 180.0
    sync_timeout_seconds: float = 300.0
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    token_issuer: str = "jobmesh"
    token_audience: str = "jobmesh"
    log_level: str = "INFO"
    demo_exit: bool = False
    log_json: bool = True
    otlp_endpoint: str | None = None
    # Fault injection for crash tests only: "<point>:<seconds>" makes a worker log a line and sleep
    # at that step boundary of every run (points are listed in services/automation/faults.py), so a
    # test can kill it there. Unset (the default) means no pause anywhere.
    fault_pause: str | None = None
    # How the worker traces runs with Playwright. "retries" (default): every run keeps a trace of its
    # actions, network and console; attempts after the first also take DOM snapshots (replayable,
    # ~0.3 s of CPU per run). "always": DOM snapshots on every run. "off": no trace. Screenshots of
    # the filled form and the confirmation are kept either way.
    trace: str = "retries"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Reads the JOBMESH_* variables (and OpenTelemetry's own) from `env`."""
        e = os.environ if env is None else env
        hosts = tuple(h.strip().lower() for h in e.get("JOBMESH_ALLOWED_HOSTS", "").split(",") if h.strip())
        return cls(
            home=Path(e.get("JOBMESH_HOME", "").strip() or ".jobmesh").absolute(),
            bind_host=e.get("JOBMESH_BIND_HOST", "").strip() or "127.0.0.1",
            port=_int(e, "JOBMESH_PORT", 8080),
            admin_port=_int(e, "JOBMESH_ADMIN_PORT", 9901),
            gateway_port=_int(e, "JOBMESH_GATEWAY_PORT", 8081),
            profile_port=_int(e, "JOBMESH_PROFILE_PORT", 50051),
            job_port=_int(e, "JOBMESH_JOB_PORT", 50052),
            application_port=_int(e, "JOBMESH_APPLICATION_PORT", 50053),
            automation_port=_int(e, "JOBMESH_AUTOMATION_PORT", 50054),
            metrics_port=_int(e, "JOBMESH_METRICS_PORT", 0),
            postgres_port=_int(e, "JOBMESH_POSTGRES_PORT", 54329),
            valkey_port=_int(e, "JOBMESH_VALKEY_PORT", 63799),
            rate_limit_rps=_int(e, "JOBMESH_RATE_LIMIT_RPS", 1000, minimum=1),
            cors_origins=tuple(o.strip() for o in e.get("JOBMESH_CORS_ORIGINS", "").split(",") if o.strip()),
            mesh_address=_optional(e, "JOBMESH_MESH_ADDRESS"),
            database_url=_optional(e, "JOBMESH_DATABASE_URL"),
            redis_url=_optional(e, "JOBMESH_REDIS_URL"),
            blob_url=_optional(e, "JOBMESH_BLOB_URL"),
            master_key=_optional(e, "JOBMESH_MASTER_KEY"),
            chromium=_optional(e, "JOBMESH_CHROMIUM"),
            allowed_hosts=hosts,
            workers=_int(e, "JOBMESH_WORKERS", 1, minimum=0),
            worker_concurrency=_int(e, "JOBMESH_WORKER_CONCURRENCY", 4, minimum=1),
            max_attempts=_int(e, "JOBMESH_MAX_ATTEMPTS", 3, minimum=1),
            call_timeout_seconds=_seconds(e, "JOBMESH_CALL_TIMEOUT", 10.0),
            job_timeout_seconds=_seconds(e, "JOBMESH_JOB_TIMEOUT", 180.0),
            sync_timeout_seconds=_seconds(e, "JOBMESH_SYNC_TIMEOUT", 300.0),
            log_level=(e.get("JOBMESH_LOG_LEVEL", "").strip() or "INFO").upper(),
            demo_exit=e.get("JOBMESH_DEMO_EXIT", "").strip().lower() in {"1", "true", "yes"},
            log_json=e.get("JOBMESH_LOG_FORMAT", "json").strip().lower() != "text",
            otlp_endpoint=_optional(e, "OTEL_EXPORTER_OTLP_ENDPOINT"),
            fault_pause=_optional(e, "JOBMESH_FAULT_PAUSE"),
            trace=_choice(e, "JOBMESH_TRACE", "retries", TRACE_MODES),
        )

    def to_env(self) -> dict[str, str]:
        """The variables that make `from_env` rebuild these settings (for child processes)."""
        env = {
            "JOBMESH_HOME": str(self.home),
            "JOBMESH_BIND_HOST": self.bind_host,
            "JOBMESH_PORT": str(self.port),
            "JOBMESH_ADMIN_PORT": str(self.admin_port),
            "JOBMESH_GATEWAY_PORT": str(self.gateway_port),
            "JOBMESH_PROFILE_PORT": str(self.profile_port),
            "JOBMESH_JOB_PORT": str(self.job_port),
            "JOBMESH_APPLICATION_PORT": str(self.application_port),
            "JOBMESH_AUTOMATION_PORT": str(self.automation_port),
            "JOBMESH_METRICS_PORT": str(self.metrics_port),
            "JOBMESH_POSTGRES_PORT": str(self.postgres_port),
            "JOBMESH_VALKEY_PORT": str(self.valkey_port),
            "JOBMESH_RATE_LIMIT_RPS": str(self.rate_limit_rps),
            "JOBMESH_CORS_ORIGINS": ",".join(self.cors_origins),
            "JOBMESH_ALLOWED_HOSTS": ",".join(self.allowed_hosts),
            "JOBMESH_WORKERS": str(self.workers),
            "JOBMESH_WORKER_CONCURRENCY": str(self.worker_concurrency),
            "JOBMESH_MAX_ATTEMPTS": str(self.max_attempts),
            "JOBMESH_CALL_TIMEOUT": repr(self.call_timeout_seconds),
            "JOBMESH_JOB_TIMEOUT": repr(self.job_timeout_seconds),
            "JOBMESH_SYNC_TIMEOUT": repr(self.sync_timeout_seconds),
            "JOBMESH_LOG_LEVEL": self.log_level,
            "JOBMESH_DEMO_EXIT": "1" if self.demo_exit else "0",
            "JOBMESH_LOG_FORMAT": "json" if self.log_json else "text",
            "JOBMESH_TRACE": self.trace,
        }
        optional = {
            "JOBMESH_MESH_ADDRESS": self.mesh_address,
            "JOBMESH_DATABASE_URL": self.database_url,
            "JOBMESH_REDIS_URL": self.redis_url,
            "JOBMESH_BLOB_URL": self.blob_url,
            "JOBMESH_MASTER_KEY": self.master_key,
            "JOBMESH_CHROMIUM": self.chromium,
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_endpoint,
            "JOBMESH_FAULT_PAUSE": self.fault_pause,
        }
        env.update({key: value for key, value in optional.items() if value is not None})
        return env

    def with_(self, **changes: Any) -> Settings:
        """Returns a copy with some settings changed (tests bind port 0 this way)."""
        return replace(self, **changes)

    def service_port(self, service: str) -> int:
        """The port a service listens on: profile, job, application or automation."""
        ports = {
            "profile": self.profile_port,
            "job": self.job_port,
            "application": self.application_port,
            "automation": self.automation_port,
        }
        try:
            return ports[service]
        except KeyError as exc:
            raise SettingsError(f"unknown service {service!r}") from exc

    def metrics_port_for(self, service: str) -> int:
        """A service's Prometheus port: JOBMESH_METRICS_PORT + offset, or its gRPC port + 1000."""
        offsets = {"profile": 0, "job": 1, "application": 2, "automation": 3}
        if self.metrics_port:
            return self.metrics_port + offsets.get(service, 4)
        grpc_port = self.service_port(service)
        return grpc_port + 1000 if grpc_port else 0

    def address_of(self, service: str) -> str:
        """Where callers reach a service: the mesh (Envoy) when set, else the service's own port."""
        if self.mesh_address:
            return self.mesh_address
        return f"127.0.0.1:{self.service_port(service)}"
