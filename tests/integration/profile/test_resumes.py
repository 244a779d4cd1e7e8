"""Resumes: encrypted at rest, downloaded intact, size and name limits, defaults and export."""

from __future__ import annotations

import hashlib
from pathlib import Path

import grpc
import pytest
from google.protobuf import field_mask_pb2

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.settings import Settings
from tests.integration.profile.conftest import Account
from tests.integration.profile.helpers import bad_fields, rpc_error

pytestmark = pytest.mark.integration
INVALID = grpc.StatusCode.INVALID_ARGUMENT
PDF = b"%PDF-1.7\n" + b"Ada Lovelace, analyst. " * 200 + b"\n%%EOF\n"


async def new_profile(stub: profile_grpc.ProfileServiceStub, account: Account) -> pb.Profile:
    request = pb.CreateProfileRequest(profile=pb.Profile(given_name="Ada"))
    return (await stub.CreateProfile(request, metadata=account.md)).profile


async def upload(
    stub: profile_grpc.ProfileServiceStub, account: Account, parent: str, content: bytes, **kw: str
) -> pb.Resume:
    resume = pb.Resume(filename=kw.pop("filename", "cv.pdf"), content=content, **kw)
    return (
        await stub.CreateResume(pb.CreateResumeRequest(parent=parent, resume=resume), metadata=account.md)
    ).resume


def blob_file(settings: Settings, resume_name: str) -> Path:
    _, profile_id, _, resume_id = resume_name.split("/")
    return Path(settings.home) / "blobs" / "resumes" / profile_id / resume_id


async def test_stored_bytes_are_sealed_and_download_returns_the_original(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, settings: Settings
) -> None:
    profile = await new_profile(profiles, alice)
    resume = await upload(profiles, alice, profile.name, PDF)
    assert resume.content_type == "application/pdf" and resume.size_bytes == len(PDF)
    assert resume.sha256 == hashlib.sha256(PDF).hexdigest() and resume.content == b""

    on_disk = blob_file(settings, resume.name).read_bytes()
    assert on_disk != PDF and b"Ada Lovelace" not in on_disk and len(on_disk) > len(PDF)

    download = await profiles.DownloadResume(pb.DownloadResumeRequest(name=resume.name), metadata=alice.md)
    assert download.content == PDF and download.resume == resume
    got = (await profiles.GetResume(pb.GetResumeRequest(name=resume.name), metadata=alice.md)).resume
    assert got == resume and got.content == b""


async def test_size_and_name_rules(profiles: profile_grpc.ProfileServiceStub, alice: Account) -> None:
    profile = await new_profile(profiles, alice)
    limit = 10 * 1024 * 1024
    err = await rpc_error(upload(profiles, alice, profile.name, b"a" * (limit + 1)), INVALID)
    assert bad_fields(err) == {"resume.content"}
    err = await rpc_error(upload(profiles, alice, profile.name, b""), INVALID)
    assert bad_fields(err) == {"resume.content"}
    for filename in ("", "../cv.pdf", "dir\\cv.pdf", "x" * 256):
        err = await rpc_error(upload(profiles, alice, profile.name, PDF, filename=filename), INVALID)
        assert bad_fields(err) == {"resume.filename"}
    err = await rpc_error(upload(profiles, alice, profile.name, PDF, content_type="not a type"), INVALID)
    assert bad_fields(err) == {"resume.content_type"}
    listed = await profiles.ListResumes(pb.ListResumesRequest(parent=profile.name), metadata=alice.md)
    assert list(listed.resumes) == []
    biggest = await upload(profiles, alice, profile.name, b"b" * limit, filename="big.txt")
    assert biggest.size_bytes == limit and biggest.content_type == "text/plain"


async def test_content_type_is_sniffed_or_kept(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    profile = await new_profile(profiles, alice)
    docx = b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml" + b"\x00" * 64
    assert (await upload(profiles, alice, profile.name, docx, filename="cv.docx")).content_type.endswith(
        "wordprocessingml.document"
    )
    assert (
        await upload(profiles, alice, profile.name, "Résumé\n".encode(), filename="cv.txt")
    ).content_type == ("text/plain")
    kept = await upload(profiles, alice, profile.name, PDF, content_type="application/x-custom")
    assert kept.content_type == "application/x-custom"


async def test_first_resume_becomes_default_and_deleting_it_clears_it(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, settings: Settings
) -> None:
    profile = await new_profile(profiles, alice)
    first = await upload(profiles, alice, profile.name, PDF)
    second = await upload(profiles, alice, profile.name, b"plain text cv", filename="cv.txt")
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=profile.name), metadata=alice.md)).profile
    assert got.default_resume == first.name and got.etag != profile.etag

    mask = field_mask_pb2.FieldMask(paths=["default_resume"])
    switch = pb.Profile(name=profile.name, default_resume=second.name)
    updated = (
        await profiles.UpdateProfile(
            pb.UpdateProfileRequest(profile=switch, update_mask=mask), metadata=alice.md
        )
    ).profile
    assert updated.default_resume == second.name

    await profiles.DeleteResume(pb.DeleteResumeRequest(name=second.name), metadata=alice.md)
    assert not blob_file(settings, second.name).exists()
    got = (await profiles.GetProfile(pb.GetProfileRequest(name=profile.name), metadata=alice.md)).profile
    assert got.default_resume == ""
    await rpc_error(
        profiles.GetResume(pb.GetResumeRequest(name=second.name), metadata=alice.md),
        grpc.StatusCode.NOT_FOUND,
    )
    assert blob_file(settings, first.name).exists()


async def test_default_resume_must_belong_to_the_profile(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    mine, other = await new_profile(profiles, alice), await new_profile(profiles, alice)
    foreign = await upload(profiles, alice, other.name, PDF)
    mask = field_mask_pb2.FieldMask(paths=["default_resume"])
    request = pb.UpdateProfileRequest(
        profile=pb.Profile(name=mine.name, default_resume=foreign.name), update_mask=mask
    )
    err = await rpc_error(profiles.UpdateProfile(request, metadata=alice.md), INVALID)
    assert bad_fields(err) == {"profile.default_resume"}


async def test_create_resume_is_idempotent_on_request_id(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, settings: Settings
) -> None:
    profile = await new_profile(profiles, alice)
    request = pb.CreateResumeRequest(
        parent=profile.name, resume=pb.Resume(filename="cv.pdf", content=PDF), request_id="resume-upload-1"
    )
    first = (await profiles.CreateResume(request, metadata=alice.md)).resume
    again = (await profiles.CreateResume(request, metadata=alice.md)).resume
    assert again == first
    files = list((Path(settings.home) / "blobs" / "resumes" / profile.name.split("/")[1]).iterdir())
    assert [f.name for f in files] == [first.name.split("/")[-1]]


async def test_export_returns_profile_answers_and_resume_contents(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    request = pb.CreateProfileRequest(
        profile=pb.Profile(given_name="Ada", answers=[pb.Answer(question="Notice period?", answer="4 weeks")])
    )
    profile = (await profiles.CreateProfile(request, metadata=alice.md)).profile
    first = await upload(profiles, alice, profile.name, PDF)
    second = await upload(profiles, alice, profile.name, b"text cv", filename="cv.txt")
    export = await profiles.ExportProfile(pb.ExportProfileRequest(name=profile.name), metadata=alice.md)
    assert export.profile.answers[0].answer == "4 weeks" and export.profile.default_resume == first.name
    assert [(r.resume, r.content) for r in export.resumes] == [(first, PDF), (second, b"text cv")]
    assert export.export_time.seconds > 0


async def test_nul_characters_in_strings_are_refused_at_the_edge_and_nothing_is_stored(
    profiles: profile_grpc.ProfileServiceStub, alice: Account
) -> None:
    """PostgreSQL text cannot hold U+0000: such a request is INVALID_ARGUMENT, never INTERNAL."""
    profile = await new_profile(profiles, alice)
    resume = pb.Resume(filename="cv\x00.pdf", content=PDF)
    request = pb.CreateResumeRequest(parent=profile.name, resume=resume, request_id="rid\x00")
    err = await rpc_error(profiles.CreateResume(request, metadata=alice.md), INVALID)
    assert bad_fields(err) == {"resume.filename", "request_id"}
    err = await rpc_error(
        profiles.CreateProfile(
            pb.CreateProfileRequest(profile=pb.Profile(given_name="A\x00da")), metadata=alice.md
        ),
        INVALID,
    )
    assert bad_fields(err) == {"profile.given_name"}
    listed = await profiles.ListResumes(pb.ListResumesRequest(parent=profile.name), metadata=alice.md)
    assert list(listed.resumes) == []
    assert len((await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md)).profiles) == 1
