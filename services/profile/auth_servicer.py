"""AuthService over gRPC: proto ⇄ domain around the account use cases, nothing else."""

from __future__ import annotations

from typing import Any, TypeAlias

import grpc

from jobmesh.auth.v1 import auth_service_pb2 as pb
from jobmesh.auth.v1 import auth_service_pb2_grpc as pb_grpc
from services.profile.auth_service import AuthService, TokenPair

Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]


def _fields(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
        "token_type": "Bearer",
        "user": pair.user,
    }


class AuthServicer(pb_grpc.AuthServiceServicer):
    def __init__(self, auth: AuthService):
        self.auth = auth

    async def Register(self, request: pb.RegisterRequest, context: Context) -> pb.RegisterResponse:
        return pb.RegisterResponse(**_fields(await self.auth.register(request.email, request.password)))

    async def Login(self, request: pb.LoginRequest, context: Context) -> pb.LoginResponse:
        return pb.LoginResponse(**_fields(await self.auth.login(request.email, request.password)))

    async def Refresh(self, request: pb.RefreshRequest, context: Context) -> pb.RefreshResponse:
        return pb.RefreshResponse(**_fields(await self.auth.refresh(request.refresh_token)))

    async def Logout(self, request: pb.LogoutRequest, context: Context) -> pb.LogoutResponse:
        await self.auth.logout(request.refresh_token)
        return pb.LogoutResponse()
