"""The contract as data: the descriptor set built by `make gen`, loaded once.

Used by server reflection, the REST gateway and the contract tests, so all three
see exactly the file Envoy sees.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from google.protobuf import descriptor_pb2

DESCRIPTOR_SET = Path(__file__).resolve().parents[2] / "gen" / "jobmesh.binpb"

SERVICES = (
    "jobmesh.auth.v1.AuthService",
    "jobmesh.profile.v1.ProfileService",
    "jobmesh.job.v1.JobService",
    "jobmesh.application.v1.ApplicationService",
    "jobmesh.automation.v1.AutomationService",
)


@cache
def load_descriptor_set(path: Path = DESCRIPTOR_SET) -> descriptor_pb2.FileDescriptorSet:
    """Parses the descriptor set (imports and source info included)."""
    return descriptor_pb2.FileDescriptorSet.FromString(path.read_bytes())


def mesh_service_names() -> list[str]:
    """Every jobmesh gRPC service in the contract, with its messages loaded into the default
    descriptor pool, so any service's reflection can describe the whole mesh behind Envoy."""
    import importlib

    names = []
    for file in load_descriptor_set().file:
        if not file.name.startswith("jobmesh/"):
            continue
        importlib.import_module(file.name.removesuffix(".proto").replace("/", ".") + "_pb2")
        names += [f"{file.package}.{service.name}" for service in file.service]
    return names
