"""Keeps the browser off internal addresses: every request a page makes is vetted like a board fetch.

A form page (or anything it embeds, redirects to or calls from script) must not reach loopback,
private, link-local or metadata addresses from inside the worker's network, unless the operator
listed the host in JOBMESH_ALLOWED_HOSTS. Answers are cached per host:port for a short time so a
page's many requests cost one lookup. Chromium resolves names itself, so a DNS answer that
changes between this check and Chromium's connect is not caught here (board fetches pin theirs).
Must not decide anything about first or third parties: `RequestFilter` does.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import httpx

from services.common.netguard import BlockedURL, NetworkGuard

log = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class AddressCheck:
    """Says why a URL's host may not be reached from the browser ("" when it may)."""

    def __init__(self, guard: NetworkGuard, ttl_seconds: float = 30.0) -> None:
        self._guard = guard
        self._ttl = ttl_seconds
        self._answers: dict[tuple[str, int], tuple[float, str]] = {}

    async def refusal(self, url: str) -> str:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return ""  # data:, blob:, about: and the like never leave the browser
        try:
            key = (parts.hostname.lower(), parts.port or _DEFAULT_PORTS[scheme])
        except ValueError:
            return "the URL has an invalid port"
        cached = self._answers.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            await self._guard.vetted_addresses(*key)
            reason = ""
        except BlockedURL as exc:
            reason = str(exc)
            log.warning("browser request refused: %s", reason)
        except httpx.ConnectError:
            return ""  # unresolvable: Chromium fails the request itself; not worth remembering
        self._answers[key] = (now + self._ttl, reason)
        return reason
