"""Migrations from an empty database, and a restart that loses nothing."""

from __future__ import annotations

import asyncpg
import grpc
import pytest
from alembic.script import ScriptDirectory

from jobmesh.auth.v1 import auth_service_pb2 as auth_pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.migrations import current_revision
from services.common.runtime import start_service
from services.common.settings import Settings
from services.profile.__main__ import SPEC
from tests.integration.profile.conftest import PASSWORD

pytestmark = pytest.mark.integration


async def test_migrates_an_empty_database_and_survives_a_restart(
    settings: Settings, database_url: str
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        assert (
            await conn.fetchval(
                "select count(*) from information_schema.schemata where schema_name='profile'"
            )
            == 0
        )
    finally:
        await conn.close()

    first = await start_service(SPEC, settings, port=0)
    try:
        head = ScriptDirectory(str(SPEC.migrations)).get_current_head()
        assert await current_revision(first.resources.engine, SPEC.migrations, "profile") == head
        async with grpc.aio.insecure_channel(f"127.0.0.1:{first.port}") as ch:
            account = await auth_grpc.AuthServiceStub(ch).Register(
                auth_pb.RegisterRequest(email="restart@example.com", password=PASSWORD)
            )
            md = (("authorization", f"Bearer {account.access_token}"),)
            stub = profile_grpc.ProfileServiceStub(ch)
            profile = (
                await stub.CreateProfile(
                    pb.CreateProfileRequest(
                        profile=pb.Profile(
                            given_name="Ada", answers=[pb.Answer(question="Why?", answer="Because")]
                        )
                    ),
                    metadata=md,
                )
            ).profile
            resume = (
                await stub.CreateResume(
                    pb.CreateResumeRequest(
                        parent=profile.name, resume=pb.Resume(filename="cv.txt", content=b"cv")
                    ),
                    metadata=md,
                )
            ).resume
    finally:
        await first.stop(grace=None)

    second = await start_service(SPEC, settings, port=0)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{second.port}") as ch:
            auth = auth_grpc.AuthServiceStub(ch)
            login = await auth.Login(auth_pb.LoginRequest(email="restart@example.com", password=PASSWORD))
            await auth.Refresh(auth_pb.RefreshRequest(refresh_token=account.refresh_token))
            stub = profile_grpc.ProfileServiceStub(ch)
            # The access token issued before the restart is still accepted.
            got = (await stub.GetProfile(pb.GetProfileRequest(name=profile.name), metadata=md)).profile
            assert got.answers[0].answer == "Because" and got.default_resume == resume.name
            login_md = (("authorization", f"Bearer {login.access_token}"),)
            download = await stub.DownloadResume(
                pb.DownloadResumeRequest(name=resume.name), metadata=login_md
            )
            assert download.content == b"cv"
    finally:
        await second.stop(grace=None)
