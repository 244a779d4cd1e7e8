"""AutomationService use cases: fill previews, adapters, queue stats, and run evidence.

Runs are the worker's records in this service's own schema; an application's runs
are shown only to the application's owner (asked of the Application service).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from redis.asyncio import Redis

from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.application.v1 import application_service_pb2_grpc as app_grpc
from services.automation import plans
from services.automation.adapters.registry import ADAPTERS, adapter_for
from services.automation.browser import BrowserPool
from services.automation.fieldmap import plan_fill
from services.automation.limits import CircuitBreaker, CircuitState
from services.automation.mesh import Mesh
from services.automation.models import RunRow
from services.automation.queue_stats import QueueStats, queue_stats
from services.automation.runs import Runs
from services.common.clients import Channels
from services.common.context import current_principal
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, Unavailable
from services.common.netguard import BlockedURL, NetworkGuard
from services.common.pagination import PageTokens, page_size

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_RUN = re.compile(rf"^applications/({_UUID})/runs/({_UUID})$")
_ARTIFACT = re.compile(rf"^applications/({_UUID})/runs/({_UUID})/artifacts/([0-9a-z-]+)$")
_APPLICATION = re.compile(rf"^applications/({_UUID})$")


@dataclass(frozen=True)
class AdapterInfo:
    name: str
    display_name: str
    hosts: tuple[str, ...]
    circuit: CircuitState | None


class AutomationService:
    def __init__(
        self,
        *,
        channels: Channels,
        mesh: Mesh,
        runs: Runs,
        page_tokens: PageTokens,
        guard: NetworkGuard,
        pool: BrowserPool,
        redis: Redis | None,
    ):
        self.channels = channels
        self.mesh = mesh
        self.runs = runs
        self.page_tokens = page_tokens
        self.guard = guard
        self.pool = pool
        self.redis = redis
        self.breaker = CircuitBreaker(redis) if redis is not None else None

    async def preview_fill(self, profile_name: str, url: str, job_name: str) -> app_pb.FillPlan:
        profile, url = await self._preview_inputs(profile_name, url, job_name)
        with tempfile.TemporaryDirectory(prefix="jobmesh-preview-") as tmp:
            resume_path = ""
            if profile.default_resume:
                resume = await self.mesh.resume(profile.default_resume)
                path = Path(tmp) / (Path(resume.resume.filename).name or "resume.pdf")
                path.write_bytes(resume.content)
                resume_path = str(path)
            data = plans.profile_data(profile, resume_path=resume_path)
            async with self.pool.context(site_url=url) as context:
                page = await context.new_page()
                adapter = adapter_for(url)
                await adapter.open(page, url)
                if adapter.name == "generic":
                    adapter = adapter_for(url, await page.content())
                blocker = await adapter.detect_blocker(page)
                if blocker:
                    raise FailedPrecondition(f"the form is behind a wall jobmesh does not cross: {blocker}")
                fields = await adapter.extract(page)
        if not fields:
            raise FailedPrecondition(f"no application form found at {url}", reason="NO_FORM")
        return plans.fill_plan(plan_fill(fields, data), form_url=url, adapter=adapter.name)

    async def _preview_inputs(self, profile_name: str, url: str, job_name: str) -> tuple[Any, str]:
        violations = []
        if not profile_name.startswith("profiles/"):
            violations.append(("profile", "must be profiles/{profile}"))
        if not url and not job_name:
            violations.append(("url", "give a url or a job"))
        if job_name and not job_name.startswith("jobs/"):
            violations.append(("job", "must be jobs/{job}"))
        if violations:
            raise InvalidArgument(violations)
        try:
            profile = await self.mesh.profile(profile_name)
            if job_name:
                url = (await self.mesh.job(job_name)).apply_url
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(
                    job_name if job_name and "jobs/" in (err.details() or "") else profile_name
                ) from err
            raise Unavailable(f"{err.code().name}: {err.details()}") from err
        try:
            await self.guard.check_url(url)
        except BlockedURL as exc:
            raise InvalidArgument([("url", str(exc))]) from exc
        return profile, url

    async def adapters(self) -> list[AdapterInfo]:
        found = []
        for adapter in ADAPTERS:
            state = await self.breaker.state(adapter.name) if self.breaker is not None else None
            found.append(AdapterInfo(adapter.name, adapter.display_name, tuple(adapter.hosts), state))
        return found

    async def queue(self) -> QueueStats:
        if self.redis is None:
            raise FailedPrecondition("no queue is configured (JOBMESH_REDIS_URL)")
        return await queue_stats(self.redis)

    async def _owned_application(self, application_id: str) -> None:
        stub = app_grpc.ApplicationServiceStub(self.channels.to("application"))
        name = f"applications/{application_id}"
        try:
            await stub.GetApplication(app_pb.GetApplicationRequest(name=name))
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(name) from err
            raise Unavailable(f"cannot check {name}: {err.code().name}") from err

    async def list_runs(self, parent: str, size: int, token: str) -> tuple[list[RunRow], str]:
        match = _APPLICATION.match(parent)
        if not match:
            raise InvalidArgument([("parent", "must be applications/{application}")])
        limit = page_size(size)
        await self._owned_application(match.group(1))
        after = self.page_tokens.decode(token, {"parent": parent})
        rows = await self.runs.list_for(
            current_principal().user_id, match.group(1), after=after, limit=limit + 1
        )
        next_token = ""
        if len(rows) > limit:
            rows = rows[:limit]
            next_token = self.page_tokens.encode(rows[-1].start_time.isoformat(), {"parent": parent})
        return rows, next_token

    async def get_run(self, name: str) -> RunRow:
        match = _RUN.match(name)
        if not match:
            raise InvalidArgument([("name", "must be applications/{application}/runs/{run}")])
        row = await self.runs.get(current_principal().user_id, match.group(1), match.group(2))
        if row is None:
            raise NotFound(name)
        return row

    async def get_artifact(self, name: str) -> tuple[dict[str, Any], bytes]:
        match = _ARTIFACT.match(name)
        if not match:
            raise InvalidArgument(
                [("name", "must be applications/{application}/runs/{run}/artifacts/{artifact}")]
            )
        row = await self.runs.get(current_principal().user_id, match.group(1), match.group(2))
        found = await self.runs.artifact_content(row, name) if row is not None else None
        if found is None:
            raise NotFound(name)
        return found
