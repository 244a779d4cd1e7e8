"""Job service fixtures: the service on a free port, a stub, and signed-in users A and B.

Access tokens are minted with the session's master key, as the Auth service would issue them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import pytest

from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc
from services.common.keys import load_master_key
from services.common.settings import Settings
from services.common.tokens import TokenService
from services.job.__main__ import SPEC
from tests.conftest import StartServices

Metadata = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class User:
    user_id: str
    metadata: Metadata


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The session settings, with loopback allowed so tests can sync from a local board site."""
    return settings.with_(allowed_hosts=("127.0.0.1",))


@pytest.fixture
async def job_port(start_services: StartServices) -> int:
    running = await start_services(("job", SPEC))
    return running["job"].port


def _user(settings: Settings, email: str) -> User:
    tokens = TokenService(
        load_master_key(settings),
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        ttl_seconds=900,
    )
    user_id = str(uuid.uuid4())
    return User(user_id, (("authorization", f"Bearer {tokens.issue(user_id, email)}"),))


@pytest.fixture
def user_a(settings: Settings) -> User:
    return _user(settings, "a@example.test")


@pytest.fixture
def user_b(settings: Settings) -> User:
    return _user(settings, "b@example.test")


@pytest.fixture
async def stub(job_port: int) -> AsyncIterator[pb_grpc.JobServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{job_port}") as channel:
        yield pb_grpc.JobServiceStub(channel)
