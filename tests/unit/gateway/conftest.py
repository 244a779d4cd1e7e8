"""Fixtures: the test service in testdata/messaging.proto, compiled with protoc into a descriptor set."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.message import Message

from gateway.contract import Contract
from gateway.routes import Match, RouteTable
from gateway.transcode import Plan
from gateway.values import Schema

from .messaging import compile_messaging

Build = Callable[..., Message]


@pytest.fixture(scope="session")
def messaging_set(tmp_path_factory: pytest.TempPathFactory) -> descriptor_pb2.FileDescriptorSet:
    return compile_messaging(tmp_path_factory.mktemp("proto"))


@pytest.fixture(scope="session")
def contract(messaging_set: descriptor_pb2.FileDescriptorSet) -> Contract:
    return Contract(messaging_set)


@pytest.fixture(scope="session")
def table(contract: Contract) -> RouteTable:
    return RouteTable.build(contract.rpcs)


@pytest.fixture(scope="session")
def plans(contract: Contract, table: RouteTable) -> dict[tuple[str, int], Plan]:
    schema = Schema(rpc.input for rpc in contract.rpcs)
    return {(b.rpc.name, b.index): Plan.compile(b, schema) for b in table.bindings()}


@pytest.fixture(scope="session")
def build(table: RouteTable, plans: dict[tuple[str, int], Plan]) -> Build:
    """Routes an HTTP request and builds its request message, as the gateway does."""

    def run(
        method: str, path: str, query: Iterable[tuple[str, str]] = (), body: bytes = b"", *, rpc: str = ""
    ) -> Message:
        found = table.match(method, path)
        assert isinstance(found, Match), f"{method} {path} did not match"
        if rpc:
            assert found.binding.rpc.name == rpc
        plan = plans[(found.binding.rpc.name, found.binding.index)]
        return plan.build_request(found.params, list(query), body)

    return run
