"""Compiles testdata/messaging.proto (a service the gateway has never seen) into a descriptor set."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

TESTDATA = Path(__file__).parent / "testdata"


def compile_messaging(out_dir: Path) -> descriptor_pb2.FileDescriptorSet:
    """Runs protoc in-process, with imports and source info, as `make gen` does for the real contract."""
    out = out_dir / "messaging.binpb"
    googleapis = Path(annotations_pb2.__file__).parents[2]
    well_known = Path(str(importlib.resources.files("grpc_tools") / "_proto"))
    args = [
        "protoc",
        f"-I{TESTDATA}",
        f"-I{googleapis}",
        f"-I{well_known}",
        "--include_imports",
        "--include_source_info",
        f"--descriptor_set_out={out}",
        "messaging.proto",
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed on messaging.proto")
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
