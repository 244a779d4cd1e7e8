"""JobService over gRPC: thin translation between protobuf and the use cases.

No logic here beyond reading requests and building responses; errors raised below are
mapped to statuses by the edge interceptor.
"""

from __future__ import annotations

from typing import Any

from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from services.job import convert
from services.job.service import JobCatalog
from services.job.sources import SourceService

Context = Any


class JobServicer(pb_grpc.JobServiceServicer):
    def __init__(self, catalog: JobCatalog, sources: SourceService):
        self.catalog = catalog
        self.sources = sources

    async def CreateJob(self, request: pb.CreateJobRequest, context: Context) -> pb.CreateJobResponse:
        job = await self.catalog.create_job(convert.job_input(request.job), request.request_id)
        return pb.CreateJobResponse(job=convert.job_to_pb(job))

    async def BatchCreateJobs(
        self, request: pb.BatchCreateJobsRequest, context: Context
    ) -> pb.BatchCreateJobsResponse:
        inputs = [convert.job_input(r.job) if r.HasField("job") else None for r in request.requests]
        jobs = await self.catalog.batch_create(inputs, request.request_id)
        return pb.BatchCreateJobsResponse(jobs=[convert.job_to_pb(job) for job in jobs])

    async def GetJob(self, request: pb.GetJobRequest, context: Context) -> pb.GetJobResponse:
        return pb.GetJobResponse(job=convert.job_to_pb(await self.catalog.get_job(request.name)))

    async def ListJobs(self, request: pb.ListJobsRequest, context: Context) -> pb.ListJobsResponse:
        page = await self.catalog.list_jobs(
            request.filter, request.order_by, request.page_size, request.page_token
        )
        return pb.ListJobsResponse(
            jobs=[convert.job_to_pb(job) for job in page.items], next_page_token=page.next_page_token
        )

    async def SearchJobs(self, request: pb.SearchJobsRequest, context: Context) -> pb.SearchJobsResponse:
        page = await self.catalog.search_jobs(
            convert.search_filters(request), request.page_size, request.page_token
        )
        return pb.SearchJobsResponse(
            jobs=[convert.job_to_pb(job) for job in page.items], next_page_token=page.next_page_token
        )

    async def DeleteJob(self, request: pb.DeleteJobRequest, context: Context) -> pb.DeleteJobResponse:
        await self.catalog.delete_job(request.name)
        return pb.DeleteJobResponse()

    async def CreateJobSource(
        self, request: pb.CreateJobSourceRequest, context: Context
    ) -> pb.CreateJobSourceResponse:
        view = await self.sources.create(convert.source_input(request.source), request.request_id)
        return pb.CreateJobSourceResponse(source=convert.source_to_pb(view))

    async def GetJobSource(
        self, request: pb.GetJobSourceRequest, context: Context
    ) -> pb.GetJobSourceResponse:
        return pb.GetJobSourceResponse(source=convert.source_to_pb(await self.sources.get(request.name)))

    async def ListJobSources(
        self, request: pb.ListJobSourcesRequest, context: Context
    ) -> pb.ListJobSourcesResponse:
        page = await self.sources.list(request.page_size, request.page_token)
        return pb.ListJobSourcesResponse(
            sources=[convert.source_to_pb(v) for v in page.items], next_page_token=page.next_page_token
        )

    async def DeleteJobSource(
        self, request: pb.DeleteJobSourceRequest, context: Context
    ) -> pb.DeleteJobSourceResponse:
        await self.sources.delete(request.name)
        return pb.DeleteJobSourceResponse()

    async def SyncJobSource(
        self, request: pb.SyncJobSourceRequest, context: Context
    ) -> pb.SyncJobSourceResponse:
        view, report = await self.sources.sync(request.name, context.time_remaining())
        return pb.SyncJobSourceResponse(
            source=convert.source_to_pb(view), result=convert.sync_result_to_pb(report)
        )
