"""Composition root of the Application service: `python -m services.application`."""

from __future__ import annotations

from pathlib import Path

import grpc

from jobmesh.application.v1 import application_service_pb2_grpc, ledger_service_pb2_grpc
from services.application.ledger import Ledger
from services.application.peers import GrpcPeers
from services.application.relay import Relay
from services.application.service import ApplicationService
from services.application.servicer import ApplicationServicer, LedgerServicer
from services.application.watch import EventHub
from services.common.runtime import Registrar, Resources, ServiceSpec, main


async def build(resources: Resources) -> Registrar:
    settings = resources.settings
    assert settings.database_url is not None
    hub = EventHub(settings.database_url)
    await hub.start()
    resources.on_close.append(hub.close)
    if settings.redis_url:
        relay = Relay(resources.sessions, settings.redis_url, hub, stale_after=settings.job_timeout_seconds)
        await relay.start()
        resources.on_close.append(relay.close)
    service = ApplicationService(
        resources.sessions, GrpcPeers(resources.channels), resources.page_tokens, hub
    )
    ledger = Ledger(resources.sessions, resources.page_tokens, stale_after=settings.job_timeout_seconds)
    servicer = ApplicationServicer(service)
    ledger_servicer = LedgerServicer(ledger)

    def register(server: grpc.aio.Server) -> None:
        application_service_pb2_grpc.add_ApplicationServiceServicer_to_server(servicer, server)
        ledger_service_pb2_grpc.add_LedgerServiceServicer_to_server(ledger_servicer, server)

    return register


SPEC = ServiceSpec(
    name="application",
    schema="application",
    migrations=Path(__file__).parent / "migrations",
    service_names=("jobmesh.application.v1.ApplicationService", "jobmesh.application.v1.LedgerService"),
    build=build,
)

if __name__ == "__main__":
    main(SPEC)
