"""Password hashing with argon2id (OWASP parameters), off the event loop.

Verification of an unknown account runs against a dummy hash so that a wrong
email costs as long as a wrong password. Stores nothing.
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def owasp_hasher() -> PasswordHasher:
    """argon2id, 19 MiB, 2 iterations, 1 lane: OWASP's baseline recommendation."""
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class Passwords:
    """Hashes and checks passwords in a worker thread (argon2 is deliberately slow)."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self._hasher = hasher or owasp_hasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    def _verify(self, stored: str | None, password: str) -> tuple[bool, bool]:
        try:
            self._hasher.verify(stored or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False, False
        if stored is None:
            return False, False
        return True, self._hasher.check_needs_rehash(stored)

    async def verify(self, stored: str | None, password: str) -> tuple[bool, bool]:
        """(matches, needs rehash); `stored` None (no such account) never matches."""
        return await asyncio.to_thread(self._verify, stored, password)
