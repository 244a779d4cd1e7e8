"""Composition root of the Job service: builds the catalog, sources and sync from Resources, starts
the in-process sync worker when Redis is configured, and registers the servicer. Run with
`python -m services.job`.

It wires objects together only; behaviour lives in service.py, sources.py and sync.py.
"""

from __future__ import annotations

from pathlib import Path

import grpc

from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from services.common.runtime import Registrar, Resources, ServiceSpec, main
from services.job.boards import BoardClient, board_guard
from services.job.service import JobCatalog
from services.job.servicer import JobServicer
from services.job.sources import SourceService
from services.job.sync import SyncDeps
from services.job.sync_queue import InProcessSyncs, SyncRunner, start_sync_worker


async def build(resources: Resources) -> Registrar:
    guard = board_guard(resources.settings.allowed_hosts)
    boards = BoardClient(guard)
    resources.on_close.append(boards.aclose)
    catalog = JobCatalog(resources.sessions, resources.page_tokens)
    deps = SyncDeps(resources.sessions, boards)
    syncs: SyncRunner = InProcessSyncs(deps)
    settings = resources.settings
    if settings.redis_url:
        syncs, stop_worker = await start_sync_worker(settings.redis_url, deps, settings.sync_timeout_seconds)
        resources.on_close.append(stop_worker)
    sources = SourceService(resources.sessions, resources.page_tokens, guard, syncs)
    servicer = JobServicer(catalog, sources)

    def register(server: grpc.aio.Server) -> None:
        pb_grpc.add_JobServiceServicer_to_server(servicer, server)

    return register


SPEC = ServiceSpec(
    name="job",
    schema="job",
    migrations=Path(__file__).parent / "migrations",
    service_names=("jobmesh.job.v1.JobService",),
    build=build,
    public_methods=frozenset(),
)


if __name__ == "__main__":
    main(SPEC)
