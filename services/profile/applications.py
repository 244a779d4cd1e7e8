"""The Profile service's view of the Application service: list and delete a profile's applications.

`ApplicationsGateway` is the port DeleteProfile depends on; `GrpcApplicationsGateway`
calls the real service. A dependency that cannot be reached is an error
(UNAVAILABLE), never "no applications", so a profile is never erased while its
applications survive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import grpc

from jobmesh.application.v1 import application_service_pb2 as pb
from jobmesh.application.v1 import application_service_pb2_grpc as pb_grpc
from services.common.errors import FailedPrecondition, Unavailable

MAX_PAGES = 1000


class ApplicationsGateway(Protocol):
    async def list_names(self, profile: str) -> list[str]:
        """Every application of `profile` (a profile resource name)."""
        ...

    async def delete(self, name: str) -> None:
        """Deletes one application; FailedPrecondition when it may be submitting right now."""
        ...


def _unavailable(err: grpc.aio.AioRpcError) -> Unavailable:
    return Unavailable(
        f"the application service could not be reached ({err.code().name}); nothing was deleted",
        reason="APPLICATIONS_UNAVAILABLE",
    )


class GrpcApplicationsGateway:
    """ApplicationsGateway over `jobmesh.application.v1.ApplicationService`."""

    def __init__(self, channel: Callable[[], grpc.aio.Channel]):
        self._channel = channel

    def _stub(self) -> pb_grpc.ApplicationServiceStub:
        return pb_grpc.ApplicationServiceStub(self._channel())

    async def list_names(self, profile: str) -> list[str]:
        stub = self._stub()
        names: list[str] = []
        token = ""
        for _ in range(MAX_PAGES):
            try:
                page = await stub.ListApplications(
                    pb.ListApplicationsRequest(profile=profile, page_size=500, page_token=token)
                )
            except grpc.aio.AioRpcError as err:
                raise _unavailable(err) from err
            names.extend(a.name for a in page.applications)
            token = page.next_page_token
            if not token:
                return list(dict.fromkeys(names))
        raise Unavailable("the application service kept returning pages", reason="APPLICATIONS_UNAVAILABLE")

    async def delete(self, name: str) -> None:
        try:
            await self._stub().DeleteApplication(pb.DeleteApplicationRequest(name=name))
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                return  # already gone: exactly what we wanted
            if err.code() == grpc.StatusCode.FAILED_PRECONDITION:
                raise FailedPrecondition(
                    f"{name} may be submitting right now; delete the profile once it has finished",
                    reason="APPLICATION_SUBMITTING",
                    metadata={"application": name},
                ) from err
            raise _unavailable(err) from err
