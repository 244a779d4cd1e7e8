"""The jobmesh side of the automation benchmark: a whole mesh and a real worker process.

Starts embedded PostgreSQL and Valkey, the four services in this process on port 0 (as the
pipeline tests do) and `python -m services.automation.worker` as a child process, then submits
applications through ApplicationService and reads back what happened from the application
events. It measures nothing about memory (the caller samples the worker's process tree) and
never touches the worker's internals: only the public contract and the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import redis.asyncio as aioredis

from bench.common import Children
from jobmesh.application.v1 import application_service_pb2 as app_pb
from jobmesh.profile.v1 import profile_service_pb2
from services.application.__main__ import SPEC as APPLICATION
from services.automation.__main__ import SPEC as AUTOMATION
from services.common.embedded import EmbeddedPostgres, EmbeddedValkey
from services.common.runtime import RunningService, start_service
from services.common.settings import Settings
from services.job.__main__ import SPEC as JOB
from services.profile.__main__ import SPEC as PROFILE
from tests.integration.automation.pipeline_env import TERMINAL, Client, sign_up

# The answer a careers form asks for that no profile field holds: it comes from the answer bank.
WHY_QUESTION = "Why do you want to work at Acme?"
WHY_ANSWER = "I want to build reliable systems with a small team that ships."
# Applications per account: under the per-owner burst, so owner pacing is not what is measured.
APPS_PER_ACCOUNT = 4


@dataclass(frozen=True)
class Outcome:
    """One application as its events tell it (Unix seconds; 0 when the event never came)."""

    name: str
    state: int
    error: str
    requested: float
    created: float
    claimed: float
    finished: float


@dataclass
class Applicant:
    """A signed-in account with one profile whose answer bank covers the sites' questions."""

    client: Client
    profile: str


@dataclass
class MeshBench:
    """A running mesh with one worker process of `concurrency` applications."""

    workdir: Path
    allowed_hosts: Sequence[str]
    concurrency: int
    children: Children
    settings: Settings | None = None
    worker_pid: int = 0
    services: list[RunningService] = field(default_factory=list)
    channels: dict[str, grpc.aio.Channel] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[MeshBench]:
        postgres = EmbeddedPostgres(self.workdir / "pg" / "data", durable=False)
        valkey = EmbeddedValkey(self.workdir / "valkey")
        try:
            await asyncio.to_thread(postgres.start)
            await asyncio.to_thread(valkey.start)
            await self._start_services(postgres.url, valkey.url)
            await self._start_worker()
            yield self
        finally:
            self.children.stop_all()
            for channel in self.channels.values():
                await channel.close()
            for service in reversed(self.services):
                with contextlib.suppress(Exception):
                    await service.stop(grace=None)
            await asyncio.to_thread(valkey.stop)
            await asyncio.to_thread(postgres.stop)

    async def _start_services(self, database_url: str, redis_url: str) -> None:
        settings = Settings(
            home=self.workdir / "home",
            database_url=database_url,
            redis_url=redis_url,
            master_key=secrets.token_hex(32),
            profile_port=0,
            job_port=0,
            application_port=0,
            automation_port=0,
            allowed_hosts=tuple(self.allowed_hosts),
            worker_concurrency=self.concurrency,
            job_timeout_seconds=120.0,
            log_level="WARNING",
            log_json=False,
        )
        for name, spec in (
            ("profile", PROFILE),
            ("job", JOB),
            ("application", APPLICATION),
            ("automation", AUTOMATION),
        ):
            service = await start_service(spec, settings, port=0)
            self.services.append(service)
            settings = settings.with_(**{f"{name}_port": service.port})
            self.channels[name] = grpc.aio.insecure_channel(f"127.0.0.1:{service.port}")
        self.settings = settings

    async def _start_worker(self, within: float = 90.0) -> None:
        assert self.settings is not None and self.settings.redis_url
        env = {**self.settings.to_env(), "JOBMESH_LOG_LEVEL": "INFO"}
        self.worker_pid = self.children.start(
            "worker", [sys.executable, "-m", "services.automation.worker"], env
        )
        redis = aioredis.Redis.from_url(self.settings.redis_url)
        deadline = time.monotonic() + within
        try:
            # The heartbeat starts at the end of the worker's startup, after Chromium is up.
            while not await redis.keys("jobmesh:worker:*"):
                self.children.check_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the worker did not start in {within:.0f}s")
                await asyncio.sleep(0.1)
        finally:
            await redis.aclose()

    async def applicants(self, count: int, resume: bytes) -> list[Applicant]:
        """`count` accounts, each with a profile (and resume) ready to apply without questions."""

        async def one(i: int) -> Applicant:
            metadata = await sign_up(
                self.channels["profile"], f"bench-{i}-{secrets.token_hex(4)}@example.com"
            )
            client = Client(self.channels, metadata)
            answers = [profile_service_pb2.Answer(question=WHY_QUESTION, answer=WHY_ANSWER)]
            profile = await client.profile(given_name=f"Ada{i}", answers=answers)
            return Applicant(client, profile.name)

        return list(await asyncio.gather(*(one(i) for i in range(count))))

    async def submit_all(
        self, applicants: Sequence[Applicant], urls: Sequence[str], mode: int, within: float
    ) -> list[Outcome]:
        """Creates one application per URL at once, waits for every one to finish, reads its events."""
        jobs = await asyncio.gather(
            *(
                applicants[i % len(applicants)].client.job(url, f"bench-{i}-{secrets.token_hex(3)}")
                for i, url in enumerate(urls)
            )
        )

        async def one(i: int) -> Outcome:
            who = applicants[i % len(applicants)]
            requested = time.time()
            app = await who.client.apply(who.profile, jobs[i].name, mode)
            await who.client.wait(app.name, TERMINAL | {app_pb.STATE_NEEDS_INPUT}, within=within)
            return await outcome(who.client, app.name, requested)

        return list(await asyncio.gather(*(one(i) for i in range(len(urls)))))

    async def probe_queue(
        self, applicants: Sequence[Applicant], urls: Sequence[str], within: float
    ) -> list[Outcome]:
        """Dry runs enqueued one by one, each while the worker has a free slot: pure queue overhead."""
        jobs = [
            await applicants[i % len(applicants)].client.job(url, f"probe-{i}-{secrets.token_hex(3)}")
            for i, url in enumerate(urls)
        ]
        in_flight: set[asyncio.Task[Outcome]] = set()
        done: list[asyncio.Task[Outcome]] = []

        async def one(i: int) -> Outcome:
            who = applicants[i % len(applicants)]
            requested = time.time()
            app = await who.client.apply(who.profile, jobs[i].name, app_pb.MODE_DRY_RUN)
            await who.client.wait(app.name, TERMINAL | {app_pb.STATE_NEEDS_INPUT}, within=within)
            return await outcome(who.client, app.name, requested)

        for i in range(len(urls)):
            while len(in_flight) >= max(1, self.concurrency - 1):
                finished, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                in_flight -= finished
            task = asyncio.create_task(one(i))
            in_flight.add(task)
            done.append(task)
            # Random gaps so enqueues land at every phase of the worker's queue polling.
            await asyncio.sleep(random.uniform(0.3, 0.8))
        return list(await asyncio.gather(*done))


async def outcome(client: Client, name: str, requested: float) -> Outcome:
    """The application's state and the times of its created, claimed and final events."""
    app = await client.applications.GetApplication(
        app_pb.GetApplicationRequest(name=name), metadata=client.metadata
    )
    events = await client.applications.ListApplicationEvents(
        app_pb.ListApplicationEventsRequest(parent=name, page_size=500), metadata=client.metadata
    )
    created = claimed = finished = 0.0
    for event in events.events:
        at = event.create_time.ToNanoseconds() / 1e9
        if event.type == "created" and not created:
            created = at
        elif event.type == "claimed" and not claimed:
            claimed = at
        elif event.to_state == app.application.state and event.to_state in TERMINAL | {
            app_pb.STATE_NEEDS_INPUT
        }:
            finished = at
    return Outcome(
        name, app.application.state, app.application.last_error, requested, created, claimed, finished
    )


def peak_overlap(outcomes: Sequence[Outcome]) -> int:
    """The most applications that were between claim and finish at the same moment."""
    edges = sorted(
        [(o.claimed, 1) for o in outcomes if o.claimed and o.finished]
        + [(o.finished, -1) for o in outcomes if o.claimed and o.finished]
    )
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak
