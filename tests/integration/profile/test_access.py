"""Access tokens on ProfileService: missing, expired, forged and foreign tokens are UNAUTHENTICATED."""

from __future__ import annotations

import grpc
import jwt
import pytest

from jobmesh.profile.v1 import profile_service_pb2 as pb
from jobmesh.profile.v1 import profile_service_pb2_grpc as profile_grpc
from services.common.keys import derive_key, load_master_key
from services.common.settings import Settings
from services.common.tokens import TokenService
from tests.integration.profile.conftest import Account
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
