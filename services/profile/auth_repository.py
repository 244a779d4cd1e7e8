"""Queries over accounts and refresh tokens; refresh tokens are found only by their SHA-256.

Runs inside the caller's transaction; never commits and never sees a plaintext token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.profile.models import RefreshToken, User


@dataclass(frozen=True)
class UserRecord:
    id: str
    email: str
    password_hash: str


@dataclass(frozen=True)
class RefreshTokenState:
    id: str
    user_id: str
    family_id: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class AuthRepository:
    """Accounts and refresh tokens, seen through one session."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def insert_user(self, user_id: str, email: str, password_hash: str) -> bool:
        """Creates an account; False when the email is taken."""
        created = await self.session.scalar(
            insert(User)
            .values(id=user_id, email=email, password_hash=password_hash)
            .on_conflict_do_nothing(index_elements=[User.email])
            .returning(User.id)
        )
        return created is not None

    async def find_user_by_email(self, email: str) -> UserRecord | None:
        row = await self.session.scalar(select(User).where(User.email == email))
        return UserRecord(row.id, row.email, row.password_hash) if row else None

    async def get_user(self, user_id: str) -> UserRecord | None:
        row = await self.session.scalar(select(User).where(User.id == user_id))
        return UserRecord(row.id, row.email, row.password_hash) if row else None

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(password_hash=password_hash, update_time=func.now())
        )

    async def insert_refresh_token(
        self,
        *,
        token_id: str,
        user_id: str,
        family_id: str,
        parent_id: str | None,
        token_hash: str,
        expires_at: datetime,
    ) -> None:
        await self.session.execute(
            insert(RefreshToken).values(
                id=token_id,
                user_id=user_id,
                family_id=family_id,
                parent_id=parent_id,
                token_hash=token_hash,
                expires_at=expires_at,
            )
        )

    async def consume_refresh_token(self, token_hash: str) -> RefreshTokenState | None:
        """Marks a live token used, atomically: of two concurrent callers only one gets it back."""
        row = (
            await self.session.execute(
                update(RefreshToken)
                .where(
                    RefreshToken.token_hash == token_hash,
                    RefreshToken.used_at.is_(None),
                    RefreshToken.revoked_at.is_(None),
                    RefreshToken.expires_at > func.now(),
                )
                .values(used_at=func.now())
                .returning(
                    RefreshToken.id,
                    RefreshToken.user_id,
                    RefreshToken.family_id,
                    RefreshToken.expires_at,
                    RefreshToken.used_at,
                    RefreshToken.revoked_at,
                )
            )
        ).one_or_none()
        return RefreshTokenState(*row) if row else None

    async def find_refresh_token(self, token_hash: str) -> RefreshTokenState | None:
        row = await self.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))
        if row is None:
            return None
        return RefreshTokenState(
            row.id, row.user_id, row.family_id, row.expires_at, row.used_at, row.revoked_at
        )

    async def revoke_family(self, family_id: str) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
