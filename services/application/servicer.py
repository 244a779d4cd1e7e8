"""ApplicationService and LedgerService over gRPC: proto in, service call, proto out. Nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import grpc
from google.protobuf import json_format

from jobmesh.application.v1 import application_service_pb2 as pb
from jobmesh.application.v1 import application_service_pb2_grpc as pb_grpc
from jobmesh.application.v1 import ledger_service_pb2 as ledger_pb
from jobmesh.application.v1 import ledger_service_pb2_grpc as ledger_grpc
from services.application import convert
from services.application.ledger import Ledger, Outcome
from services.application.service import ApplicationService, NewApplication
from services.application.states import State
from services.common.errors import InvalidArgument

Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]


class ApplicationServicer(pb_grpc.ApplicationServiceServicer):
    def __init__(self, service: ApplicationService):
        self.service = service

    async def CreateApplication(
        self, request: pb.CreateApplicationRequest, context: Context
    ) -> pb.CreateApplicationResponse:
        if not request.HasField("application"):
            raise InvalidArgument([("application", "is required")])
        app = request.application
        row = await self.service.create(
            NewApplication(
                profile=app.profile,
                job=app.job,
                mode=convert.mode_name(app.mode),
                resume=app.resume,
                cover_letter=app.cover_letter,
            ),
            request.request_id,
        )
        return pb.CreateApplicationResponse(application=convert.application(row))

    async def GetApplication(
        self, request: pb.GetApplicationRequest, context: Context
    ) -> pb.GetApplicationResponse:
        return pb.GetApplicationResponse(
            application=convert.application(await self.service.get(request.name))
        )

    async def ListApplications(
        self, request: pb.ListApplicationsRequest, context: Context
    ) -> pb.ListApplicationsResponse:
        page = await self.service.list_page(
            size=request.page_size,
            token=request.page_token,
            state=convert.state_name(request.state),
            profile=request.profile,
            job=request.job,
        )
        return pb.ListApplicationsResponse(
            applications=[convert.application(r) for r in page.rows], next_page_token=page.next_token
        )

    async def ApproveApplication(
        self, request: pb.ApproveApplicationRequest, context: Context
    ) -> pb.ApproveApplicationResponse:
        row = await self.service.approve(request.name, request.etag, request.plan_hash)
        return pb.ApproveApplicationResponse(application=convert.application(row))

    async def AnswerApplicationQuestions(
        self, request: pb.AnswerApplicationQuestionsRequest, context: Context
    ) -> pb.AnswerApplicationQuestionsResponse:
        answers = [(a.question_id, a.answer) for a in request.answers]
        row = await self.service.answer(request.name, request.etag, answers)
        return pb.AnswerApplicationQuestionsResponse(application=convert.application(row))

    async def CancelApplication(
        self, request: pb.CancelApplicationRequest, context: Context
    ) -> pb.CancelApplicationResponse:
        row = await self.service.cancel(request.name, request.etag)
        return pb.CancelApplicationResponse(application=convert.application(row))

    async def DeleteApplication(
        self, request: pb.DeleteApplicationRequest, context: Context
    ) -> pb.DeleteApplicationResponse:
        await self.service.delete(request.name, request.etag)
        return pb.DeleteApplicationResponse()

    async def WatchApplication(
        self, request: pb.WatchApplicationRequest, context: Context
    ) -> AsyncIterator[pb.WatchApplicationResponse]:
        async for row, event in self.service.watch(request.name):
            response = pb.WatchApplicationResponse(application=convert.application(row))
            if event is not None:
                response.event.CopyFrom(convert.event(event))
            yield response

    async def ListApplicationEvents(
        self, request: pb.ListApplicationEventsRequest, context: Context
    ) -> pb.ListApplicationEventsResponse:
        page = await self.service.events(request.parent, size=request.page_size, token=request.page_token)
        return pb.ListApplicationEventsResponse(
            events=[convert.event(e) for e in page.rows], next_page_token=page.next_token
        )


class LedgerServicer(ledger_grpc.LedgerServiceServicer):
    """The worker-facing ledger over gRPC."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    async def ClaimApplication(
        self, request: ledger_pb.ClaimApplicationRequest, context: Context
    ) -> ledger_pb.ClaimApplicationResponse:
        claim = await self.ledger.claim(request.name, request.worker)
        return ledger_pb.ClaimApplicationResponse(
            application=convert.application(claim.row),
            lease=claim.row.lease,
            recovering=claim.recovering,
            approved_plan_hash=claim.row.approved_plan_hash,
            owner=f"users/{claim.row.owner_id}",
        )

    async def BeginSubmit(
        self, request: ledger_pb.BeginSubmitRequest, context: Context
    ) -> ledger_pb.BeginSubmitResponse:
        plan = json_format.MessageToDict(request.fill_plan)
        proceed, row = await self.ledger.begin_submit(request.name, request.lease, plan)
        return ledger_pb.BeginSubmitResponse(proceed=proceed, application=convert.application(row))

    async def RecordOutcome(
        self, request: ledger_pb.RecordOutcomeRequest, context: Context
    ) -> ledger_pb.RecordOutcomeResponse:
        state = convert.state_name(request.state)
        if not state:
            raise InvalidArgument([("state", "is required")])
        outcome = Outcome(
            state=State(state),
            fill_plan=json_format.MessageToDict(request.fill_plan) if request.HasField("fill_plan") else None,
            pending_questions=[json_format.MessageToDict(q) for q in request.pending_questions],
            error=request.error,
            artifacts=[json_format.MessageToDict(a) for a in request.artifacts],
            message=request.message,
            retry_delay=request.retry_delay.ToTimedelta().total_seconds(),
        )
        row = await self.ledger.record(request.name, request.lease, outcome)
        return ledger_pb.RecordOutcomeResponse(application=convert.application(row))

    async def ListQueuedApplications(
        self, request: ledger_pb.ListQueuedApplicationsRequest, context: Context
    ) -> ledger_pb.ListQueuedApplicationsResponse:
        rows, token = await self.ledger.queued(request.page_size, request.page_token, request.stale_seconds)
        return ledger_pb.ListQueuedApplicationsResponse(
            applications=[convert.application(r) for r in rows], next_page_token=token
        )
