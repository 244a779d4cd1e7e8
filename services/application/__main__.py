"""Composition root of the Application service: `python -m services.application`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from jobmesh.application.v1 import application_service_pb2_grpc

from services.application.peers import GrpcPeers
from services.application.service import ApplicationService
from services.application.servicer import ApplicationServicer
from services.application.watch import EventHub
from services.common.runtime import Registrar, Resources, ServiceSpec, run_service


async def build(resources: Resources) -> Registrar:
    assert resources.settings.database_url is not None
    hub = EventHub(resources.settings.database_url)
    await hub.start()
    resources.on_close.append(hub.close)
    service = ApplicationService(
        resources.sessions, GrpcPeers(resources.channels), resources.page_tokens, hub
    )
    servicer = ApplicationServicer(service)

    def register(server: grpc.aio.Server) -> None:
        application_service_pb2_grpc.add_ApplicationServiceServicer_to_server(servicer, server)

    return register


SPEC = ServiceSpec(
    name="application",
    schema="application",
    migrations=Path(__file__).parent / "migrations",
    service_names=("jobmesh.application.v1.ApplicationService", "jobmesh.application.v1.LedgerService"),
    build=build,
)

if __name__ == "__main__":
    asyncio.run(run_service(SPEC))
