"""One application run, from claim to outcome: plan, ask, review, submit — never twice.

The order is the guarantee: the ledger records SUBMITTING (a compare-and-set on the
lease) before the click, and a run that finds an application already SUBMITTING
only looks for evidence. Anything that fails before SUBMITTING is retried with
backoff; nothing after it is ever retried by clicking again.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import random
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import grpc
from google.protobuf import json_format
from playwright.async_api import BrowserContext, Page, Response
from playwright.async_api import Error as PlaywrightError

from jobmesh.application.v1 import application_service_pb2 as app_pb
from services.automation import plans
from services.automation.adapters.base import Adapter, AdapterError, BlockedError, FillError, SubmitResult
from services.automation.adapters.registry import ADAPTERS, adapter_for
from services.automation.browser import BrowserPool
from services.automation.faults import FaultPause, pause_at
from services.automation.fieldmap import plan_fill
from services.automation.limits import CircuitBreaker, RateLimited, SiteLimits
from services.automation.mesh import Claimed, Mesh, is_transient
from services.automation.models import RunRow
from services.automation.runs import Runs
from services.common.context import principal_var
from services.common.netguard import BlockedURL, NetworkGuard

log = logging.getLogger("jobmesh.automation.pipeline")

S = app_pb.State


class Transient(Exception):
    """A failure worth retrying later (site slow, network, a dependency down)."""

    def __init__(self, message: str, delay: float | None = None):
        super().__init__(message)
        self.delay = delay


class Permanent(Exception):
    """A failure retrying will not fix (no form, a form jobmesh cannot fill)."""


@dataclass
class Deps:
    mesh: Mesh
    pool: BrowserPool
    runs: Runs
    guard: NetworkGuard
    limits: SiteLimits | None
    breaker: CircuitBreaker | None
    max_attempts: int
    trace: str = "retries"  # "always", "retries" (snapshots after the first attempt) or "off": Settings.trace
    retry_base: float = 5.0  # seconds before the first retry; doubles per attempt (see backoff)
    fault: FaultPause | None = None


def trace_snapshots(mode: str, attempt: int) -> bool | None:
    """How a run is traced under `mode` (see Settings.trace): None for no trace, else whether the
    trace takes DOM snapshots (replayable, ~0.3 s of CPU) or keeps actions, network and console only."""
    if mode == "off":
        return None
    return mode == "always" or attempt > 1


def ats_hosts() -> tuple[str, ...]:
    return tuple(h for adapter in ADAPTERS for h in adapter.hosts)


def backoff(attempt: int, base: float = 5.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(base, min(cap, base * 2 ** max(attempt - 1, 0)))


class Run:
    """The state of one run: its claim, its record and the evidence collected so far."""

    def __init__(self, deps: Deps, claim: Claimed, record: RunRow):
        self.deps = deps
        self.claim = claim
        self.record = record
        self.name = claim.application.name
        self.artifacts: list[app_pb.Artifact] = []
        self.adapter = ""
        self.tracing: BrowserContext | None = None  # the context whose trace is not stored yet

    async def evidence(self, kind: str, data: bytes, content_type: str) -> None:
        stored = await self.deps.runs.add_artifact(self.record, kind, data, content_type)
        self.artifacts.append(json_format.ParseDict(stored, app_pb.Artifact()))

    async def screenshot(self, page: Page, kind: str = "screenshot") -> None:
        with contextlib.suppress(PlaywrightError):
            await self.evidence(kind, await page.screenshot(full_page=True, type="png"), "image/png")

    async def store_trace(self) -> None:
        """Stops the trace and keeps it as evidence (once), so the outcome can list it."""
        context, self.tracing = self.tracing, None
        if context is None:
            return
        with contextlib.suppress(PlaywrightError), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "trace.zip"
            await context.tracing.stop(path=str(path))
            await self.evidence("trace", path.read_bytes(), "application/zip")

    async def outcome(self, state: app_pb.State, **kwargs: Any) -> None:
        await self.store_trace()
        plan: app_pb.FillPlan | None = kwargs.get("plan")
        await self.deps.mesh.record(self.name, self.claim.lease, state, artifacts=self.artifacts, **kwargs)
        await self.deps.runs.finish(
            self.record,
            outcome=app_pb.State.Name(state).removeprefix("STATE_"),
            adapter=self.adapter,
            error=kwargs.get("error", ""),
            confirmation=kwargs.get("message", "") if state == S.STATE_SUBMITTED else "",
            fill_plan=json_format.MessageToDict(plan) if plan is not None else None,
        )


async def run_application(deps: Deps, name: str) -> str:
    """Runs one application; returns the state it was left in (or "skipped")."""
    try:
        claim = await deps.mesh.claim(name)
    except grpc.aio.AioRpcError as err:
        if err.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
            return "skipped"  # cancelled, deleted or finished meanwhile: nothing to do
        raise
    principal_var.set(deps.mesh.owner(claim.owner_id))
    app = claim.application
    record = await deps.runs.start(app.name.split("/")[1], claim.owner_id, app.attempts, deps.mesh.worker)
    run = Run(deps, claim, record)
    try:
        if claim.recovering:
            return await _recover(run)
        return await _attempt(run)
    except Transient as exc:
        if app.attempts >= deps.max_attempts:
            await run.outcome(S.STATE_FAILED, error=f"gave up after {app.attempts} attempts: {exc}")
            return "FAILED"
        delay = exc.delay if exc.delay is not None else backoff(app.attempts, deps.retry_base)
        await run.outcome(S.STATE_QUEUED, error=str(exc), retry_delay=delay, message=f"retry in {delay:.0f}s")
        return "QUEUED"
    except Permanent as exc:
        await run.outcome(S.STATE_FAILED, error=str(exc))
        return "FAILED"


@contextlib.asynccontextmanager
async def _page(run: Run, url: str) -> AsyncIterator[Page]:
    async with run.deps.pool.context(site_url=url) as context:
        snapshots = trace_snapshots(run.deps.trace, run.claim.application.attempts)
        if snapshots is not None:
            # The run's own screenshots are the pictures, so the trace does not film every frame
            # as well (that doubled CPU); DOM snapshots are kept for the runs most worth replaying.
            await context.tracing.start(screenshots=False, snapshots=snapshots)
            run.tracing = context
        page = await context.new_page()
        try:
            yield page
        finally:
            await run.store_trace()


async def _recover(run: Run) -> str:
    """The application may have been clicked by a worker that died: look, never click."""
    job = await run.deps.mesh.job(run.claim.application.job)
    evidence: SubmitResult | None = None
    try:
        async with _page(run, job.apply_url) as page:
            adapter = adapter_for(job.apply_url)
            run.adapter = adapter.name
            evidence = await adapter.find_evidence(page, job.apply_url)
            await run.screenshot(page)
    except (PlaywrightError, AdapterError) as exc:
        log.warning("evidence check failed", extra={"application": run.name, "error": str(exc)})
    if evidence is not None and (evidence.confirmed or evidence.already_applied):
        await run.outcome(S.STATE_SUBMITTED, message=evidence.confirmation_text or "submission confirmed")
        return "SUBMITTED"
    await run.outcome(
        S.STATE_OUTCOME_UNKNOWN,
        error="a worker stopped while submitting and no confirmation was found; check the employer's "
        "site or your email before applying again",
    )
    return "OUTCOME_UNKNOWN"


async def _inputs(run: Run, tmp: Path) -> tuple[Any, Any, str]:
    app = run.claim.application
    try:
        # Three independent reads: one round trip's wait instead of three.
        profile, job, resume = await asyncio.gather(
            run.deps.mesh.profile(app.profile),
            run.deps.mesh.job(app.job),
            run.deps.mesh.resume(app.resume) if app.resume else _nothing(),
        )
        resume_path = ""
        if resume is not None:
            path = tmp / (Path(resume.resume.filename).name or "resume.pdf")
            path.write_bytes(resume.content)
            resume_path = str(path)
    except grpc.aio.AioRpcError as err:
        if is_transient(err):
            raise Transient(f"{err.code().name}: {err.details()}") from err
        raise Permanent(f"cannot read the application's inputs: {err.code().name}: {err.details()}") from err
    return profile, job, resume_path


async def _nothing() -> None:
    return None


async def _admit(run: Run, url: str, adapter_name: str) -> None:
    host = urlsplit(url).hostname or ""
    if run.deps.breaker is not None and not await run.deps.breaker.allow(adapter_name):
        raise Transient(f"the {adapter_name} adapter is paused after repeated failures", delay=120)
    if run.deps.limits is not None:
        try:
            await run.deps.limits.admit(host, run.claim.owner_id, max_wait=30)
        except RateLimited as exc:
            raise Transient(f"rate limited on {host}", delay=exc.retry_after) from exc


async def _attempt(run: Run) -> str:
    app = run.claim.application
    with tempfile.TemporaryDirectory(prefix="jobmesh-run-") as tmp:
        profile, job, resume_path = await _inputs(run, Path(tmp))
        url = job.apply_url
        try:
            await run.deps.guard.check_url(url)
        except BlockedURL as exc:
            raise Permanent(f"the apply URL may not be opened: {exc}") from exc
        data = plans.profile_data(profile, resume_path=resume_path, cover_letter=app.cover_letter)
        adapter = adapter_for(url)
        run.adapter = adapter.name
        await _admit(run, url, adapter.name)
        try:
            async with _page(run, url) as page:
                return await _fill_and_submit(run, page, url, data)
        except (PlaywrightError, TimeoutError) as exc:
            await _breaker_failure(run)
            raise Transient(f"browser: {exc}".splitlines()[0][:500]) from exc


async def _breaker_failure(run: Run) -> None:
    if run.deps.breaker is not None and run.adapter:
        await run.deps.breaker.record_failure(run.adapter)


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (seconds or an HTTP date); 60 when absent or unreadable."""
    if not value:
        return 60.0
    try:
        return max(float(value), 1.0)
    except ValueError:
        with contextlib.suppress(TypeError, ValueError):
            when = email.utils.parsedate_to_datetime(value)
            return max((when - datetime.now(UTC)).total_seconds(), 1.0)
    return 60.0


async def _open(run: Run, page: Page, adapter: Adapter, url: str) -> None:
    """Opens the form; a site that answers 429/503 slows every worker down, not just this one."""
    refusals: list[Response] = []

    def on_response(response: Response) -> None:
        if response.request.is_navigation_request() and response.status in (429, 503):
            refusals.append(response)

    page.on("response", on_response)
    try:
        await adapter.open(page, url)
    finally:
        page.remove_listener("response", on_response)
    if refusals:
        delay = _retry_after(await refusals[-1].header_value("retry-after"))
        host = urlsplit(url).hostname or ""
        if run.deps.limits is not None:
            await run.deps.limits.back_off(host, delay)
        raise Transient(f"{host} asked jobmesh to slow down ({refusals[-1].status})", delay=delay)


async def _fill_and_submit(run: Run, page: Page, url: str, data: Any) -> str:
    app = run.claim.application
    adapter = adapter_for(url)
    await _open(run, page, adapter, url)
    if adapter.name == "generic":
        adapter = adapter_for(url, await page.content())
        run.adapter = adapter.name
    blocker = await adapter.detect_blocker(page)
    if blocker:
        await run.screenshot(page)
        await run.outcome(
            S.STATE_NEEDS_INPUT, error=f"{blocker}; jobmesh does not solve these: apply by hand"
        )
        return "NEEDS_INPUT"
    fields = await adapter.extract(page)
    if not fields:
        await _breaker_failure(run)
        raise Permanent("no application form found on the page")
    plan = plan_fill(fields, data)
    message = plans.fill_plan(plan, form_url=url, adapter=adapter.name)
    if plan.unanswered:
        await run.screenshot(page)
        await run.outcome(
            S.STATE_NEEDS_INPUT,
            plan=message,
            questions=[plans.question(q) for q in plan.unanswered],
            message=f"{len(plan.unanswered)} question(s) need your answer",
        )
        return "NEEDS_INPUT"
    if app.mode == app_pb.MODE_DRY_RUN:
        await run.screenshot(page)
        await run.outcome(S.STATE_PLANNED, plan=message, message="dry run: nothing submitted")
        return "PLANNED"
    try:
        await adapter.fill(page, plan)
    except FillError as exc:
        await run.screenshot(page)
        await _breaker_failure(run)
        raise Permanent(f"the form did not take the planned values: {exc}") from exc
    await run.screenshot(page)
    if app.mode == app_pb.MODE_REVIEW and not run.claim.approved_plan_hash:
        await run.outcome(S.STATE_AWAITING_REVIEW, plan=message, message="filled; waiting for your review")
        return "AWAITING_REVIEW"
    return await _submit(run, page, adapter, message)


async def _submit(run: Run, page: Page, adapter: Adapter, message: app_pb.FillPlan) -> str:
    await pause_at(run.deps.fault, "before_submitting", run.name)
    if not await run.deps.mesh.begin_submit(run.name, run.claim.lease, message):
        await run.deps.runs.finish(
            run.record,
            outcome="AWAITING_REVIEW",
            adapter=adapter.name,
            error="the form changed since approval",
        )
        return "AWAITING_REVIEW"
    # Point of no return: from here on the application is never clicked again by jobmesh.
    await pause_at(run.deps.fault, "before_click", run.name)
    try:
        result = await adapter.submit(page)
    except BlockedError as exc:
        await run.screenshot(page)
        await run.outcome(S.STATE_OUTCOME_UNKNOWN, plan=message, error=f"stopped at submit: {exc.reason}")
        return "OUTCOME_UNKNOWN"
    except (PlaywrightError, AdapterError, TimeoutError) as exc:
        await run.screenshot(page)
        await run.outcome(S.STATE_OUTCOME_UNKNOWN, plan=message, error=f"submit did not finish: {exc}"[:500])
        return "OUTCOME_UNKNOWN"
    await pause_at(run.deps.fault, "after_click", run.name)
    await run.screenshot(page, "confirmation")
    if result.confirmed or result.already_applied:
        if run.deps.breaker is not None:
            await run.deps.breaker.record_success(adapter.name)
        text = result.confirmation_text or ("already applied" if result.already_applied else "submitted")
        await run.outcome(S.STATE_SUBMITTED, plan=message, message=text[:1000])
        return "SUBMITTED"
    errors = "; ".join(result.validation_errors) or "no confirmation shown"
    await run.outcome(S.STATE_OUTCOME_UNKNOWN, plan=message, error=f"after submit: {errors}"[:1000])
    return "OUTCOME_UNKNOWN"
