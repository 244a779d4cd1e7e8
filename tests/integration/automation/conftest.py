"""Shared fixtures for adapter tests: one Chromium, the local ATS sites, a tracker server, a resume."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.automation.browser import BrowserPool
from services.automation.fieldmap import FillPlan, FormField, PlannedField
from tests.sites.ats import AtsJob, SubmissionRecorder, serve_ats
from tests.sites.server import serve_app

PageOpener = Callable[[], AbstractAsyncContextManager[Page]]
PlanMaker = Callable[[Sequence[FormField], Mapping[str, object]], FillPlan]


@dataclass
class TrackerServer:
    """A second origin that counts which paths pages asked it for."""

    base_url: str = ""
    paths: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AtsSites:
    base_url: str
    recorder: SubmissionRecorder
    tracker: TrackerServer


@dataclass(frozen=True)
class Resume:
    path: Path
    sha256: str
    size: int


def tracker_app(tracker: TrackerServer) -> Starlette:
    async def anything(request: Request) -> Response:
        tracker.paths.append(request.url.path)
        if request.url.path.endswith(".js"):
            return Response("window.thirdPartyScriptRan = true;", media_type="text/javascript")
        return Response(b"\x89PNG\r\n", media_type="image/png")

    return Starlette(routes=[Route("/{path:path}", anything)])


@pytest.fixture(scope="session")
async def ats_sites() -> AsyncIterator[AtsSites]:
    tracker = TrackerServer()
    recorder = SubmissionRecorder()
    async with serve_app(tracker_app(tracker)) as tracker_url:
        # Same server, other host name: a different site for the browser.
        tracker.base_url = tracker_url.replace("127.0.0.1", "localhost")
        jobs = [
            AtsJob("greenhouse", "gh-captcha", captcha=True),
            AtsJob("greenhouse", "gh-slow", confirm_delay=2.0),
            AtsJob("lever", "lv-login", login_wall=True),
            AtsJob("generic", "gen-reject", reject_with=("Phone number is not valid",)),
            AtsJob("generic", "gen-thirdparty", third_party_origin=tracker.base_url),
        ]
        async with serve_ats(recorder, jobs=jobs) as base_url:
            yield AtsSites(base_url, recorder, tracker)


@pytest.fixture(scope="session")
async def browser_pool() -> AsyncIterator[BrowserPool]:
    async with BrowserPool(max_contexts=2, default_timeout_ms=8_000) as pool:
        yield pool


@pytest.fixture
def open_page(browser_pool: BrowserPool) -> PageOpener:
    """`async with open_page() as page:` — a page in a fresh context of the shared browser."""

    @asynccontextmanager
    async def opener() -> AsyncIterator[Page]:
        async with browser_pool.context() as ctx:
            yield await ctx.new_page()

    return opener


@pytest.fixture(scope="session")
def resume(tmp_path_factory: pytest.TempPathFactory) -> Resume:
    path = tmp_path_factory.mktemp("resume") / "ada-lovelace.pdf"
    data = b"%PDF-1.4\n% Ada Lovelace resume\n" + bytes(range(256)) * 40
    path.write_bytes(data)
    return Resume(path, hashlib.sha256(data).hexdigest(), len(data))


def _plan(fields: Sequence[FormField], values: Mapping[str, object]) -> FillPlan:
    by_label = {f.label: f for f in fields}
    planned = tuple(
        PlannedField(by_label[label], "test", value, str(value), "test", 1.0)  # type: ignore[arg-type]
        for label, value in values.items()
    )
    return FillPlan(planned, (), "test-plan")


@pytest.fixture
def make_plan() -> PlanMaker:
    """Build a FillPlan from {field label: value}; an unknown label fails the test (KeyError)."""
    return _plan
