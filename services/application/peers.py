"""What the Application service asks other services: does this profile/job exist
for the caller, and saving answers into the profile's answer bank.

A protocol for the service layer (unit tests use a fake) and its gRPC
implementation through the mesh, with the caller's own credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import grpc
from google.protobuf import field_mask_pb2

from jobmesh.job.v1 import job_service_pb2, job_service_pb2_grpc
from jobmesh.profile.v1 import profile_service_pb2, profile_service_pb2_grpc
from services.common.clients import Channels
from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, Unavailable


@dataclass(frozen=True)
class ProfileInfo:
    name: str
    default_resume: str


@dataclass(frozen=True)
class JobInfo:
    name: str
    canonical_job: str
    open: bool


class Peers(Protocol):
    async def profile(self, name: str) -> ProfileInfo: ...
    async def job(self, name: str) -> JobInfo: ...
    async def save_answers(self, profile: str, answers: list[tuple[str, str]]) -> None: ...


def _translate(err: grpc.aio.AioRpcError, name: str, field: str) -> Exception:
    code = err.code()
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(name)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument([(field, err.details() or "invalid")])
    if code == grpc.StatusCode.ABORTED:
        return Aborted(err.details() or "conflict")
    return Unavailable(f"{field}: the owning service did not answer ({code.name})")


class GrpcPeers:
    def __init__(self, channels: Channels):
        self.channels = channels

    async def profile(self, name: str) -> ProfileInfo:
        stub = profile_service_pb2_grpc.ProfileServiceStub(self.channels.to("profile"))
        try:
            response = await stub.GetProfile(profile_service_pb2.GetProfileRequest(name=name))
        except grpc.aio.AioRpcError as err:
            raise _translate(err, name, "application.profile") from err
        return ProfileInfo(name=response.profile.name, default_resume=response.profile.default_resume)

    async def job(self, name: str) -> JobInfo:
        stub = job_service_pb2_grpc.JobServiceStub(self.channels.to("job"))
        try:
            response = await stub.GetJob(job_service_pb2.GetJobRequest(name=name))
        except grpc.aio.AioRpcError as err:
            raise _translate(err, name, "application.job") from err
        job = response.job
        return JobInfo(
            name=job.name,
            canonical_job=job.canonical_job,
            open=job.state != job_service_pb2.JOB_STATE_CLOSED,
        )

    async def save_answers(self, profile: str, answers: list[tuple[str, str]]) -> None:
        """Merges answers into the answer bank; retries when the profile changed meanwhile."""
        stub = profile_service_pb2_grpc.ProfileServiceStub(self.channels.to("profile"))
        for _ in range(5):
            try:
                current = (await stub.GetProfile(profile_service_pb2.GetProfileRequest(name=profile))).profile
                merged = {a.question: a.answer for a in current.answers}
                merged.update(dict(answers))
                update = profile_service_pb2.Profile(name=profile, etag=current.etag)
                update.answers.extend(
                    profile_service_pb2.Answer(question=q, answer=a) for q, a in merged.items()
                )
                await stub.UpdateProfile(
                    profile_service_pb2.UpdateProfileRequest(
                        profile=update, update_mask=field_mask_pb2.FieldMask(paths=["answers"])
                    )
                )
                return
            except grpc.aio.AioRpcError as err:
                if err.code() == grpc.StatusCode.ABORTED:
                    continue
                raise _translate(err, profile, "answers") from err
        raise FailedPrecondition("the profile kept changing while saving answers; try again")
