"""ListProfiles and ListResumes pagination: keyset pages, concurrent inserts, bad sizes and tokens."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from tests.integration.profile.conftest import Account
from tests.integration.profile.helpers import bad_fields, rpc_error

pytestmark = pytest.mark.integration
INVALID = grpc.StatusCode.INVALID_ARGUMENT


async def make_profiles(
    stub: profile_grpc.ProfileServiceStub, account: Account, count: int, tag: str
) -> list[str]:
    names = []
    for i in range(count):
        request = pb.CreateProfileRequest(profile=pb.Profile(given_name=f"{tag}{i}"))
        names.append((await stub.CreateProfile(request, metadata=account.md)).profile.name)
    return names


async def test_pages_under_concurrent_inserts_have_no_duplicates_or_gaps(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    existing = await make_profiles(profiles, alice, 23, "old")
    seen: list[str] = []
    token = ""
    inserter: asyncio.Task[list[str]] | None = None
    while True:
        page = await profiles.ListProfiles(
            pb.ListProfilesRequest(page_size=5, page_token=token), metadata=alice.md
        )
        assert len(page.profiles) <= 5
        seen.extend(p.name for p in page.profiles)
        if inserter is None:
            inserter = asyncio.create_task(make_profiles(profiles, alice, 8, "new"))
        token = page.next_page_token
        if not token:
            break
    added = await inserter
    assert len(seen) == len(set(seen))
    assert seen[: len(existing)] == existing  # oldest first, every existing row in order
    assert set(seen) <= set(existing) | set(added)


async def test_last_page_has_no_token(profiles: profile_grpc.ProfileServiceStub, alice: Account) -> None:
    names = await make_profiles(profiles, alice, 4, "p")
    page = await profiles.ListProfiles(pb.ListProfilesRequest(page_size=4), metadata=alice.md)
    assert [p.name for p in page.profiles] == names and page.next_page_token == ""


async def test_bad_page_size_and_tokens_are_invalid(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, bob: Account
) -> None:
    await make_profiles(profiles, alice, 3, "a")
    await make_profiles(profiles, bob, 3, "b")
    err = await rpc_error(
        profiles.ListProfiles(pb.ListProfilesRequest(page_size=-1), metadata=alice.md), INVALID
    )
    assert bad_fields(err) == {"page_size"}

    token = (
        await profiles.ListProfiles(pb.ListProfilesRequest(page_size=1), metadata=alice.md)
    ).next_page_token
    assert token
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "garbage", token[:10]):
        err = await rpc_error(
            profiles.ListProfiles(pb.ListProfilesRequest(page_token=bad), metadata=alice.md), INVALID
        )
        assert bad_fields(err) == {"page_token"}
    # Bob's query is another query: Alice's token does not page through Bob's list.
    err = await rpc_error(
        profiles.ListProfiles(pb.ListProfilesRequest(page_token=token), metadata=bob.md), INVALID
    )
    assert bad_fields(err) == {"page_token"}


async def test_resume_pages_and_tokens_bound_to_their_parent(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    first, second = await make_profiles(profiles, alice, 2, "r")
    uploaded = []
    for i in range(5):
        request = pb.CreateResumeRequest(
            parent=first, resume=pb.Resume(filename=f"cv{i}.txt", content=b"cv %d" % i)
        )
        uploaded.append((await profiles.CreateResume(request, metadata=alice.md)).resume.name)
    seen, token = [], ""
    while True:
        page = await profiles.ListResumes(
            pb.ListResumesRequest(parent=first, page_size=2, page_token=token), metadata=alice.md
        )
        seen.extend(r.name for r in page.resumes)
        assert all(not r.content for r in page.resumes)
        token = page.next_page_token
        if not token:
            break
        other = pb.ListResumesRequest(parent=second, page_token=token)
        await rpc_error(profiles.ListResumes(other, metadata=alice.md), INVALID)
        await rpc_error(
            profiles.ListProfiles(pb.ListProfilesRequest(page_token=token), metadata=alice.md), INVALID
        )
    assert seen == uploaded
