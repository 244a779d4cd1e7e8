"""Fixtures for the tracker page: one headless Chromium and a REST backend the page talks to.

The backend is a fixture behind the `TrackerBackend` protocol so the test can be re-pointed at the real
stack. For now it is `FakeTracker`: an in-memory Starlette app on loopback that serves gateway/static/
at `/` and the handful of REST endpoints the page uses, with the same JSON shapes as the gateway
(proto3 JSON, `google.rpc.Status` errors, SSE `data:` frames). It must not grow business rules beyond
what the page needs to see.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Page, async_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tests.sites.server import serve_app

STATIC = Path(__file__).resolve().parents[2] / "gateway" / "static"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
TERMINAL = {"STATE_SUBMITTED", "STATE_OUTCOME_UNKNOWN", "STATE_FAILED", "STATE_CANCELLED", "STATE_PLANNED"}
Json = dict[str, Any]


class TrackerBackend(Protocol):
    """What the tracker test needs from a backend: where it is, who may sign in, and hooks to drive
    applications and read back what the page sent."""

    base_url: str
    email: str
    password: str
    refreshes: int  # successful POST /v1/auth:refresh calls
    logouts: list[str]  # refresh tokens sent to POST /v1/auth:logout

    def job_of(self, app_id: str) -> Json: ...
    def answers_received(self, app_id: str) -> list[list[Json]]: ...
    def approvals_received(self, app_id: str) -> list[Json]: ...
    def expire_access_tokens(self) -> None: ...
    def watchers(self, app_id: str) -> int: ...
    def drop_streams(self, app_id: str) -> None: ...
    def advance(self, app_id: str, state: str) -> None: ...


def tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid solid-colour PNG, so an <img> can prove it decoded the bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _status(http: int, code: int, message: str, details: list[Json] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "details": details or []}, status_code=http)


@dataclass
class FakeTracker:
    """In-memory stand-in for the gateway's REST facade, seeded with one application per column."""

    email: str = "ada@example.com"
    password: str = "correct horse battery"
    page_size: int = 3
    base_url: str = ""
    apps: dict[str, Json] = field(default_factory=dict)
    jobs: dict[str, Json] = field(default_factory=dict)
    events: dict[str, list[Json]] = field(default_factory=dict)
    runs: dict[str, list[Json]] = field(default_factory=dict)
    artifacts: dict[str, tuple[Json, bytes]] = field(default_factory=dict)
    answers: dict[str, list[list[Json]]] = field(default_factory=dict)
    approvals: dict[str, list[Json]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    page_tokens: list[str] = field(default_factory=list)
    logouts: list[str] = field(default_factory=list)
    refreshes: int = 0
    access: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    queues: dict[str, set[asyncio.Queue[Json | None]]] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    # --- seeding and driving -----------------------------------------------------------------

    def add_job(self, job_id: str, title: str, company: str) -> str:
        name = f"jobs/{job_id}"
        self.jobs[name] = {"name": name, "title": title, "company": company, "location": "Remote"}
        return name

    def add_application(
        self, app_id: str, state: str, job: str, mode: str = "MODE_SUBMIT", **extra: Any
    ) -> None:
        name = f"applications/{app_id}"
        self.apps[app_id] = {
            "name": name, "profile": "profiles/p1", "job": job, "mode": mode, "state": state,
            "pendingQuestions": [], "fillPlan": None, "attempts": 1, "lastError": "", "artifacts": [],
            "createTime": _now(), "updateTime": _now(), "etag": f"etag-{app_id}-0", **extra,
        }  # fmt: skip
        self.events[app_id] = [self._event(app_id, "created", "STATE_UNSPECIFIED", "STATE_QUEUED", "queued")]

    def add_screenshot(self, app_id: str, png: bytes) -> str:
        run = f"applications/{app_id}/runs/r1"
        artifact = {
            "kind": "screenshot", "uri": "blob://shots/1.png", "contentType": "image/png", "createTime": _now(),
            "run": run, "name": f"{run}/artifacts/s1", "sizeBytes": str(len(png)),
        }  # fmt: skip
        self.artifacts[artifact["name"]] = (artifact, png)
        self.runs[app_id] = [
            {"name": run, "attempt": 1, "outcome": self.apps[app_id]["state"], "worker": "w1:42", "startTime": _now(),
             "endTime": _now(), "error": "", "fillPlan": None, "artifacts": [artifact], "adapter": "greenhouse",
             "confirmation": ""},
        ]  # fmt: skip
        return str(artifact["name"])

    def job_of(self, app_id: str) -> Json:
        return self.jobs[self.apps[app_id]["job"]]

    def answers_received(self, app_id: str) -> list[list[Json]]:
        return self.answers.get(app_id, [])

    def approvals_received(self, app_id: str) -> list[Json]:
        return self.approvals.get(app_id, [])

    def expire_access_tokens(self) -> None:
        self.access.clear()

    def watchers(self, app_id: str) -> int:
        return len(self.queues.get(app_id, ()))

    def drop_streams(self, app_id: str) -> None:
        for queue in self.queues.get(app_id, ()):
            queue.put_nowait(None)

    def close(self) -> None:
        for app_id in self.queues:
            self.drop_streams(app_id)

    def advance(self, app_id: str, state: str, message: str = "") -> None:
        app = self.apps[app_id]
        event = self._event(app_id, "state_changed", app["state"], state, message or f"now {state}")
        app["state"] = state
        app["updateTime"] = _now()
        app["etag"] = f"etag-{app_id}-{next(self.counter)}"
        if state == "STATE_RUNNING":
            app["attempts"] += 1
        self.events[app_id].append(event)
        for queue in self.queues.get(app_id, ()):
            queue.put_nowait({"application": dict(app), "event": event})

    def _event(self, app_id: str, kind: str, before: str, after: str, message: str) -> Json:
        return {
            "name": f"applications/{app_id}/events/{next(self.counter)}", "type": kind, "fromState": before,
            "toState": after, "message": message, "createTime": _now(),
        }  # fmt: skip

    # --- HTTP ----------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/{path:path}", self._dispatch, methods=["GET", "POST"]),
                Mount("/", StaticFiles(directory=STATIC, html=True)),
            ]
        )

    def _tokens(self) -> Json:
        access, refresh = f"acc-{next(self.counter)}", f"ref-{next(self.counter)}"
        self.access.add(access)
        self.refresh_tokens.add(refresh)
        return {"accessToken": access, "refreshToken": refresh, "expiresIn": 900, "tokenType": "Bearer",
                "user": "users/u1"}  # fmt: skip

    async def _dispatch(self, request: Request) -> Response:
        path = request.url.path.removeprefix("/v1/")
        self.requests.append((request.method, path))
        body: Json = await request.json() if request.method == "POST" else {}
        if path.startswith("auth:"):
            return self._auth(path, body)
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.access:
            return _status(401, 16, "the access token has expired")
        for pattern, handler in self._routes():
            found = re.fullmatch(pattern, f"{request.method} {path}")
            if found:
                return await handler(request, body, *found.groups())
        return _status(404, 5, f"no such resource: {path}")

    def _routes(self) -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
        return [
            (r"GET applications", self._list),
            (r"GET applications/([^/:]+)", self._get),
            (r"GET applications/([^/:]+):watch", self._watch),
            (r"GET applications/([^/:]+)/events", self._events),
            (r"GET applications/([^/:]+)/runs", self._runs),
            (r"GET (applications/[^/:]+/runs/[^/:]+/artifacts/[^/:]+)", self._artifact),
            (r"GET (jobs/[^/:]+)", self._job),
            (r"POST applications/([^/:]+):answer", self._answer),
            (r"POST applications/([^/:]+):approve", self._approve),
            (r"POST applications/([^/:]+):cancel", self._cancel),
        ]

    def _auth(self, path: str, body: Json) -> Response:
        if path == "auth:login":
            if body.get("email") != self.email or body.get("password") != self.password:
                return _status(401, 16, "the email or password is wrong")
            return JSONResponse(self._tokens())
        token = body.get("refreshToken", "")
        if path == "auth:logout":
            self.logouts.append(token)
            self.refresh_tokens.discard(token)
            return JSONResponse({})
        if path == "auth:refresh" and token in self.refresh_tokens:
            self.refresh_tokens.discard(token)
            self.refreshes += 1
            return JSONResponse(self._tokens())
        return _status(401, 16, "the refresh token is not valid")

    async def _list(self, request: Request, _: Json) -> Response:
        token = request.query_params.get("pageToken", "")
        self.page_tokens.append(token)
        start = int(token or 0)
        ordered = list(self.apps.values())
        page = ordered[start : start + self.page_size]
        more = start + self.page_size < len(ordered)
        return JSONResponse(
            {"applications": page, "nextPageToken": str(start + self.page_size) if more else ""}
        )

    async def _get(self, _: Request, __: Json, app_id: str) -> Response:
        if app_id not in self.apps:
            return _status(404, 5, f"applications/{app_id} not found")
        return JSONResponse(self.apps[app_id])

    async def _job(self, _: Request, __: Json, name: str) -> Response:
        return JSONResponse(self.jobs[name]) if name in self.jobs else _status(404, 5, f"{name} not found")

    async def _events(self, _: Request, __: Json, app_id: str) -> Response:
        return JSONResponse({"events": self.events[app_id], "nextPageToken": ""})

    async def _runs(self, _: Request, __: Json, app_id: str) -> Response:
        return JSONResponse({"runs": self.runs.get(app_id, []), "nextPageToken": ""})

    async def _artifact(self, _: Request, __: Json, name: str) -> Response:
        artifact, content = self.artifacts[name]
        return JSONResponse({"artifact": artifact, "content": base64.b64encode(content).decode()})

    async def _answer(self, _: Request, body: Json, app_id: str) -> Response:
        app = self.apps[app_id]
        self.answers.setdefault(app_id, []).append(body.get("answers", []))
        given = {a.get("questionId"): a.get("answer", "") for a in body.get("answers", [])}
        missing = [q for q in app["pendingQuestions"] if q.get("required") and not given.get(q["id"])]
        if missing:
            violations = [
                {"field": "answers", "description": f"question {q['id']!r} needs an answer"} for q in missing
            ]
            detail = {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}
            return _status(400, 3, "some answers are missing", [detail])
        app["pendingQuestions"] = []
        self.advance(app_id, "STATE_QUEUED", f"{len(given)} question(s) answered")
        return JSONResponse(app)

    async def _approve(self, _: Request, body: Json, app_id: str) -> Response:
        app = self.apps[app_id]
        self.approvals.setdefault(app_id, []).append(body)
        if body.get("etag") != app["etag"]:
            return _status(409, 10, "the application changed since you read it")
        self.advance(app_id, "STATE_QUEUED", "approved for submission")
        return JSONResponse(app)

    async def _cancel(self, _: Request, __: Json, app_id: str) -> Response:
        self.advance(app_id, "STATE_CANCELLED", "cancelled by the user")
        return JSONResponse(self.apps[app_id])

    async def _watch(self, request: Request, _: Json, app_id: str) -> Response:
        if "text/event-stream" not in request.headers.get("accept", ""):
            return _status(406, 3, "this fake only streams Server-Sent Events")
        queue: asyncio.Queue[Json | None] = asyncio.Queue()
        watchers = self.queues.setdefault(app_id, set())
        watchers.add(queue)
        queue.put_nowait({"application": dict(self.apps[app_id])})

        async def frames() -> AsyncIterator[bytes]:
            try:
                while (message := await queue.get()) is not None:
                    yield b"data: " + json.dumps(message).encode() + b"\n\n"
                    if message["application"]["state"] in TERMINAL:
                        return
            finally:
                watchers.discard(queue)

        return StreamingResponse(
            frames(), media_type="text/event-stream", headers={"cache-control": "no-cache"}
        )


def seeded_tracker() -> FakeTracker:
    """One application in every column, eight live ones (more than a browser has connections for one
    host), two of them waiting on the user, and a screenshot."""
    fake = FakeTracker()
    plan = {
        "fields": [
            {"selector": "#first_name", "label": "First name", "semantic": "given-name", "valuePreview": "Ada",
             "source": "profile.given_name", "confidence": 0.99, "required": True, "fieldType": "text"},
            {"selector": "#email", "label": "Email", "semantic": "email", "valuePreview": "ada@example.com",
             "source": "profile.email", "confidence": 0.98, "required": True, "fieldType": "email"},
            {"selector": "#resume", "label": "Resume/CV", "semantic": "resume", "valuePreview": "ada-lovelace.pdf",
             "source": "resume", "confidence": 1.0, "required": True, "fieldType": "file"},
        ],
        "unanswered": [], "formUrl": "https://boards.example/acme/jobs/1", "planHash": "ph-7f3a91", "adapter": "greenhouse",
    }  # fmt: skip
    questions = [
        {"id": "q_sponsor", "label": "Will you need visa sponsorship?", "type": "QUESTION_TYPE_SELECT",
         "required": True, "options": ["Yes", "No"], "description": ""},
        {"id": "q_why", "label": "Why do you want to join Initech?", "type": "QUESTION_TYPE_TEXTAREA",
         "required": True, "options": [], "description": "A few sentences."},
    ]  # fmt: skip
    rows = [
        ("input", "STATE_NEEDS_INPUT", "Backend Engineer", "Initech", "MODE_SUBMIT"),
        ("review", "STATE_AWAITING_REVIEW", "Data Engineer", "Globex", "MODE_REVIEW"),
        ("queued", "STATE_QUEUED", "Site Reliability Engineer", "Hooli", "MODE_SUBMIT"),
        ("running", "STATE_RUNNING", "Platform Engineer", "Umbrella", "MODE_SUBMIT"),
        ("queued2", "STATE_QUEUED", "Infrastructure Engineer", "Massive Dynamic", "MODE_REVIEW"),
        ("running2", "STATE_RUNNING", "Developer Advocate", "Aperture", "MODE_SUBMIT"),
        ("running3", "STATE_RUNNING", "Database Engineer", "Black Mesa", "MODE_SUBMIT"),
        ("submitting", "STATE_SUBMITTING", "Frontend Engineer", "Stark Industries", "MODE_SUBMIT"),
        ("submitted", "STATE_SUBMITTED", "ML Engineer", "Wayne Enterprises", "MODE_REVIEW"),
        ("unknown", "STATE_OUTCOME_UNKNOWN", "Security Engineer", "Cyberdyne", "MODE_SUBMIT"),
        ("planned", "STATE_PLANNED", "Staff Engineer", "Soylent", "MODE_DRY_RUN"),
        ("failed", "STATE_FAILED", "Mobile Engineer", "Tyrell", "MODE_SUBMIT"),
        ("cancelled", "STATE_CANCELLED", "QA Engineer", "Vandelay", "MODE_REVIEW"),
    ]
    for app_id, state, title, company, mode in rows:
        job = fake.add_job(f"j-{app_id}", title, company)
        fake.add_application(
            f"a-{app_id}", state, job, mode, fillPlan=plan if state != "STATE_QUEUED" else None
        )
    fake.apps["a-input"]["pendingQuestions"] = questions
    fake.apps["a-failed"]["lastError"] = "the form asked for a login"
    fake.add_screenshot("a-review", tiny_png(64, 40, (47, 91, 211)))
    return fake


@pytest.fixture
async def tracker_backend() -> AsyncIterator[TrackerBackend]:
    fake = seeded_tracker()
    async with serve_app(fake.app()) as base_url:
        fake.base_url = base_url
        yield fake
        fake.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context: BrowserContext = await browser.new_context(viewport={"width": 1680, "height": 900})
    context.set_default_timeout(8_000)
    page = await context.new_page()
    dialogs: list[str] = []

    async def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    await context.close()
    assert not dialogs, f"the page opened dialog boxes: {dialogs}"
    assert not errors, f"the page threw: {errors}"
