"""ProfileService profiles against real PostgreSQL: create, read, update masks, etags, idempotency."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf import field_mask_pb2

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.questions import fingerprint
from tests.integration.profile.conftest import Account
from tests.integration.profile.helpers import bad_fields, reason, rpc_error

pytestmark = pytest.mark.integration
INVALID = grpc.StatusCode.INVALID_ARGUMENT


def sample(**overrides: object) -> pb.Profile:
    fields: dict[str, object] = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+44 (20) 7946-0000",
        "location": pb.Location(city="London", country="gb"),
        "linkedin_url": "https://www.linkedin.com/in/ada",
        "work_authorized_countries": ["gb", "DE", "gb"],
        "answers": [pb.Answer(question="Are you authorised to work in the UK?", answer="Yes")],
    }
    return pb.Profile(**{**fields, **overrides})  # type: ignore[arg-type]


async def create(stub: profile_grpc.ProfileServiceStub, account: Account, **kw: object) -> pb.Profile:
    response = await stub.CreateProfile(pb.CreateProfileRequest(profile=sample(**kw)), metadata=account.md)
    return response.profile


async def test_create_normalises_and_get_returns_it(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    assert created.name.startswith("profiles/") and created.etag
    assert created.display_name == "Ada Lovelace"
    assert created.location.country == "GB"
    assert list(created.work_authorized_countries) == ["GB", "DE"]
    assert created.answers[0].fingerprint == fingerprint("Are you authorized to work in the UK")
    assert created.create_time.seconds > 0 and created.update_time == created.create_time
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=created.name), metadata=alice.md)).profile
    assert got == created


async def test_validation_names_every_bad_field_and_stores_nothing(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    bad = pb.Profile(
        given_name="x" * 201,
        email="not an email",
        phone="call me",
        linkedin_url="ftp://example.com/ada",
        github_url="https://",
        website_url="https://example.com/" + "a" * 2048,
        location=pb.Location(country="XX"),
        work_authorized_countries=["DE", "ZZ"],
        summary="s" * 10_001,
        answers=[pb.Answer(question="", answer="yes"), pb.Answer(question="Why?", answer="a" * 10_001)],
        default_resume="profiles/x/resumes/y",
    )
    err = await rpc_error(
        profiles.CreateProfile(pb.CreateProfileRequest(profile=bad), metadata=alice.md), INVALID
    )
    assert bad_fields(err) == {
        "profile.given_name",
        "profile.email",
        "profile.phone",
        "profile.linkedin_url",
        "profile.github_url",
        "profile.website_url",
        "profile.location.country",
        "profile.work_authorized_countries[1]",
        "profile.summary",
        "profile.answers[0].question",
        "profile.answers[1].answer",
        "profile.default_resume",
    }
    listed = await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md)
    assert list(listed.profiles) == []


async def test_too_many_answers_is_invalid(profiles: profile_grpc.ProfileServiceStub, alice: Account) -> None:
    answers = [pb.Answer(question=f"Question number {i}", answer="yes") for i in range(501)]
    err = await rpc_error(
        profiles.CreateProfile(
            pb.CreateProfileRequest(profile=pb.Profile(answers=answers)), metadata=alice.md
        ),
        INVALID,
    )
    assert bad_fields(err) == {"profile.answers"}


async def test_duplicate_questions_in_one_request_keep_the_last(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    answers = [
        pb.Answer(question="Do you require sponsorship?", answer="No"),
        pb.Answer(question="Salary expectations", answer="100k"),
        pb.Answer(question="do you REQUIRE sponsorship *", answer="Yes"),
    ]
    created = await create(profiles, alice, answers=answers)
    assert [(a.question, a.answer) for a in created.answers] == [
        ("Salary expectations", "100k"),
        ("do you REQUIRE sponsorship *", "Yes"),
    ]


async def test_idempotent_create_under_50_concurrent_duplicates(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    request = pb.CreateProfileRequest(profile=sample(), request_id="3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11")
    results = await asyncio.gather(*(profiles.CreateProfile(request, metadata=alice.md) for _ in range(50)))
    assert len({r.profile.name for r in results}) == 1
    listed = await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md)
    assert [p.name for p in listed.profiles] == [results[0].profile.name]
    # A retry with another payload gets the first result too (documented choice).
    other = pb.CreateProfileRequest(profile=sample(given_name="Grace"), request_id=request.request_id)
    again = await profiles.CreateProfile(other, metadata=alice.md)
    assert again.profile.name == results[0].profile.name and again.profile.given_name == "Ada"


async def test_update_mask_changes_only_named_fields(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice, headline="Analyst")
    change = pb.Profile(
        name=created.name, headline="Engineer", given_name="Augusta", location=pb.Location(city="Paris")
    )
    mask = field_mask_pb2.FieldMask(paths=["headline", "location.city"])
    updated = (
        await profiles.UpdateProfile(
            pb.UpdateProfileRequest(profile=change, update_mask=mask), metadata=alice.md
        )
    ).profile
    assert updated.headline == "Engineer" and updated.location.city == "Paris"
    assert updated.given_name == "Ada" and updated.location.country == "GB"
    assert list(updated.answers) == list(created.answers)
    assert (
        updated.etag != created.etag and updated.update_time.ToDatetime() >= created.update_time.ToDatetime()
    )


async def test_star_mask_replaces_every_writable_field(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    change = pb.Profile(name=created.name, given_name="Grace", family_name="Hopper")
    for mask in (field_mask_pb2.FieldMask(paths=["*"]), None):
        request = pb.UpdateProfileRequest(profile=change, update_mask=mask)
        updated = (await profiles.UpdateProfile(request, metadata=alice.md)).profile
        assert updated.display_name == "Grace Hopper" and updated.email == ""
        assert list(updated.answers) == [] and list(updated.work_authorized_countries) == []
        assert updated.create_time == created.create_time


async def test_answers_mask_replaces_the_answer_bank(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    change = pb.Profile(name=created.name, answers=[pb.Answer(question="Earliest start?", answer="March")])
    mask = field_mask_pb2.FieldMask(paths=["answers"])
    updated = (
        await profiles.UpdateProfile(
            pb.UpdateProfileRequest(profile=change, update_mask=mask), metadata=alice.md
        )
    ).profile
    assert [(a.question, a.answer) for a in updated.answers] == [("Earliest start?", "March")]
    assert updated.given_name == "Ada"


async def test_unknown_or_output_only_mask_paths_are_invalid(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    for path in ("nickname", "create_time", "name", "location.planet"):
        request = pb.UpdateProfileRequest(
            profile=pb.Profile(name=created.name, headline="x"),
            update_mask=field_mask_pb2.FieldMask(paths=[path]),
        )
        err = await rpc_error(profiles.UpdateProfile(request, metadata=alice.md), INVALID)
        assert bad_fields(err) == {"update_mask"}, path
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=created.name), metadata=alice.md)).profile
    assert got == created


async def test_stale_etag_is_aborted_and_changes_nothing(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    mask = field_mask_pb2.FieldMask(paths=["headline"])
    first = pb.Profile(name=created.name, headline="First", etag=created.etag)
    after_first = (
        await profiles.UpdateProfile(
            pb.UpdateProfileRequest(profile=first, update_mask=mask), metadata=alice.md
        )
    ).profile
    stale = pb.Profile(name=created.name, headline="Second", etag=created.etag)
    err = await rpc_error(
        profiles.UpdateProfile(pb.UpdateProfileRequest(profile=stale, update_mask=mask), metadata=alice.md),
        grpc.StatusCode.ABORTED,
    )
    assert reason(err) == "ETAG_MISMATCH"
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=created.name), metadata=alice.md)).profile
    assert got == after_first and got.headline == "First"
    await rpc_error(
        profiles.DeleteProfile(
            pb.DeleteProfileRequest(name=created.name, etag=created.etag), metadata=alice.md
        ),
        grpc.StatusCode.ABORTED,
    )
    await profiles.DeleteProfile(pb.DeleteProfileRequest(name=created.name, etag=got.etag), metadata=alice.md)


async def test_update_rejects_invalid_values_without_change(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    created = await create(profiles, alice)
    change = pb.Profile(
        name=created.name,
        email="nope",
        default_resume=f"{created.name}/resumes/{'0' * 8}-0000-4000-8000-{'0' * 12}",
    )
    mask = field_mask_pb2.FieldMask(paths=["email", "default_resume"])
    err = await rpc_error(
        profiles.UpdateProfile(pb.UpdateProfileRequest(profile=change, update_mask=mask), metadata=alice.md),
        INVALID,
    )
    assert bad_fields(err) == {"profile.email", "profile.default_resume"}
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=created.name), metadata=alice.md)).profile
    assert got == created


async def test_malformed_names_are_invalid_argument(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    for name in (
        "",
        "profiles/",
        "profiles/not-a-uuid",
        "jobs/3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11",
        "profiles/3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11/x",
    ):
        err = await rpc_error(
            profiles.GetProfile(pb.GetProfileRequest(name=name), metadata=alice.md), INVALID
        )
        assert bad_fields(err) == {"name"}
    missing = "profiles/3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11"
    await rpc_error(
        profiles.GetProfile(pb.GetProfileRequest(name=missing), metadata=alice.md), grpc.StatusCode.NOT_FOUND
    )
    err = await rpc_error(
        profiles.UpdateProfile(pb.UpdateProfileRequest(profile=pb.Profile(name="bad")), metadata=alice.md),
        INVALID,
    )
    assert bad_fields(err) == {"profile.name"}
