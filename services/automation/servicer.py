"""AutomationService over gRPC: proto in, service call, proto out."""

from __future__ import annotations

from typing import Any, TypeAlias

import grpc
from google.protobuf import json_format, timestamp_pb2

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.automation.v1 import automation_service_pb2 as pb
from jobmesh.automation.v1 import automation_service_pb2_grpc as pb_grpc
from services.automation.models import RunRow
from services.automation.service import AutomationService

Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]


def _run(row: RunRow) -> pb.Run:
    message = pb.Run(
        name=f"applications/{row.application_id}/runs/{row.id}",
        attempt=row.attempt,
        outcome=f"STATE_{row.outcome}" if row.outcome else "STATE_UNSPECIFIED",
        worker=row.worker,
        error=row.error,
        adapter=row.adapter,
        confirmation=row.confirmation,
    )
    message.start_time.FromDatetime(row.start_time)
    if row.end_time is not None:
        message.end_time.FromDatetime(row.end_time)
    if row.fill_plan:
        json_format.ParseDict(row.fill_plan, message.fill_plan, ignore_unknown_fields=True)
    for artifact in row.artifacts:
        message.artifacts.append(
            json_format.ParseDict(artifact, app_pb.Artifact(), ignore_unknown_fields=True)
        )
    return message


class AutomationServicer(pb_grpc.AutomationServiceServicer):
    def __init__(self, service: AutomationService):
        self.service = service

    async def PreviewFill(self, request: pb.PreviewFillRequest, context: Context) -> pb.PreviewFillResponse:
        plan = await self.service.preview_fill(request.profile, request.url, request.job)
        return pb.PreviewFillResponse(fill_plan=plan)

    async def ListAdapters(
        self, request: pb.ListAdaptersRequest, context: Context
    ) -> pb.ListAdaptersResponse:
        adapters = await self.service.adapters()
        return pb.ListAdaptersResponse(
            adapters=[
                pb.Adapter(
                    name=f"adapters/{a.name}",
                    display_name=a.display_name,
                    hosts=list(a.hosts),
                    circuit_open=bool(a.circuit and a.circuit.open),
                    recent_failures=a.circuit.recent_failures if a.circuit else 0,
                )
                for a in adapters
            ]
        )

    async def GetQueueStats(
        self, request: pb.GetQueueStatsRequest, context: Context
    ) -> pb.GetQueueStatsResponse:
        stats = await self.service.queue()
        response = pb.GetQueueStatsResponse(
            queued=stats.queued, in_progress=stats.in_progress, workers=stats.workers, deferred=stats.deferred
        )
        if stats.oldest_queued is not None:
            stamp = timestamp_pb2.Timestamp()
            stamp.FromDatetime(stats.oldest_queued)
            response.oldest_queued_time.CopyFrom(stamp)
        return response

    async def ListRuns(self, request: pb.ListRunsRequest, context: Context) -> pb.ListRunsResponse:
        rows, token = await self.service.list_runs(request.parent, request.page_size, request.page_token)
        return pb.ListRunsResponse(runs=[_run(r) for r in rows], next_page_token=token)

    async def GetRun(self, request: pb.GetRunRequest, context: Context) -> pb.GetRunResponse:
        return pb.GetRunResponse(run=_run(await self.service.get_run(request.name)))

    async def GetArtifact(self, request: pb.GetArtifactRequest, context: Context) -> pb.GetArtifactResponse:
        artifact, content = await self.service.get_artifact(request.name)
        return pb.GetArtifactResponse(
            artifact=json_format.ParseDict(artifact, app_pb.Artifact(), ignore_unknown_fields=True),
            content=content,
        )
