"""Tenancy: another account gets NOT_FOUND for every profile and resume it does not own."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from tests.integration.profile.conftest import Account
from tests.integration.profile.helpers import rpc_error

pytestmark = pytest.mark.integration
NOT_FOUND = grpc.StatusCode.NOT_FOUND


async def test_other_account_sees_nothing(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, bob: Account
) -> None:
    mine = (
        await profiles.CreateProfile(
            pb.CreateProfileRequest(profile=pb.Profile(given_name="Alice", headline="Mine")),
            metadata=alice.md,
        )
    ).profile
    resume = (
        await profiles.CreateResume(
            pb.CreateResumeRequest(
                parent=mine.name, resume=pb.Resume(filename="cv.txt", content=b"Alice CV")
            ),
            metadata=alice.md,
        )
    ).resume
    await profiles.CreateProfile(
        pb.CreateProfileRequest(profile=pb.Profile(given_name="Bob")), metadata=bob.md
    )

    calls = [
        profiles.GetProfile(pb.GetProfileRequest(name=mine.name), metadata=bob.md),
        profiles.UpdateProfile(
            pb.UpdateProfileRequest(
                profile=pb.Profile(name=mine.name, headline="Bob's now"),
                update_mask=field_mask_pb2.FieldMask(paths=["headline"]),
            ),
            metadata=bob.md,
        ),
        profiles.DeleteProfile(pb.DeleteProfileRequest(name=mine.name), metadata=bob.md),
        profiles.ExportProfile(pb.ExportProfileRequest(name=mine.name), metadata=bob.md),
        profiles.CreateResume(
            pb.CreateResumeRequest(parent=mine.name, resume=pb.Resume(filename="x.txt", content=b"x")),
            metadata=bob.md,
        ),
        profiles.ListResumes(pb.ListResumesRequest(parent=mine.name), metadata=bob.md),
        profiles.GetResume(pb.GetResumeRequest(name=resume.name), metadata=bob.md),
        profiles.DeleteResume(pb.DeleteResumeRequest(name=resume.name), metadata=bob.md),
        profiles.DownloadResume(pb.DownloadResumeRequest(name=resume.name), metadata=bob.md),
    ]
    for call in calls:
        await rpc_error(call, NOT_FOUND)

    bobs = await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=bob.md)
    assert [p.given_name for p in bobs.profiles] == ["Bob"]
    still = (await profiles.GetProfile(pb.GetProfileRequest(name=mine.name), metadata=alice.md)).profile
    assert still.headline == "Mine" and still.given_name == "Alice"
    assert still.default_resume == resume.name
    download = await profiles.DownloadResume(pb.DownloadResumeRequest(name=resume.name), metadata=alice.md)
    assert download.content == b"Alice CV"
