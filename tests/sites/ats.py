"""Local look-alikes of Greenhouse, Lever, Ashby and a generic multi-step careers form.

Test-only HTTP sites that mirror the markup and behaviour adapters meet on the real ATS
(hosted forms, question cards, React-style widgets, step wizards), record every submission
they receive, and can put a CAPTCHA or login wall, a slow confirmation or a server-side
validation error in front of a job. They never reach the network and hold no state beyond
the recorder passed in.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import threading
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import NamedTuple

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.sites.server import serve_app

TEMPLATES = Path(__file__).with_name("ats_templates")
SITES = ("greenhouse", "lever", "ashby", "generic")
ALREADY_APPLIED = "You have already applied for this position"
_ASSET_TYPES = {".css": "text/css", ".js": "text/javascript"}
_LEVER_CARD = "7c0f3a52-1e9b-4d2a-9a65-3f4e2b8d9c10"


@dataclass(frozen=True)
class AtsJob:
    """A job with the behaviour its form should show; unknown ids get the default form."""

    site: str
    job_id: str
    board: str = "acme"
    title: str = "Senior Software Engineer"
    company: str = "Acme"
    captcha: bool = False
    login_wall: bool = False
    confirm_delay: float = 0.0
    reject_with: tuple[str, ...] = ()
    third_party_origin: str | None = None


class UploadedFile(NamedTuple):
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Submission:
    """One POST a site received, as the site saw it."""

    site: str
    board: str
    job_id: str
    fields: dict[str, list[str]]
    files: dict[str, UploadedFile]
    time: float
    outcome: str  # "accepted", "duplicate" or "rejected"

    @property
    def duplicate(self) -> bool:
        return self.outcome == "duplicate"

    def value(self, name: str) -> str:
        """The single value sent for `name` ('' when absent)."""
        values = self.fields.get(name, [])
        return values[0] if values else ""

    @property
    def email(self) -> str:
        for name, values in self.fields.items():
            if "email" in name.lower():
                for value in values:
                    if "@" in value:
                        return value.strip().lower()
        return ""


@dataclass
class SubmissionRecorder:
    """Every submission the sites received, safe to read from any thread or task."""

    _items: list[Submission] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, submission: Submission) -> None:
        with self._lock:
            self._items.append(submission)

    def all(self, site: str | None = None, job_id: str | None = None) -> list[Submission]:
        with self._lock:
            items = list(self._items)
        return [
            s for s in items if (site is None or s.site == site) and (job_id is None or s.job_id == job_id)
        ]

    def accepted(self, site: str | None = None, job_id: str | None = None) -> list[Submission]:
        return [s for s in self.all(site, job_id) if s.outcome == "accepted"]

    def duplicates(self, site: str | None = None, job_id: str | None = None) -> list[Submission]:
        return [s for s in self.all(site, job_id) if s.duplicate]

    def has_accepted(self, site: str, board: str, job_id: str, email: str) -> bool:
        return any(s.board == board and s.email == email for s in self.accepted(site, job_id))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _templates() -> dict[str, Template]:
    return {path.stem: Template(path.read_text()) for path in TEMPLATES.glob("*.html")}


class _Sites:
    """Request handlers for all four sites, bound to one recorder and one job table."""

    def __init__(self, recorder: SubmissionRecorder, jobs: Iterable[AtsJob]) -> None:
        self.recorder = recorder
        # Generic forms have no board in their URL, so their jobs are known by id alone.
        self.jobs = {(job.site, "" if job.site == "generic" else job.board, job.job_id): job for job in jobs}
        self.templates = _templates()

    def job(self, site: str, request: Request) -> AtsJob:
        params = request.path_params
        board = str(params.get("board", ""))
        job_id = str(params["job_id"])
        known = self.jobs.get((site, board, job_id))
        return known or AtsJob(site=site, job_id=job_id, board=board)

    def page(
        self, title: str, body: str, *, status: int = 200, head: str = "", css: str = ""
    ) -> HTMLResponse:
        text = self.templates["page"].substitute(
            title=html.escape(title), body=body, head=head, body_class=css
        )
        return HTMLResponse(text, status_code=status)

    def message(
        self, title: str, heading: str, text: str, *, status: int = 200, css: str = ""
    ) -> HTMLResponse:
        body = f'<main class="{css}"><h1>{html.escape(heading)}</h1><p>{html.escape(text)}</p></main>'
        return self.page(title, body, status=status, css=css)

    def login_wall(self, job: AtsJob) -> HTMLResponse:
        body = (
            f"<main><h1>Sign in to apply for {html.escape(job.title)}</h1>"
            '<form class="login" method="post" action="/login">'
            '<label for="login-email">Email</label><input id="login-email" type="email" name="email">'
            '<label for="login-password">Password</label><input id="login-password" type="password" name="password">'
            '<button type="submit">Sign in</button></form>'
            "<p>You need an account to continue your application.</p></main>"
        )
        return self.page("Sign in", body)

    def submit_area(self, job: AtsJob, button: str) -> str:
        if not job.captcha:
            return button
        return (
            '<div class="captcha-wall" id="captcha"><p>Please verify you are human to continue.</p>'
            '<div class="g-recaptcha" data-sitekey="6Lc-local-site-key">'
            '<iframe title="reCAPTCHA" src="/captcha/anchor" width="304" height="78" frameborder="0"></iframe>'
            "</div></div>"
        )

    def form_page(self, job: AtsJob, template: str, button: str, **values: str) -> HTMLResponse:
        if job.login_wall:
            return self.login_wall(job)
        body = self.templates[template].substitute(
            title=html.escape(job.title),
            company=html.escape(job.company),
            board=html.escape(job.board),
            job_id=html.escape(job.job_id),
            submit_area=self.submit_area(job, button),
            **values,
        )
        return self.page(f"Job Application for {job.title} at {job.company}", body)

    async def receive(self, job: AtsJob, request: Request) -> Submission:
        fields: dict[str, list[str]] = {}
        files: dict[str, UploadedFile] = {}
        async with request.form(max_files=50, max_fields=1000) as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if value.filename:
                        data = await value.read()
                        files[name] = UploadedFile(
                            value.filename, len(data), hashlib.sha256(data).hexdigest()
                        )
                else:
                    fields.setdefault(name, []).append(value)
        draft = Submission(job.site, job.board, job.job_id, fields, files, time.time(), "accepted")
        if job.reject_with or not draft.email:
            outcome = "rejected"
        elif self.recorder.has_accepted(job.site, job.board, job.job_id, draft.email):
            outcome = "duplicate"
        else:
            outcome = "accepted"
        submission = Submission(job.site, job.board, job.job_id, fields, files, draft.time, outcome)
        self.recorder.add(submission)
        if job.confirm_delay:
            await asyncio.sleep(job.confirm_delay)
        return submission

    def errors_of(self, job: AtsJob, submission: Submission) -> list[str]:
        if job.reject_with:
            return list(job.reject_with)
        return ["Email is required"] if not submission.email else []

    async def posted(self, job: AtsJob, request: Request, confirmation_url: str) -> Response:
        submission = await self.receive(job, request)
        if submission.duplicate:
            return self.message("Already applied", "Application not submitted", ALREADY_APPLIED + ".")
        errors = self.errors_of(job, submission)
        if errors:
            items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
            body = (
                '<main><div id="error_explanation" class="error-message" role="alert">'
                f"<h2>There were problems with your application</h2><ul>{items}</ul></div>"
                '<p><a href="javascript:history.back()">Go back and correct them</a></p></main>'
            )
            return self.page("Application error", body, status=422)
        return RedirectResponse(confirmation_url, status_code=303)

    async def asset(self, request: Request) -> Response:
        path = TEMPLATES / str(request.path_params["name"])
        if path.suffix not in _ASSET_TYPES or path.parent != TEMPLATES or not path.is_file():
            return Response("not found", status_code=404)
        return Response(path.read_bytes(), media_type=_ASSET_TYPES[path.suffix])

    async def captcha(self, request: Request) -> Response:
        body = '<label><input type="checkbox" id="recaptcha-anchor"> I\'m not a robot</label>'
        return self.page("reCAPTCHA", body)

    async def greenhouse_form(self, request: Request) -> Response:
        job = self.job("greenhouse", request)
        action = f"/greenhouse/{job.board}/jobs/{job.job_id}/applications"
        button = '<input type="button" id="submit_app" value="Submit Application">'
        return self.form_page(job, "greenhouse", button, action=html.escape(action))

    async def greenhouse_post(self, request: Request) -> Response:
        job = self.job("greenhouse", request)
        return await self.posted(job, request, f"/greenhouse/{job.board}/jobs/{job.job_id}/confirmation")

    async def greenhouse_done(self, request: Request) -> Response:
        job = self.job("greenhouse", request)
        text = f"Thank you for your interest in {job.company}. Your application has been submitted."
        return self.message("Application submitted", "Thank you for applying.", text, css="confirmation")

    async def lever_posting(self, request: Request) -> Response:
        job = self.job("lever", request)
        apply_url = f"/lever/{job.board}/{job.job_id}/apply"
        body = self.templates["lever_posting"].substitute(
            title=html.escape(job.title), company=html.escape(job.company), apply_url=html.escape(apply_url)
        )
        return self.page(f"{job.company} - {job.title}", body)

    async def lever_form(self, request: Request) -> Response:
        job = self.job("lever", request)
        template = json.dumps({"text": f"{job.company} questions", "fields": [{"type": "multiple-choice"}]})
        button = '<button type="submit" class="postings-btn template-btn-submit" id="btn-submit">Submit application</button>'
        return self.form_page(job, "lever", button, card=_LEVER_CARD, card_template=html.escape(template))

    async def lever_post(self, request: Request) -> Response:
        job = self.job("lever", request)
        return await self.posted(job, request, f"/lever/{job.board}/{job.job_id}/thanks")

    async def lever_done(self, request: Request) -> Response:
        job = self.job("lever", request)
        text = f"Thanks for applying to {job.company}. We'll review your application shortly."
        return self.message("Application submitted", "Application submitted!", text, css="thanks")

    def ashby_urls(self, job: AtsJob) -> dict[str, str]:
        base = f"/ashby/{job.board}/{job.job_id}"
        return {"overview_url": base, "apply_url": f"{base}/application", "action": f"{base}/api/submit"}

    async def ashby_posting(self, request: Request) -> Response:
        job = self.job("ashby", request)
        urls = self.ashby_urls(job)
        body = self.templates["ashby_posting"].substitute(
            title=html.escape(job.title), company=html.escape(job.company), **urls
        )
        return self.page(f"{job.title} @ {job.company}", body)

    async def ashby_form(self, request: Request) -> Response:
        job = self.job("ashby", request)
        button = (
            '<button type="submit" class="ashby-application-form-submit-button">Submit Application</button>'
        )
        return self.form_page(job, "ashby", button, **self.ashby_urls(job))

    async def ashby_post(self, request: Request) -> Response:
        job = self.job("ashby", request)
        submission = await self.receive(job, request)
        if submission.duplicate:
            return JSONResponse({"status": "duplicate", "errors": [ALREADY_APPLIED]})
        errors = self.errors_of(job, submission)
        if errors:
            return JSONResponse({"status": "error", "errors": errors}, status_code=422)
        message = "Your application was successfully submitted. We'll contact you if there are next steps."
        return JSONResponse({"status": "ok", "message": message})

    async def generic_form(self, request: Request) -> Response:
        job = self.job("generic", request)
        third_party = ""
        if job.third_party_origin:
            origin = html.escape(job.third_party_origin)
            third_party = (
                f'<img class="brand" src="{origin}/pixel.png" alt="" width="1" height="1">'
                f"<style>@font-face {{ font-family: Brand; src: url({origin}/brand.woff2); }}"
                " h1 { font-family: Brand, sans-serif; }</style>"
                f'<script src="{origin}/widget.js"></script>'
            )
        button = '<button type="submit" class="submit">Submit application</button>'
        action = html.escape(f"/generic/{job.job_id}")
        return self.form_page(job, "generic", button, action=action, third_party=third_party)

    async def generic_post(self, request: Request) -> Response:
        job = self.job("generic", request)
        response = await self.posted(job, request, "")
        if isinstance(response, RedirectResponse):
            text = f"Thanks for applying to {job.company}. We have received your application."
            return self.message("Application received", "Application received", text, css="confirmation")
        return response

    def routes(self) -> list[Route]:
        return [
            Route("/assets/{name}", self.asset),
            Route("/captcha/anchor", self.captcha),
            Route("/greenhouse/{board}/jobs/{job_id}", self.greenhouse_form),
            Route("/greenhouse/{board}/jobs/{job_id}/applications", self.greenhouse_post, methods=["POST"]),
            Route("/greenhouse/{board}/jobs/{job_id}/confirmation", self.greenhouse_done),
            Route("/lever/{board}/{job_id}", self.lever_posting),
            Route("/lever/{board}/{job_id}/apply", self.lever_form),
            Route("/lever/{board}/{job_id}/apply", self.lever_post, methods=["POST"]),
            Route("/lever/{board}/{job_id}/thanks", self.lever_done),
            Route("/ashby/{board}/{job_id}", self.ashby_posting),
            Route("/ashby/{board}/{job_id}/application", self.ashby_form),
            Route("/ashby/{board}/{job_id}/api/submit", self.ashby_post, methods=["POST"]),
            Route("/generic/{job_id}", self.generic_form),
            Route("/generic/{job_id}", self.generic_post, methods=["POST"]),
        ]


def ats_routes(recorder: SubmissionRecorder, *, jobs: Iterable[AtsJob] = ()) -> list[Route]:
    """The sites' routes, for mounting next to other test APIs on one server."""
    return _Sites(recorder, jobs).routes()


def create_ats_app(recorder: SubmissionRecorder, *, jobs: Iterable[AtsJob] = ()) -> Starlette:
    """All four sites under /greenhouse, /lever, /ashby and /generic, plus /assets and /captcha."""
    return Starlette(routes=ats_routes(recorder, jobs=jobs))


@asynccontextmanager
async def serve_ats(
    recorder: SubmissionRecorder, *, jobs: Iterable[AtsJob] = (), host: str = "127.0.0.1"
) -> AsyncIterator[str]:
    """Serve `create_ats_app(recorder, jobs=jobs)`; yield the base URL (no trailing slash)."""
    async with serve_app(create_ats_app(recorder, jobs=jobs), host=host) as base_url:
        yield base_url
