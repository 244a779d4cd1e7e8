"""Account use cases: register, log in, rotate refresh tokens, log out.

Access tokens are JWTs from `TokenService`; refresh tokens are opaque, single-use
and stored only as SHA-256 hashes in families, so a replayed (already rotated)
token revokes its whole family. Owns the transactions; no proto here.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.errors import AlreadyExists, InvalidArgument, Unauthenticated
from services.common.revocations import EndedSessions
from services.common.tokens import TokenService
from services.profile.auth_repository import AuthRepository, RefreshTokenState
from services.profile.passwords import Passwords
from services.profile.validation import MAX_PASSWORD, email_problem, normalize_email, password_problem

log = logging.getLogger("jobmesh.auth")

_BAD_CREDENTIALS = "invalid email or password"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str

    @property
    def user(self) -> str:
        return f"users/{self.user_id}"


class _Refusal(Enum):
    UNKNOWN = ("invalid refresh token", "INVALID_REFRESH_TOKEN")
    REUSED = (
        "refresh token was already used; every session of this login is signed out",
        "REFRESH_TOKEN_REUSED",
    )
    REVOKED = ("refresh token was revoked", "REFRESH_TOKEN_REVOKED")
    EXPIRED = ("refresh token expired", "REFRESH_TOKEN_EXPIRED")

    def error(self) -> Unauthenticated:
        message, reason = self.value
        return Unauthenticated(message, reason=reason)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuthService:
    """Registration, login and the refresh-token lifecycle."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: Callable[[AsyncSession], AuthRepository],
        passwords: Passwords,
        tokens: TokenService,
        refresh_ttl_seconds: int,
        ended_sessions: EndedSessions | None = None,
    ):
        self._ended_sessions = ended_sessions
        self._sessions = sessions
        self._repository = repository
        self._passwords = passwords
        self._tokens = tokens
        self._refresh_ttl = timedelta(seconds=refresh_ttl_seconds)

    async def _issue(
        self, repo: AuthRepository, user_id: str, email: str, family_id: str, parent_id: str | None
    ) -> TokenPair:
        refresh = secrets.token_urlsafe(32)
        await repo.insert_refresh_token(
            token_id=str(uuid.uuid4()),
            user_id=user_id,
            family_id=family_id,
            parent_id=parent_id,
            token_hash=hash_refresh_token(refresh),
            expires_at=datetime.now(UTC) + self._refresh_ttl,
        )
        access = self._tokens.issue(user_id, email, family=family_id)
        return TokenPair(access, refresh, self._tokens.ttl_seconds, user_id)

    async def register(self, email: str, password: str) -> TokenPair:
        email = normalize_email(email)
        problems: list[tuple[str, str]] = []
        email_error = email_problem(email) if email else "is required"
        if email_error:
            problems.append(("email", email_error))
        if problem := password_problem(password):
            problems.append(("password", problem))
        if problems:
            raise InvalidArgument(problems)
        password_hash = await self._passwords.hash(password)
        user_id = str(uuid.uuid4())
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if not await repo.insert_user(user_id, email, password_hash):
                raise AlreadyExists("an account with this email exists", reason="EMAIL_TAKEN")
            return await self._issue(repo, user_id, email, str(uuid.uuid4()), None)

    async def login(self, email: str, password: str) -> TokenPair:
        """A new token family; the same answer for an unknown email and a wrong password."""
        email = normalize_email(email)
        if not email or not password or len(password) > MAX_PASSWORD:
            raise Unauthenticated(_BAD_CREDENTIALS, reason="INVALID_CREDENTIALS")
        async with self._sessions() as s, s.begin():
            user = await self._repository(s).find_user_by_email(email)
        ok, needs_rehash = await self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not ok:
            raise Unauthenticated(_BAD_CREDENTIALS, reason="INVALID_CREDENTIALS")
        new_hash = await self._passwords.hash(password) if needs_rehash else None
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            if new_hash:
                await repo.set_password_hash(user.id, new_hash)
            return await self._issue(repo, user.id, user.email, str(uuid.uuid4()), None)

    @staticmethod
    def _refusal(state: RefreshTokenState | None) -> _Refusal:
        if state is None:
            return _Refusal.UNKNOWN
        if state.revoked_at is not None:
            return _Refusal.REVOKED
        if state.used_at is not None:
            return _Refusal.REUSED
        return _Refusal.EXPIRED

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Rotates the token; a used token revokes its family (committed before the error is raised)."""
        if not refresh_token:
            raise InvalidArgument([("refresh_token", "is required")])
        token_hash = hash_refresh_token(refresh_token)
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            consumed = await repo.consume_refresh_token(token_hash)
            user = await repo.get_user(consumed.user_id) if consumed else None
            if consumed is not None and user is not None:
                return await self._issue(repo, user.id, user.email, consumed.family_id, consumed.id)
            state = await repo.find_refresh_token(token_hash)
            refusal = self._refusal(state)
            if state is not None and refusal is _Refusal.REUSED:
                await repo.revoke_family(state.family_id)
        if state is not None and refusal is _Refusal.REUSED:
            await self._end_session(state.family_id)
        raise refusal.error()

    async def logout(self, refresh_token: str) -> None:
        """Revokes the token's family; the token itself is the credential."""
        if not refresh_token:
            raise InvalidArgument([("refresh_token", "is required")])
        async with self._sessions() as s, s.begin():
            repo = self._repository(s)
            state = await repo.find_refresh_token(hash_refresh_token(refresh_token))
            if state is not None:
                await repo.revoke_family(state.family_id)
        if state is None:
            raise _Refusal.UNKNOWN.error()
        await self._end_session(state.family_id)

    async def _end_session(self, family_id: str) -> None:
        """Stops the family's access tokens too; its refresh tokens are already revoked (committed)."""
        if self._ended_sessions is None:
            return
        try:
            await self._ended_sessions.end(family_id)
        except RedisError as exc:
            # The durable part (no more refreshes) is done; access tokens then end at their expiry.
            log.error("could not end session %s for access tokens: %s", family_id, exc)
