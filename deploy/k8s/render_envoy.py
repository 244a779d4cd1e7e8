"""Renders Envoy's config for Kubernetes into deploy/k8s/base/envoy.yaml (the `envoy-config` ConfigMap).

Same template and route table as `jobmesh render-envoy`, with two differences that Kubernetes
needs: settings come from the base's `jobmesh.env` (not this shell's environment), and every
upstream is addressed by its Service name instead of 127.0.0.1. Must not hold any Envoy
configuration itself: that lives in deploy/envoy.

    python deploy/k8s/render_envoy.py [--env FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from services.common.settings import Settings  # noqa: E402
from services.launcher.envoy import write_envoy_config  # noqa: E402
from services.launcher.routes import GATEWAY_CLUSTER, GRPC_CLUSTERS  # noqa: E402


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as kustomize's configMapGenerator reads them (# comments, blank lines)."""
    env = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        env[key.strip()] = value
    return env


def render(env_file: Path, out: Path) -> Path:
    """Writes the config for the settings in `env_file`, upstreams by Service name, into `out`."""
    settings = Settings.from_env(read_env_file(env_file))
    hosts = {cluster: cluster for cluster in (*GRPC_CLUSTERS, GATEWAY_CLUSTER)}
    return write_envoy_config(settings, out, hosts=hosts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", type=Path, default=HERE / "base" / "jobmesh.env")
    parser.add_argument("--out", type=Path, default=HERE / "base" / "envoy.yaml")
    args = parser.parse_args(argv)
    print(f"wrote {render(args.env, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
