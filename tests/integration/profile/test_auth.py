"""AuthService against real PostgreSQL: accounts, login, refresh rotation and reuse, logout."""

from __future__ import annotations

import asyncpg
import grpc
import pytest
from argon2 import PasswordHasher

from jobmesh.auth.v1 import auth_service_pb2 as pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from services.common.runtime import RunningService
from services.common.settings import Settings
from tests.integration.profile.conftest import PASSWORD, Account, Register
from tests.integration.profile.helpers import bad_fields, reason, rpc_error

pytestmark = pytest.mark.integration
UNAUTH = grpc.StatusCode.UNAUTHENTICATED


async def test_register_returns_a_usable_token_pair(
    auth: auth_grpc.AuthServiceStub, profile_service: RunningService, settings: Settings
) -> None:
    r = await auth.Register(pb.RegisterRequest(email="  Ada@Example.COM ", password=PASSWORD))
    assert r.token_type == "Bearer"
    assert r.expires_in == settings.access_token_ttl_seconds == 900
    assert r.user.startswith("users/") and r.refresh_token
    principal = profile_service.resources.tokens.verify(r.access_token)
    assert principal.email == "ada@example.com"
    assert f"users/{principal.user_id}" == r.user


async def test_duplicate_email_is_already_exists(auth: auth_grpc.AuthServiceStub) -> None:
    await auth.Register(pb.RegisterRequest(email="dup@example.com", password=PASSWORD))
    err = await rpc_error(
        auth.Register(pb.RegisterRequest(email="DUP@example.com", password=PASSWORD)),
        grpc.StatusCode.ALREADY_EXISTS,
    )
    assert reason(err) == "EMAIL_TAKEN"


async def test_register_validation_lists_every_bad_field(auth: auth_grpc.AuthServiceStub) -> None:
    err = await rpc_error(
        auth.Register(pb.RegisterRequest(email="not-an-email", password="short")),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert bad_fields(err) == {"email", "password"}
    long_email = "a" * 250 + "@example.com"
    err = await rpc_error(
        auth.Register(pb.RegisterRequest(email=long_email, password="x" * 1025)),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert bad_fields(err) == {"email", "password"}


async def test_login_does_not_reveal_which_part_was_wrong(
    auth: auth_grpc.AuthServiceStub, alice: Account
) -> None:
    ok = await auth.Login(pb.LoginRequest(email=alice.email.upper(), password=PASSWORD))
    assert ok.user == alice.user and ok.refresh_token != alice.refresh_token
    wrong_password = await rpc_error(
        auth.Login(pb.LoginRequest(email=alice.email, password="x" * 12)), UNAUTH
    )
    unknown_email = await rpc_error(
        auth.Login(pb.LoginRequest(email="nobody@example.com", password=PASSWORD)), UNAUTH
    )
    assert wrong_password.details() == unknown_email.details()
    assert reason(wrong_password) == reason(unknown_email) == "INVALID_CREDENTIALS"


async def test_login_rehashes_a_weaker_hash(
    auth: auth_grpc.AuthServiceStub, alice: Account, database_url: str
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("update profile.users set password_hash=$1 where email=$2", weak, alice.email)
        await auth.Login(pb.LoginRequest(email=alice.email, password=PASSWORD))
        stored = await conn.fetchval("select password_hash from profile.users where email=$1", alice.email)
    finally:
        await conn.close()
    assert stored != weak and "m=19456,t=2,p=1" in stored
    await auth.Login(pb.LoginRequest(email=alice.email, password=PASSWORD))


async def test_refresh_rotates_and_the_old_token_stops_working(
    auth: auth_grpc.AuthServiceStub, alice: Account
) -> None:
    first = await auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token))
    assert first.refresh_token != alice.refresh_token and first.user == alice.user
    second = await auth.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token))
    assert second.access_token and second.refresh_token not in (first.refresh_token, alice.refresh_token)


async def test_reusing_a_rotated_token_revokes_the_whole_family(
    auth: auth_grpc.AuthServiceStub, alice: Account, register: Register
) -> None:
    other_login = await auth.Login(pb.LoginRequest(email=alice.email, password=PASSWORD))
    newest = (await auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token))).refresh_token
    newest = (await auth.Refresh(pb.RefreshRequest(refresh_token=newest))).refresh_token

    err = await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token)), UNAUTH)
    assert reason(err) == "REFRESH_TOKEN_REUSED"
    err = await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token=newest)), UNAUTH)
    assert reason(err) == "REFRESH_TOKEN_REVOKED"
    await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token)), UNAUTH)
    # Another login of the same account is another family and keeps working.
    await auth.Refresh(pb.RefreshRequest(refresh_token=other_login.refresh_token))


async def test_unknown_and_expired_refresh_tokens_are_unauthenticated(
    auth: auth_grpc.AuthServiceStub, alice: Account, database_url: str
) -> None:
    err = await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token="made-up-token")), UNAUTH)
    assert reason(err) == "INVALID_REFRESH_TOKEN"
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("update profile.refresh_tokens set expires_at = now() - interval '1 second'")
    finally:
        await conn.close()
    err = await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token)), UNAUTH)
    assert reason(err) == "REFRESH_TOKEN_EXPIRED"


async def test_refresh_tokens_are_stored_only_as_hashes(alice: Account, database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("select * from profile.refresh_tokens")
    finally:
        await conn.close()
    assert len(rows) == 1
    assert all(alice.refresh_token not in str(value) for value in dict(rows[0]).values())


async def test_logout_revokes_the_family(auth: auth_grpc.AuthServiceStub, alice: Account) -> None:
    rotated = await auth.Refresh(pb.RefreshRequest(refresh_token=alice.refresh_token))
    await auth.Logout(pb.LogoutRequest(refresh_token=rotated.refresh_token))
    err = await rpc_error(auth.Refresh(pb.RefreshRequest(refresh_token=rotated.refresh_token)), UNAUTH)
    assert reason(err) == "REFRESH_TOKEN_REVOKED"
    await rpc_error(auth.Logout(pb.LogoutRequest(refresh_token="never-issued")), UNAUTH)
    await rpc_error(auth.Logout(pb.LogoutRequest()), grpc.StatusCode.INVALID_ARGUMENT)
