"""DeleteProfile's orchestration with fakes: applications first, local rows and files only after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from services.common.context import Principal, principal_var
from services.common.errors import Aborted, FailedPrecondition, NotFound, Unavailable
from services.common.pagination import PageTokens
from services.profile.domain import ProfileFields, ProfileRecord
from services.profile.service import ProfileService

OWNER = "11111111-1111-4111-8111-111111111111"
PID = "3f1b7c1e-6a7d-4a55-9c61-2d0b8d1f0a11"
NAME = f"profiles/{PID}"


@dataclass
class Store:
    profiles: dict[str, ProfileRecord] = field(default_factory=dict)
    committed_deletes: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


class FakeSession:
    def __init__(self, store: Store):
        self.store = store
        self.pending: list[str] = []

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:
            self.pending.clear()
            raise
        for profile_id in self.pending:
            self.store.profiles.pop(profile_id, None)
            self.store.committed_deletes.append(profile_id)
            self.store.events.append(f"commit delete {profile_id}")
        self.pending.clear()


class FakeRepository:
    def __init__(self, session: FakeSession):
        self.session = session

    async def get_profile(
        self, owner_id: str, profile_id: str, *, lock: bool = False
    ) -> ProfileRecord | None:
        record = self.session.store.profiles.get(profile_id)
        return record if record and record.owner_id == owner_id else None

    async def delete_profile(self, owner_id: str, profile_id: str) -> bool:
        self.session.pending.append(profile_id)
        return True


class FakeVault:
    def __init__(self, store: Store, fail: bool = False):
        self.store = store
        self.fail = fail
        self.deleted: list[str] = []

    async def delete_profile_files(self, profile_id: str) -> None:
        if self.fail:
            raise OSError("disk gone")
        self.deleted.append(profile_id)
        self.store.events.append(f"files {profile_id}")


class FakeApplications:
    def __init__(
        self, store: Store, apps: list[str], submitting: frozenset[str] = frozenset(), down: bool = False
    ):
        self.store = store
        self.apps = list(apps)
        self.submitting = submitting
        self.down = down

    async def list_names(self, profile: str) -> list[str]:
        if self.down:
            raise Unavailable("down")
        self.store.events.append(f"list {profile}")
        return list(self.apps)

    async def delete(self, name: str) -> None:
        if name in self.submitting:
            raise FailedPrecondition("submitting")
        self.apps.remove(name)
        self.store.events.append(f"delete {name}")


def record(owner: str = OWNER, version: int = 1) -> ProfileRecord:
    now = datetime.now(UTC)
    return ProfileRecord(PID, owner, version, now, now, ProfileFields(given_name="Ada"))


def build(
    store: Store, applications: FakeApplications, vault: FakeVault | None = None
) -> tuple[ProfileService, FakeVault]:
    vault = vault or FakeVault(store)

    @asynccontextmanager
    async def sessions() -> AsyncIterator[FakeSession]:
        yield FakeSession(store)

    service = ProfileService(sessions, FakeRepository, vault, applications, PageTokens(b"k" * 32))  # type: ignore[arg-type]
    return service, vault


@pytest.fixture(autouse=True)
def caller() -> Any:
    token = principal_var.set(Principal(user_id=OWNER, email="ada@example.com", token="t"))
    yield
    principal_var.reset(token)


async def test_deletes_applications_then_rows_then_files() -> None:
    store = Store({PID: record()})
    apps = FakeApplications(store, ["applications/a", "applications/b"])
    service, vault = build(store, apps)
    await service.delete_profile(NAME, "")
    assert store.events == [
        f"list {NAME}",
        "delete applications/a",
        "delete applications/b",
        f"files {PID}",
        f"commit delete {PID}",
    ]
    assert apps.apps == [] and store.profiles == {} and vault.deleted == [PID]


async def test_submitting_application_aborts_with_nothing_changed_locally() -> None:
    store = Store({PID: record()})
    apps = FakeApplications(
        store, ["applications/a", "applications/b"], submitting=frozenset({"applications/b"})
    )
    service, vault = build(store, apps)
    with pytest.raises(FailedPrecondition):
        await service.delete_profile(NAME, "")
    assert PID in store.profiles and store.committed_deletes == [] and vault.deleted == []


async def test_unavailable_applications_is_an_error_not_an_empty_list() -> None:
    store = Store({PID: record()})
    service, vault = build(store, FakeApplications(store, [], down=True))
    with pytest.raises(Unavailable):
        await service.delete_profile(NAME, "")
    assert PID in store.profiles and vault.deleted == []


async def test_failed_file_erasure_keeps_the_rows_for_a_retry() -> None:
    store = Store({PID: record()})
    service, _ = build(store, FakeApplications(store, []), FakeVault(store, fail=True))
    with pytest.raises(OSError):
        await service.delete_profile(NAME, "")
    assert PID in store.profiles and store.committed_deletes == []


async def test_foreign_or_missing_profile_is_not_found_and_calls_nobody() -> None:
    store = Store({PID: record(owner="22222222-2222-4222-8222-222222222222")})
    apps = FakeApplications(store, ["applications/a"])
    service, _ = build(store, apps)
    with pytest.raises(NotFound):
        await service.delete_profile(NAME, "")
    assert store.events == [] and apps.apps == ["applications/a"]


async def test_stale_etag_is_aborted_before_any_application_is_touched() -> None:
    store = Store({PID: record(version=3)})
    apps = FakeApplications(store, ["applications/a"])
    service, _ = build(store, apps)
    with pytest.raises(Aborted):
        await service.delete_profile(NAME, "stale")
    assert store.events == [] and PID in store.profiles
    await service.delete_profile(NAME, record(version=3).etag)
    assert PID not in store.profiles
