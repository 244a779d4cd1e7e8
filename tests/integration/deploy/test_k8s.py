"""The Kubernetes manifests: valid YAML, probes and limits on every container, ports that match the
settings, a base and overlays that `kustomize build` accepts, and an Envoy config Envoy accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.common.settings import Settings
from services.launcher.envoy import validate_command
from services.launcher.routes import GATEWAY_CLUSTER, GRPC_CLUSTERS

from .conftest import K8S, kustomize_argv, load_render_envoy, manifests

pytestmark = pytest.mark.integration

SERVICES = ("profile", "job", "application", "automation")
WORKLOADS = {"Deployment", "Job"}


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = doc["spec"]["template"]["spec"]["containers"]
    return containers


def _by_kind_and_name(docs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def _build(directory: Path) -> list[dict[str, Any]]:
    result = subprocess.run(kustomize_argv(directory), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc is not None]


def _k8s_settings() -> Settings:
    return Settings.from_env(load_render_envoy().read_env_file(K8S / "base" / "jobmesh.env"))


def test_every_yaml_file_parses_into_kubernetes_objects() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        docs = list(yaml.safe_load_all(path.read_text()))
        assert docs and all(isinstance(doc, dict) for doc in docs), path
        if path != K8S / "base" / "envoy.yaml":  # rendered Envoy config, not a Kubernetes object
            assert all(doc.get("kind") and doc.get("apiVersion") for doc in docs), path


def test_every_container_has_requests_and_limits() -> None:
    workloads = [(path, doc) for path, doc in manifests() if doc["kind"] in WORKLOADS]
    assert {doc["metadata"]["name"] for _, doc in workloads} >= {*SERVICES, "gateway", "envoy", "worker"}
    for path, doc in workloads:
        for container in _containers(doc):
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (
                    f"{path}: {container['name']} {bound}"
                )


def test_every_deployment_container_has_liveness_and_readiness_probes() -> None:
    deployments = [(path, doc) for path, doc in manifests() if doc["kind"] == "Deployment"]
    for path, doc in deployments:
        for container in _containers(doc):
            assert "livenessProbe" in container, f"{path}: {container['name']}"
            assert "readinessProbe" in container, f"{path}: {container['name']}"


def test_grpc_services_use_native_grpc_probes_on_their_configured_port() -> None:
    settings = _k8s_settings()
    objects = _by_kind_and_name([doc for _, doc in manifests()])
    for name in SERVICES:
        port = settings.service_port(name)
        (container,) = _containers(objects[("Deployment", name)])
        assert container["command"] == ["python", "-m", f"services.{name}"]
        assert {"containerPort": port, "name": "grpc"} in container["ports"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"] == {"port": port}, (name, probe)
        service = objects[("Service", name)]["spec"]
        # Headless, so Envoy's STRICT_DNS cluster resolves and health-checks every pod.
        assert service["clusterIP"] == "None"
        assert [p["port"] for p in service["ports"]] == [port]


def test_settings_configmap_describes_a_cluster() -> None:
    settings = _k8s_settings()
    assert settings.bind_host == "0.0.0.0"
    assert settings.mesh_address == f"envoy:{settings.port}"
    assert settings.database_url is None and settings.master_key is None, "secrets belong in the Secret"
    env_keys = {line.split("=", 1)[0] for line in (K8S / "base" / "jobmesh.env").read_text().splitlines()}
    assert not env_keys & {
        "JOBMESH_DATABASE_URL",
        "JOBMESH_REDIS_URL",
        "JOBMESH_MASTER_KEY",
        "JOBMESH_BLOB_URL",
    }


def test_workloads_take_settings_from_the_configmap_and_the_secret() -> None:
    for path, doc in manifests():
        if doc["kind"] not in WORKLOADS or doc["metadata"]["name"] == "envoy":
            continue
        for container in _containers(doc):
            sources = container.get("envFrom", [])
            assert {"configMapRef": {"name": "jobmesh-config"}} in sources, path
            assert {"secretRef": {"name": "jobmesh-secrets"}} in sources, path


def test_kustomize_builds_the_base(k8s_copy: Path) -> None:
    objects = _by_kind_and_name(_build(k8s_copy / "base"))
    for name in (*SERVICES, "gateway", "envoy", "worker"):
        assert ("Deployment", name) in objects
        assert ("HorizontalPodAutoscaler", name) in objects
    assert ("Job", "jobmesh-migrate") in objects
    assert _containers(objects[("Job", "jobmesh-migrate")])[0]["args"] == ["migrate"]
    envoy_volume = objects[("Deployment", "envoy")]["spec"]["template"]["spec"]["volumes"][0]
    config_map = envoy_volume["configMap"]["name"]
    assert config_map.startswith("envoy-config-"), "the generated, hashed ConfigMap is referenced"
    assert "clusters" in objects[("ConfigMap", config_map)]["data"]["envoy.yaml"]
    worker = _containers(objects[("Deployment", "worker")])[0]
    assert {"name": "JOBMESH_WORKER_CONCURRENCY", "value": "4"} in worker["env"]


def test_kustomize_builds_production(k8s_copy: Path) -> None:
    docs = _build(k8s_copy / "overlays" / "production")
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"jobmesh"}
    objects = _by_kind_and_name(docs)
    images = {c["image"] for (kind, _), d in objects.items() if kind in WORKLOADS for c in _containers(d)}
    assert "registry.example.com/jobmesh/jobmesh:0.1.0" in images
    assert "registry.example.com/jobmesh/jobmesh-worker:0.1.0" in images
    assert not {"jobmesh", "jobmesh-worker", "jobmesh:latest"} & images
    assert objects[("Service", "envoy")]["spec"]["type"] == "LoadBalancer"
    assert objects[("HorizontalPodAutoscaler", "worker")]["spec"]["minReplicas"] == 4
    (settings,) = [
        d for (kind, name), d in objects.items() if kind == "ConfigMap" and "jobmesh-config" in name
    ]
    assert settings["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"].endswith(":4317")
    assert settings["data"]["JOBMESH_MESH_ADDRESS"] == "envoy:8080"


def test_keda_component_replaces_the_worker_cpu_autoscaler(k8s_copy: Path) -> None:
    overlay = k8s_copy / "overlays" / "keda"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["../../base"], "components": ["../../components/keda-worker-scaler"]})
    )
    objects = _by_kind_and_name(_build(overlay))
    assert ("HorizontalPodAutoscaler", "worker") not in objects
    assert ("HorizontalPodAutoscaler", "profile") in objects
    scaled = objects[("ScaledObject", "worker")]["spec"]
    assert scaled["scaleTargetRef"] == {"name": "worker"}
    assert scaled["triggers"][0]["type"] == "redis"


def test_rendered_envoy_config_points_at_the_services_and_envoy_accepts_it(tmp_path: Path) -> None:
    out = load_render_envoy().render(K8S / "base" / "jobmesh.env", tmp_path / "envoy.yaml")
    config = yaml.safe_load(out.read_text())
    settings = _k8s_settings()
    services = _by_kind_and_name([doc for _, doc in manifests()])
    for cluster in config["static_resources"]["clusters"]:
        (endpoint,) = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"]
        address = endpoint["endpoint"]["address"]["socket_address"]
        assert cluster["name"] in (*GRPC_CLUSTERS, GATEWAY_CLUSTER)
        assert address["address"] == cluster["name"]
        service_ports = [p["port"] for p in services[("Service", cluster["name"])]["spec"]["ports"]]
        assert address["port_value"] in service_ports
    listener = config["static_resources"]["listeners"][0]["address"]["socket_address"]
    assert (listener["address"], listener["port_value"]) == ("0.0.0.0", settings.port)
    result = subprocess.run(validate_command(out), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("bad", ["JOBMESH_PORT", "no equals sign"])
def test_render_envoy_refuses_a_broken_env_file(tmp_path: Path, bad: str) -> None:
    env_file = tmp_path / "jobmesh.env"
    env_file.write_text(
        "# settings\n\nJOBMESH_BIND_HOST=0.0.0.0\n" + (f"{bad}=eighty\n" if "_" in bad else bad)
    )
    with pytest.raises(ValueError, match="JOBMESH_PORT" if "_" in bad else "KEY=VALUE"):
        load_render_envoy().render(env_file, tmp_path / "envoy.yaml")
