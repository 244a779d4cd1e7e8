"""Composition root of the Automation service: `python -m services.automation`."""

from __future__ import annotations

import os
import socket

import grpc
from redis.asyncio import Redis

from jobmesh.automation.v1 import automation_service_pb2_grpc
from services.automation.browser import BrowserPool
from services.automation.mesh import Mesh
from services.automation.migrations_path import MIGRATIONS
from services.automation.pipeline import ats_hosts
from services.automation.runs import Runs
from services.automation.service import AutomationService
from services.automation.servicer import AutomationServicer
from services.common.blobs import open_blob_store
from services.common.crypto import Envelope
from services.common.netguard import NetworkGuard
from services.common.runtime import Registrar, Resources, ServiceSpec, main


async def build(resources: Resources) -> Registrar:
    settings = resources.settings
    blobs = open_blob_store(settings)
    pool = BrowserPool.from_settings(settings)  # Chromium starts on the first PreviewFill
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    resources.on_close.extend([blobs.close, pool.close])
    if redis is not None:
        resources.on_close.append(redis.aclose)
    service = AutomationService(
        channels=resources.channels,
        mesh=Mesh(resources.channels, resources.tokens, f"{socket.gethostname()}:{os.getpid()}:preview"),
        runs=Runs(resources.sessions, blobs, Envelope(resources.master_key)),
        page_tokens=resources.page_tokens,
        guard=NetworkGuard(settings.allowed_hosts, ats_hosts()),
        pool=pool,
        redis=redis,
    )
    servicer = AutomationServicer(service)

    def register(server: grpc.aio.Server) -> None:
        automation_service_pb2_grpc.add_AutomationServiceServicer_to_server(servicer, server)

    return register


SPEC = ServiceSpec(
    name="automation",
    schema="automation",
    migrations=MIGRATIONS,
    service_names=("jobmesh.automation.v1.AutomationService",),
    build=build,
)

if __name__ == "__main__":
    main(SPEC)
