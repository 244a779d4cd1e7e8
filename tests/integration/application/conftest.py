"""The Application service's use cases on a real PostgreSQL, with its peers faked.

The peers (Profile and Job services) are not the subject here; the gRPC tests in
this folder run against the real ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import update

from services.application.__main__ import SPEC
from services.application.models import ApplicationRow
from services.application.peers import JobInfo, ProfileInfo
from services.application.service import ApplicationService
from services.application.watch import EventHub
from services.common.context import Principal, principal_var
from services.common.errors import NotFound
from services.common.migrations import migrate
from services.common.runtime import Resources, build_resources
from services.common.settings import Settings


@dataclass
class FakePeers:
    profiles: dict[str, str] = field(default_factory=dict)  # name -> owner
    jobs: dict[str, JobInfo] = field(default_factory=dict)
    saved: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    async def profile(self, name: str) -> ProfileInfo:
        principal = principal_var.get()
        if principal is None or self.profiles.get(name) != principal.user_id:
            raise NotFound(name)
        return ProfileInfo(name=name, default_resume=f"{name}/resumes/r1")

    async def job(self, name: str) -> JobInfo:
        if name not in self.jobs:
            raise NotFound(name)
        return self.jobs[name]

    async def save_answers(self, profile: str, answers: list[tuple[str, str]]) -> None:
        self.saved.append((profile, answers))


@dataclass
class Env:
    service: ApplicationService
    peers: FakePeers
    resources: Resources

    def act_as(self, user: str) -> None:
        principal_var.set(Principal(user_id=user, email=f"{user}@example.com", token="t"))

    async def force_state(self, name: str, state: str, **values: object) -> None:
        """Moves an application the way a worker would (the worker ledger is tested elsewhere)."""
        async with self.resources.sessions() as session, session.begin():
            await session.execute(
                update(ApplicationRow)
                .where(ApplicationRow.id == name.split("/")[1])
                .values(state=state, version=ApplicationRow.version + 1, **values)
            )


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[Env]:
    resources = await build_resources(settings, "application")
    await migrate(resources.engine, SPEC.migrations, SPEC.schema)
    assert settings.database_url
    hub = EventHub(settings.database_url)
    await hub.start()
    resources.on_close.append(hub.close)
    peers = FakePeers()
    for user in ("alice", "bob"):
        peers.profiles[f"profiles/{user}-1"] = user
    for n in range(1, 6):
        peers.jobs[f"jobs/j{n}"] = JobInfo(name=f"jobs/j{n}", canonical_job="", open=True)
    service = ApplicationService(resources.sessions, peers, resources.page_tokens, hub)
    e = Env(service, peers, resources)
    e.act_as("alice")
    yield e
    principal_var.set(None)
    await resources.close()
