"""DeleteProfile: erases rows, files and applications; stops cleanly when it must not proceed."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import grpc
import pytest

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.runtime import start_service
from services.common.settings import Settings
from services.profile.__main__ import SPEC
from tests.integration.profile.conftest import Account, FakeApplications
from tests.integration.profile.helpers import reason, rpc_error

pytestmark = pytest.mark.integration


async def seeded(stub: profile_grpc.ProfileServiceStub, account: Account) -> tuple[pb.Profile, pb.Resume]:
    request = pb.CreateProfileRequest(
        profile=pb.Profile(given_name="Ada", answers=[pb.Answer(question="Why us?", answer="Because")])
    )
    profile = (await stub.CreateProfile(request, metadata=account.md)).profile
    resume = pb.Resume(filename="cv.txt", content=b"Ada's resume")
    created = await stub.CreateResume(
        pb.CreateResumeRequest(parent=profile.name, resume=resume), metadata=account.md
    )
    return profile, created.resume


async def counts(database_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(database_url)
    try:
        return {
            t: await conn.fetchval(f"select count(*) from profile.{t}")
            for t in ("profiles", "answers", "resumes")
        }
    finally:
        await conn.close()


def blob_dir(settings: Settings, profile: pb.Profile) -> Path:
    return Path(settings.home) / "blobs" / "resumes" / profile.name.split("/")[1]


async def test_delete_erases_rows_files_and_applications(
    profiles: profile_grpc.ProfileServiceStub,
    alice: Account,
    settings: Settings,
    database_url: str,
    applications: tuple[FakeApplications, int],
) -> None:
    fake, _ = applications
    profile, _ = await seeded(profiles, alice)
    keep, _ = await seeded(profiles, alice)
    apps = [fake.add(profile.name), fake.add(profile.name)]
    other_app = fake.add(keep.name)
    assert blob_dir(settings, profile).exists()

    await profiles.DeleteProfile(pb.DeleteProfileRequest(name=profile.name), metadata=alice.md)

    assert sorted(fake.deleted) == sorted(apps) and other_app in fake.apps
    assert fake.authorization and all(a == f"Bearer {alice.access_token}" for a in fake.authorization)
    assert await counts(database_url) == {"profiles": 1, "answers": 1, "resumes": 1}
    assert not blob_dir(settings, profile).exists() and blob_dir(settings, keep).exists()
    await rpc_error(
        profiles.GetProfile(pb.GetProfileRequest(name=profile.name), metadata=alice.md),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_an_application_being_submitted_stops_the_delete(
    profiles: profile_grpc.ProfileServiceStub,
    alice: Account,
    settings: Settings,
    database_url: str,
    applications: tuple[FakeApplications, int],
) -> None:
    fake, _ = applications
    profile, resume = await seeded(profiles, alice)
    fake.submitting.add(fake.add(profile.name))
    before = await counts(database_url)

    err = await rpc_error(
        profiles.DeleteProfile(pb.DeleteProfileRequest(name=profile.name), metadata=alice.md),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert reason(err) == "APPLICATION_SUBMITTING"
    assert await counts(database_url) == before
    download = await profiles.DownloadResume(pb.DownloadResumeRequest(name=resume.name), metadata=alice.md)
    assert download.content == b"Ada's resume"


async def test_unreachable_application_service_is_unavailable_not_empty(
    settings: Settings, alice: Account, database_url: str
) -> None:
    # A second Profile service whose Application service address has nothing listening.
    down = await start_service(SPEC, settings.with_(application_port=1), port=0)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{down.port}") as channel:
            stub = profile_grpc.ProfileServiceStub(channel)
            profile, _ = await seeded(stub, alice)
            before = await counts(database_url)
            err = await rpc_error(
                stub.DeleteProfile(pb.DeleteProfileRequest(name=profile.name), metadata=alice.md),
                grpc.StatusCode.UNAVAILABLE,
            )
            assert reason(err) == "APPLICATIONS_UNAVAILABLE"
            assert await counts(database_url) == before
            assert blob_dir(settings, profile).exists()
    finally:
        await down.stop(grace=None)
