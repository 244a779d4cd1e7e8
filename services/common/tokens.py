"""Access tokens: short-lived JWTs signed with a key derived from the master key.

Every service verifies them locally (no call to the Profile service per request).
The algorithm is pinned, and `iss`, `aud`, `exp` and `kid` are all checked.
"""

from __future__ import annotations

import time
import uuid

import jwt

from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.keys import derive_key, key_id

ALGORITHM = "HS256"


class TokenService:
    """Issues and verifies access tokens."""

    def __init__(self, master_key: bytes, *, issuer: str, audience: str, ttl_seconds: int):
        self._key = derive_key(master_key, "access-token")
        self.kid = key_id(self._key)
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: str, email: str, *, family: str = "", scopes: tuple[str, ...] = ()) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user_id,
            "email": email,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
            "sid": family,
        }
        if scopes:
            claims["scope"] = " ".join(scopes)
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token: str) -> Principal:
        """The principal a token names; UNAUTHENTICATED for anything not issued by us and current."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM or header.get("kid") != self.kid:
                raise Unauthenticated("invalid access token", reason="INVALID_TOKEN")
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("access token expired", reason="TOKEN_EXPIRED") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("invalid access token", reason="INVALID_TOKEN") from exc
        scopes = frozenset(str(claims.get("scope", "")).split())
        return Principal(
            user_id=str(claims["sub"]),
            email=str(claims.get("email", "")),
            token=token,
            scopes=scopes,
            session=str(claims.get("sid", "")),
        )

    def issue_service(self, service: str, scopes: tuple[str, ...]) -> str:
        """A token for a jobmesh process acting on its own behalf (e.g. a worker's ledger calls)."""
        return self.issue(f"service:{service}", "", scopes=scopes)
