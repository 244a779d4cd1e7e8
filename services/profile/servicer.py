"""ProfileService over gRPC: proto ⇄ domain around the profile and resume use cases, nothing else."""

from __future__ import annotations

from typing import Any, TypeAlias

import grpc

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as pb_grpc
from services.common.timestamps import to_timestamp
from services.profile.convert import (
    profile_fields,
    profile_message,
    resume_message,
    resume_upload,
)
from services.profile.resumes import ResumeService
from services.profile.service import ProfileService

Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]


class ProfileServicer(pb_grpc.ProfileServiceServicer):
    def __init__(self, profiles: ProfileService, resumes: ResumeService):
        self.profiles = profiles
        self.resumes = resumes

    async def CreateProfile(
        self, request: pb.CreateProfileRequest, context: Context
    ) -> pb.CreateProfileResponse:
        record = await self.profiles.create_profile(profile_fields(request.profile), request.request_id)
        return pb.CreateProfileResponse(profile=profile_message(record))

    async def GetProfile(self, request: pb.GetProfileRequest, context: Context) -> pb.GetProfileResponse:
        return pb.GetProfileResponse(profile=profile_message(await self.profiles.get_profile(request.name)))

    async def ListProfiles(
        self, request: pb.ListProfilesRequest, context: Context
    ) -> pb.ListProfilesResponse:
        page = await self.profiles.list_profiles(request.page_size, request.page_token)
        return pb.ListProfilesResponse(
            profiles=[profile_message(r) for r in page.items], next_page_token=page.next_page_token
        )

    async def UpdateProfile(
        self, request: pb.UpdateProfileRequest, context: Context
    ) -> pb.UpdateProfileResponse:
        record = await self.profiles.update_profile(
            request.profile.name,
            profile_fields(request.profile),
            request.profile.etag,
            request.update_mask.paths,
        )
        return pb.UpdateProfileResponse(profile=profile_message(record))

    async def DeleteProfile(
        self, request: pb.DeleteProfileRequest, context: Context
    ) -> pb.DeleteProfileResponse:
        await self.profiles.delete_profile(request.name, request.etag)
        return pb.DeleteProfileResponse()

    async def ExportProfile(
        self, request: pb.ExportProfileRequest, context: Context
    ) -> pb.ExportProfileResponse:
        record, files, taken = await self.profiles.export_profile(request.name)
        return pb.ExportProfileResponse(
            profile=profile_message(record),
            resumes=[pb.ExportedResume(resume=resume_message(r), content=data) for r, data in files],
            export_time=to_timestamp(taken),
        )

    async def CreateResume(
        self, request: pb.CreateResumeRequest, context: Context
    ) -> pb.CreateResumeResponse:
        record = await self.resumes.create_resume(
            request.parent, resume_upload(request.resume), request.request_id
        )
        return pb.CreateResumeResponse(resume=resume_message(record))

    async def ListResumes(self, request: pb.ListResumesRequest, context: Context) -> pb.ListResumesResponse:
        page = await self.resumes.list_resumes(request.parent, request.page_size, request.page_token)
        return pb.ListResumesResponse(
            resumes=[resume_message(r) for r in page.items], next_page_token=page.next_page_token
        )

    async def GetResume(self, request: pb.GetResumeRequest, context: Context) -> pb.GetResumeResponse:
        return pb.GetResumeResponse(resume=resume_message(await self.resumes.get_resume(request.name)))

    async def DeleteResume(
        self, request: pb.DeleteResumeRequest, context: Context
    ) -> pb.DeleteResumeResponse:
        await self.resumes.delete_resume(request.name)
        return pb.DeleteResumeResponse()

    async def DownloadResume(
        self, request: pb.DownloadResumeRequest, context: Context
    ) -> pb.DownloadResumeResponse:
        record, content = await self.resumes.download_resume(request.name)
        return pb.DownloadResumeResponse(resume=resume_message(record), content=content)
