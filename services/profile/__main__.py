"""Composition root of the Profile service process: ProfileService and AuthService on one server.

Builds repositories, use cases and servicers from `Resources`; holds no state of
its own. `python -m services.profile` runs it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc

from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.blobs import open_blob_store
from services.common.crypto import Envelope
from services.common.runtime import Registrar, Resources, ServiceSpec, main
from services.profile.applications import GrpcApplicationsGateway
from services.profile.auth_repository import AuthRepository
from services.profile.auth_service import AuthService
from services.profile.auth_servicer import AuthServicer
from services.profile.files import ResumeVault
from services.profile.passwords import Passwords
from services.profile.repository import ProfileRepository
from services.profile.resumes import ResumeService
from services.profile.service import ProfileService
from services.profile.servicer import ProfileServicer

AUTH = "jobmesh.auth.v1.AuthService"
PROFILE = "jobmesh.profile.v1.ProfileService"


async def build(resources: Resources) -> Registrar:
    blobs = open_blob_store(resources.settings)
    resources.on_close.append(blobs.close)
    vault = ResumeVault(blobs, Envelope(resources.master_key))
    channels = resources.channels
    profiles = ProfileService(
        resources.sessions,
        ProfileRepository,
        vault,
        GrpcApplicationsGateway(lambda: channels.to("application")),
        resources.page_tokens,
    )
    resumes = ResumeService(resources.sessions, ProfileRepository, vault, resources.page_tokens)
    auth = AuthService(
        resources.sessions,
        AuthRepository,
        await asyncio.to_thread(Passwords),
        resources.tokens,
        resources.settings.refresh_token_ttl_seconds,
        resources.ended_sessions,
    )

    def register(server: grpc.aio.Server) -> None:
        profile_grpc.add_ProfileServiceServicer_to_server(ProfileServicer(profiles, resumes), server)
        auth_grpc.add_AuthServiceServicer_to_server(AuthServicer(auth), server)

    return register


SPEC = ServiceSpec(
    name="profile",
    schema="profile",
    migrations=Path(__file__).parent / "migrations",
    service_names=(PROFILE, AUTH),
    build=build,
    public_methods=frozenset(f"/{AUTH}/{method}" for method in ("Register", "Login", "Refresh", "Logout")),
)


if __name__ == "__main__":
    main(SPEC)
