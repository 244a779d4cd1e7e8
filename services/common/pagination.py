"""AIP-158 pagination: page-size rules and opaque, tamper-proof page tokens.

A token is the last row's sort key plus a digest of the query it belongs to,
signed with HMAC; a token from another query, a forged one or a truncated one
is INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from services.common.errors import InvalidArgument
from services.common.keys import derive_key

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    """0 → 50, above 500 → 500, negative → INVALID_ARGUMENT."""
    if requested < 0:
        raise InvalidArgument([("page_size", "must not be negative")])
    if requested == 0:
        return DEFAULT_PAGE_SIZE
    return min(requested, MAX_PAGE_SIZE)


class PageTokens:
    """Signs and checks page tokens bound to one query."""

    def __init__(self, master_key: bytes):
        self._key = derive_key(master_key, "page-token")

    def _digest(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:16]

    @staticmethod
    def _query_id(query: Any) -> str:
        return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def encode(self, position: Any, query: Any) -> str:
        payload = json.dumps({"p": position, "q": self._query_id(query)}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload + self._digest(payload)).decode().rstrip("=")

    def decode(self, token: str, query: Any) -> Any:
        """The position a token resumes from; None for an empty token."""
        if not token:
            return None
        bad = InvalidArgument([("page_token", "is not a page token of this query")])
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError as exc:
            raise bad from exc
        payload, sig = raw[:-16], raw[-16:]
        if len(raw) <= 16 or not hmac.compare_digest(sig, self._digest(payload)):
            raise bad
        data = json.loads(payload)
        if data.get("q") != self._query_id(query):
            raise bad
        return data["p"]
