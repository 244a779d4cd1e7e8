"""What a worker asks the rest of the mesh, through Envoy like any other caller.

Ledger calls carry the worker's own service token (scope `ledger`); reads of the
profile, resume and job are made on behalf of the application's owner with a
short-lived token for that owner, so the owning services scope them as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.protobuf import duration_pb2

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import ledger_service_pb2 as ledger_pb
from jobmesh.application.v1 import ledger_service_pb2_grpc as ledger_grpc
from jobmesh.job.v1 import job_service_pb2, job_service_pb2_grpc
from jobmesh.profile.v1 import profile_service_pb2, profile_service_pb2_grpc
from services.common.clients import Channels
from services.common.context import Principal
from services.common.tokens import TokenService

LEDGER_SCOPE = "ledger"
OWNER_TOKEN_SECONDS = 600


@dataclass(frozen=True)
class Claimed:
    application: app_pb.Application
    lease: int
    recovering: bool
    approved_plan_hash: str
    owner_id: str


class Mesh:
    def __init__(self, channels: Channels, tokens: TokenService, worker: str):
        self.channels = channels
        self.tokens = tokens
        self.worker = worker
        self._service_token = tokens.issue_service("automation", (LEDGER_SCOPE,))

    def _ledger(self) -> ledger_grpc.LedgerServiceStub:
        return ledger_grpc.LedgerServiceStub(self.channels.to("application"))

    def _auth(self) -> list[tuple[str, str]]:
        # Re-minted when it nears expiry: a worker lives far longer than one token.
        try:
            self.tokens.verify(self._service_token)
        except Exception:
            self._service_token = self.tokens.issue_service("automation", (LEDGER_SCOPE,))
        return [("authorization", f"Bearer {self._service_token}")]

    def owner(self, owner_id: str) -> Principal:
        """A principal acting for the application's owner (short-lived)."""
        token = self.tokens.issue(owner_id, "")
        return Principal(user_id=owner_id, email="", token=token)

    async def claim(self, name: str) -> Claimed:
        response = await self._ledger().ClaimApplication(
            ledger_pb.ClaimApplicationRequest(name=name, worker=self.worker), metadata=self._auth()
        )
        return Claimed(
            application=response.application,
            lease=response.lease,
            recovering=response.recovering,
            approved_plan_hash=response.approved_plan_hash,
            owner_id=response.owner.removeprefix("users/"),
        )

    async def begin_submit(self, name: str, lease: int, plan: app_pb.FillPlan) -> bool:
        response = await self._ledger().BeginSubmit(
            ledger_pb.BeginSubmitRequest(name=name, lease=lease, fill_plan=plan), metadata=self._auth()
        )
        return bool(response.proceed)

    async def record(
        self,
        name: str,
        lease: int,
        state: app_pb.State,
        *,
        plan: app_pb.FillPlan | None = None,
        questions: list[job_service_pb2.Question] | None = None,
        error: str = "",
        artifacts: list[app_pb.Artifact] | None = None,
        message: str = "",
        retry_delay: float = 0.0,
    ) -> app_pb.Application:
        request = ledger_pb.RecordOutcomeRequest(
            name=name,
            lease=lease,
            state=state,
            error=error[:4000],
            message=message[:2000],
            pending_questions=questions or [],
            artifacts=artifacts or [],
        )
        if plan is not None:
            request.fill_plan.CopyFrom(plan)
        if retry_delay > 0:
            request.retry_delay.CopyFrom(duration_pb2.Duration(seconds=int(retry_delay)))
        response = await self._ledger().RecordOutcome(request, metadata=self._auth())
        application: app_pb.Application = response.application
        return application

    async def profile(self, name: str) -> profile_service_pb2.Profile:
        stub = profile_service_pb2_grpc.ProfileServiceStub(self.channels.to("profile"))
        profile: profile_service_pb2.Profile = (
            await stub.GetProfile(profile_service_pb2.GetProfileRequest(name=name))
        ).profile
        return profile

    async def resume(self, name: str) -> profile_service_pb2.DownloadResumeResponse:
        stub = profile_service_pb2_grpc.ProfileServiceStub(self.channels.to("profile"))
        response: profile_service_pb2.DownloadResumeResponse = await stub.DownloadResume(
            profile_service_pb2.DownloadResumeRequest(name=name)
        )
        return response

    async def job(self, name: str) -> job_service_pb2.Job:
        stub = job_service_pb2_grpc.JobServiceStub(self.channels.to("job"))
        job: job_service_pb2.Job = (await stub.GetJob(job_service_pb2.GetJobRequest(name=name))).job
        return job


def is_transient(err: grpc.aio.AioRpcError) -> bool:
    return err.code() in (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
    )
