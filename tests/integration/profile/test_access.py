"""Access tokens on ProfileService: missing, expired, forged and foreign tokens are UNAUTHENTICATED."""

from __future__ import annotations

import asyncio

import grpc
import jwt
import pytest

from jobmesh.auth.v1 import auth_service_pb2 as auth_pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as auth_grpc
from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.keys import derive_key, load_master_key
from services.common.runtime import start_service
from services.common.settings import Settings
from services.common.tokens import TokenService
from services.profile.__main__ import SPEC
from tests.integration.profile.conftest import PASSWORD, Account
from tests.integration.profile.helpers import reason, rpc_error

pytestmark = pytest.mark.integration
UNAUTH = grpc.StatusCode.UNAUTHENTICATED


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


async def test_valid_token_works(profiles: profile_grpc.ProfileServiceStub, alice: Account) -> None:
    await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md)


async def test_missing_token(profiles: profile_grpc.ProfileServiceStub) -> None:
    err = await rpc_error(profiles.ListProfiles(pb.ListProfilesRequest()), UNAUTH)
    assert reason(err) == "MISSING_TOKEN"


async def test_expired_token(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, settings: Settings
) -> None:
    key = load_master_key(settings)
    expired = TokenService(
        key, issuer=settings.token_issuer, audience=settings.token_audience, ttl_seconds=-60
    )
    token = expired.issue(alice.user.removeprefix("users/"), alice.email)
    err = await rpc_error(profiles.ListProfiles(pb.ListProfilesRequest(), metadata=bearer(token)), UNAUTH)
    assert reason(err) == "TOKEN_EXPIRED"


async def test_forged_tokens(
    profiles: profile_grpc.ProfileServiceStub, alice: Account, settings: Settings
) -> None:
    user_id = alice.user.removeprefix("users/")
    real_kid = jwt.get_unverified_header(alice.access_token)["kid"]
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    other_key = TokenService(b"\x01" * 32, issuer="jobmesh", audience="jobmesh", ttl_seconds=900)
    right_key = derive_key(load_master_key(settings), "access-token")
    forged = [
        other_key.issue(user_id, alice.email),  # signed with another key
        jwt.encode(claims, b"g" * 32, algorithm="HS256", headers={"kid": real_kid}),  # right kid, wrong key
        jwt.encode(claims, None, algorithm="none"),  # unsigned
        jwt.encode(
            {**claims, "aud": "someone-else"}, right_key, algorithm="HS256", headers={"kid": real_kid}
        ),
        alice.access_token[:-4] + ("AAAA" if not alice.access_token.endswith("AAAA") else "BBBB"),
        "not-a-jwt",
    ]
    for token in forged:
        await rpc_error(profiles.ListProfiles(pb.ListProfilesRequest(), metadata=bearer(token)), UNAUTH)


async def _refused_within(
    stub: profile_grpc.ProfileServiceStub, account: Account, seconds: float = 3.0
) -> grpc.aio.AioRpcError:
    """Polls until the account's token is refused (another process learns of a logout by pub/sub)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            await stub.ListProfiles(pb.ListProfilesRequest(), metadata=account.md)
        except grpc.aio.AioRpcError as err:
            return err
        assert asyncio.get_running_loop().time() < deadline, "the token still works after logout"
        await asyncio.sleep(0.05)


async def test_logout_ends_the_sessions_access_tokens_in_every_replica(
    profiles: profile_grpc.ProfileServiceStub,
    auth: auth_grpc.AuthServiceStub,
    alice: Account,
    service_settings: Settings,
) -> None:
    other_login = await auth.Login(auth_pb.LoginRequest(email=alice.email, password=PASSWORD))
    other = Account(alice.email, other_login.access_token, other_login.refresh_token, alice.user)
    replica = await start_service(SPEC, service_settings, port=0)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{replica.port}") as channel:
            on_replica = profile_grpc.ProfileServiceStub(channel)
            await on_replica.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md)

            await auth.Logout(auth_pb.LogoutRequest(refresh_token=alice.refresh_token))

            err = await rpc_error(profiles.ListProfiles(pb.ListProfilesRequest(), metadata=alice.md), UNAUTH)
            assert reason(err) == "SESSION_ENDED"
            err = await _refused_within(on_replica, alice)
            assert err.code() == UNAUTH and reason(err) == "SESSION_ENDED"
            # The same account's other login is another session and keeps working everywhere.
            await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=other.md)
            await on_replica.ListProfiles(pb.ListProfilesRequest(), metadata=other.md)
    finally:
        await replica.stop(grace=None)


async def test_a_replayed_refresh_token_also_ends_the_sessions_access_tokens(
    profiles: profile_grpc.ProfileServiceStub, auth: auth_grpc.AuthServiceStub, alice: Account
) -> None:
    rotated = await auth.Refresh(auth_pb.RefreshRequest(refresh_token=alice.refresh_token))
    current = Account(alice.email, rotated.access_token, rotated.refresh_token, alice.user)
    await profiles.ListProfiles(pb.ListProfilesRequest(), metadata=current.md)
    await rpc_error(auth.Refresh(auth_pb.RefreshRequest(refresh_token=alice.refresh_token)), UNAUTH)
    err = await rpc_error(profiles.ListProfiles(pb.ListProfilesRequest(), metadata=current.md), UNAUTH)
    assert reason(err) == "SESSION_ENDED"
