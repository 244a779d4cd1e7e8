"""A local stand-in for the Greenhouse, Lever and Ashby public board APIs, for tests.

Serves the real API paths for any board from a mutable in-memory `BoardRegistry`
(seeded from /work/shared/fixtures/boards), with synthetic large boards and injectable
faults. Postings' job and apply URLs point back at this site (`/greenhouse/{board}/jobs/{id}`,
`/lever/{board}/{id}/apply`, `/ashby/{board}/{id}/application`) so application-form pages
can be mounted on the same app: `create_board_app(registry, extra_routes=...)`.
It is test support only: nothing in services/ imports it.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from tests.sites.server import serve_app

FIXTURES = Path("/work/shared/fixtures/boards")
Kind = Literal["greenhouse", "lever", "ashby"]
FaultKind = Literal["garbage", "error", "rate_limit", "slow", "huge", "redirect"]
_QUESTION_BLOCKS = ("questions", "location_questions", "compliance", "demographic_questions")


@dataclass
class Fault:
    """What the next `times` matching requests of one board get instead of a normal answer.

    garbage: 200 with a body that is not JSON; error: `status` (500); rate_limit: 429 with
    `retry_after`; slow: the normal answer after `delay` seconds; huge: a streamed JSON body
    of `size` bytes with no Content-Length; redirect: 302 to `location`. `path_contains`
    limits the fault to requests whose path contains it (e.g. "/jobs/" for details).
    """

    kind: FaultKind
    times: int = 1
    status: int = 500
    retry_after: str = "1"
    delay: float = 0.0
    size: int = 0
    location: str = ""
    path_contains: str = ""


class BoardRegistry:
    """Boards keyed by (kind, board token); each maps job id to the job in its ATS's own JSON shape."""

    def __init__(self) -> None:
        self._boards: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self._faults: dict[tuple[str, str], list[Fault]] = {}
        self.requests: list[str] = []

    @classmethod
    def from_fixtures(cls, fixtures: Path = FIXTURES) -> BoardRegistry:
        """Greenhouse "vercel" (with questions), Lever "voltus" and Ashby "gimlet", as captured."""
        registry = cls()
        listing = json.loads((fixtures / "greenhouse_board_vercel.json").read_text())["jobs"]
        detail = json.loads((fixtures / "greenhouse_job_vercel.json").read_text())
        questions = json.loads((fixtures / "greenhouse_job_with_questions.json").read_text())["questions"]
        for job in listing:
            full = {**job, **detail} if job["id"] == detail["id"] else dict(job)
            registry.add_job("greenhouse", "vercel", {**full, "questions": copy.deepcopy(questions)})
        registry.set_jobs("lever", "voltus", json.loads((fixtures / "lever_voltus.json").read_text()))
        registry.set_jobs("ashby", "gimlet", json.loads((fixtures / "ashby_gimlet.json").read_text())["jobs"])
        return registry

    @classmethod
    def for_demo(cls, fixtures: Path | None = None) -> BoardRegistry:
        """The captured boards when this machine has them, else the same three boards generated
        in each ATS's shape (the captures are not part of the repository)."""
        fixtures = fixtures or FIXTURES
        if fixtures.is_dir():
            return cls.from_fixtures(fixtures)
        registry = cls()
        for kind, board in (("greenhouse", "vercel"), ("lever", "voltus"), ("ashby", "gimlet")):
            registry.add_synthetic_jobs(kind, board, 4)  # type: ignore[arg-type]
        return registry

    def set_jobs(self, kind: Kind, board: str, jobs: Iterable[dict[str, Any]]) -> None:
        """Replaces a board's jobs (an empty list keeps the board, with no jobs)."""
        self._boards[(kind, board)] = {str(job["id"]): copy.deepcopy(job) for job in jobs}

    def jobs(self, kind: Kind, board: str) -> list[dict[str, Any]]:
        """Copies of a board's jobs, in order."""
        return [copy.deepcopy(job) for job in self._boards.get((kind, board), {}).values()]

    def add_job(self, kind: Kind, board: str, job: dict[str, Any]) -> str:
        """Adds (or replaces) one job; returns its id."""
        self._boards.setdefault((kind, board), {})[str(job["id"])] = copy.deepcopy(job)
        return str(job["id"])

    def update_job(self, kind: Kind, board: str, job_id: str | int, **changes: Any) -> None:
        """Changes fields of one job (KeyError when it is not there)."""
        self._boards[(kind, board)][str(job_id)].update(copy.deepcopy(changes))

    def remove_job(self, kind: Kind, board: str, job_id: str | int) -> None:
        """Takes one job off its board."""
        del self._boards[(kind, board)][str(job_id)]

    def remove_board(self, kind: Kind, board: str) -> None:
        """Makes the board unknown (its API answers 404)."""
        self._boards.pop((kind, board), None)

    def add_synthetic_jobs(self, kind: Kind, board: str, count: int, *, start: int = 0) -> list[str]:
        """Adds `count` generated jobs, numbered from `start`; returns their ids."""
        return [self.add_job(kind, board, synthetic_job(kind, board, n)) for n in range(start, start + count)]

    def inject_fault(self, kind: Kind, board: str, fault: Fault) -> None:
        """Queues a fault for the board's next matching requests."""
        self._faults.setdefault((kind, board), []).append(fault)

    def has_board(self, kind: Kind, board: str) -> bool:
        """Whether the board exists."""
        return (kind, board) in self._boards

    def take_fault(self, kind: Kind, board: str, path: str) -> Fault | None:
        """The first queued fault matching `path`, counting one use of it."""
        queue = self._faults.get((kind, board), [])
        for fault in queue:
            if fault.path_contains in path:
                fault.times -= 1
                if fault.times <= 0:
                    queue.remove(fault)
                return fault
        return None


def synthetic_job(kind: Kind, board: str, n: int) -> dict[str, Any]:
    """One generated job in the ATS's shape; the same `n` always gives the same job."""
    title = f"Software Engineer {n}"
    body = f"<p>Build things, number {n}.</p><ul><li>Python</li><li>SQL</li></ul>"
    if kind == "greenhouse":
        return {
            "id": 7_000_000 + n,
            "title": title,
            "company_name": board.capitalize(),
            "location": {"name": "Remote - US" if n % 2 else "Berlin, Germany"},
            "updated_at": "2026-01-02T03:04:05Z",
            "first_published": "2026-01-01T00:00:00Z",
            "content": html.escape(body),
            "departments": [{"id": 1, "name": "Engineering"}],
            "offices": [],
            "questions": [
                {"required": True, "label": "Email", "fields": [{"name": "email", "type": "input_text"}]}
            ],
        }
    if kind == "lever":
        return {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "text": title,
            "categories": {"location": "Remote", "team": "Platform", "commitment": "Full-time"},
            "workplaceType": "remote",
            "createdAt": 1_767_225_600_000 + n,
            "description": body,
            "lists": [{"text": "Requirements", "content": "<li>Care</li>"}],
            "additional": "",
        }
    return {
        "id": f"11111111-0000-4000-8000-{n:012d}",
        "title": title,
        "department": "Engineering",
        "employmentType": "FullTime",
        "location": "New York, NY",
        "secondaryLocations": [],
        "isRemote": False,
        "workplaceType": "Hybrid",
        "publishedAt": "2026-01-01T00:00:00.000+00:00",
        "descriptionHtml": body,
    }


def _fault_response(fault: Fault) -> Response | None:
    if fault.kind == "garbage":
        return Response("<html>this is not JSON", media_type="application/json")
    if fault.kind == "error":
        return JSONResponse({"error": "injected"}, status_code=fault.status)
    if fault.kind == "rate_limit":
        return JSONResponse(
            {"error": "slow down"}, status_code=429, headers={"Retry-After": fault.retry_after}
        )
    if fault.kind == "redirect":
        return RedirectResponse(fault.location, status_code=302)
    if fault.kind == "huge":

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"jobs": [], "pad": "'
            for _ in range(fault.size // 65536 + 1):
                yield b"x" * 65536
            yield b'"}'

        return StreamingResponse(chunks(), media_type="application/json")
    return None


def board_routes(registry: BoardRegistry) -> list[BaseRoute]:
    """The three board APIs as Starlette routes, to mount next to other routes."""
    api = _BoardApi(registry)
    return [
        Route("/v1/boards/{board}/jobs", api.greenhouse_list),
        Route("/v1/boards/{board}/jobs/{job_id}", api.greenhouse_job),
        Route("/v0/postings/{board}", api.lever_postings),
        Route("/posting-api/job-board/{board}", api.ashby_board),
    ]


class _BoardApi:
    def __init__(self, registry: BoardRegistry) -> None:
        self.registry = registry

    async def _early(self, request: Request, kind: Kind, board: str) -> Response | None:
        """A fault's answer or a 404, when the request does not get the board."""
        self.registry.requests.append(f"{request.url.path}?{request.url.query}")
        fault = self.registry.take_fault(kind, board, request.url.path)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
        elif fault is not None:
            return _fault_response(fault)
        if not self.registry.has_board(kind, board):
            return JSONResponse({"status": 404, "error": "Board not found"}, status_code=404)
        return None

    async def greenhouse_list(self, request: Request) -> Response:
        board = request.path_params["board"]
        if (early := await self._early(request, "greenhouse", board)) is not None:
            return early
        content = request.query_params.get("content") == "true"
        jobs = [
            _greenhouse_view(request, board, job, content, False)
            for job in self.registry.jobs("greenhouse", board)
        ]
        return JSONResponse({"jobs": jobs, "meta": {"total": len(jobs)}})

    async def greenhouse_job(self, request: Request) -> Response:
        board, job_id = request.path_params["board"], request.path_params["job_id"]
        if (early := await self._early(request, "greenhouse", board)) is not None:
            return early
        found = [job for job in self.registry.jobs("greenhouse", board) if str(job["id"]) == job_id]
        if not found:
            return JSONResponse({"status": 404, "error": "Job not found"}, status_code=404)
        questions = request.query_params.get("questions") == "true"
        return JSONResponse(_greenhouse_view(request, board, found[0], True, questions))

    async def lever_postings(self, request: Request) -> Response:
        board = request.path_params["board"]
        if (early := await self._early(request, "lever", board)) is not None:
            return early
        jobs = self.registry.jobs("lever", board)
        skip = int(request.query_params.get("skip", "0"))
        limit = int(request.query_params.get("limit", str(len(jobs) or 1)))
        base = _origin(request)
        for job in jobs:
            job["hostedUrl"] = f"{base}/lever/{board}/{job['id']}"
            job["applyUrl"] = f"{base}/lever/{board}/{job['id']}/apply"
        return JSONResponse(jobs[skip : skip + limit])

    async def ashby_board(self, request: Request) -> Response:
        board = request.path_params["board"]
        if (early := await self._early(request, "ashby", board)) is not None:
            return early
        compensation = request.query_params.get("includeCompensation") == "true"
        base = _origin(request)
        jobs = self.registry.jobs("ashby", board)
        for job in jobs:
            job["jobUrl"] = f"{base}/ashby/{board}/{job['id']}"
            job["applyUrl"] = f"{base}/ashby/{board}/{job['id']}/application"
            if not compensation:
                job.pop("compensation", None)
        return JSONResponse({"jobs": jobs, "apiVersion": "1"})


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _greenhouse_view(
    request: Request, board: str, job: dict[str, Any], content: bool, questions: bool
) -> dict[str, Any]:
    view = dict(job)
    view["absolute_url"] = f"{_origin(request)}/greenhouse/{board}/jobs/{job['id']}"
    if not content:
        for key in ("content", "departments", "offices"):
            view.pop(key, None)
    if not questions:
        for key in _QUESTION_BLOCKS:
            view.pop(key, None)
    return view


def create_board_app(registry: BoardRegistry, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The board APIs, plus any routes another test site mounts on the same origin."""
    return Starlette(routes=[*board_routes(registry), *extra_routes])


@asynccontextmanager
async def serve_boards(registry: BoardRegistry | None = None) -> AsyncIterator[str]:
    """Serves the board APIs of `registry` (default: the fixtures) on loopback; yields the base URL."""
    async with serve_app(create_board_app(registry or BoardRegistry.from_fixtures())) as base_url:
        yield base_url
