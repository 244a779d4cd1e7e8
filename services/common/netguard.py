"""Decides which URLs jobmesh may fetch on a user's behalf (board syncs, PreviewFill), against SSRF.

Allowed: https on the default port to the known ATS hosts, and http/https to hosts the
operator listed in JOBMESH_ALLOWED_HOSTS. Every address an ATS host resolves to must be
globally routable; listed hosts are trusted as they are (that is how loopback test sites
are reached). `GuardedTransport` checks every request, redirects included, and connects
through `PinnedBackend`: the name is resolved once and the vetted address is the one
connected to, so a DNS answer that changes between check and connect (rebinding) cannot
reach an internal address.

Depends on the standard library, httpx and httpcore only: the automation service reuses it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
# Labels libc would read as a number (127.1, 0x7f.0.0.1, 2130706433): an IP address in disguise.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedURL(ValueError):
    """The URL may not be fetched; the message says why."""


class NetworkGuard:
    """Checks URLs before jobmesh connects to them.

    `ats_hosts` entries are host names (`jobs.lever.co`) or `*.domain` wildcards for
    subdomains; `allowed_hosts` entries are `host` (any port) or `host:port`, with IPv6
    literals in brackets (`[::1]:8080`).
    """

    def __init__(
        self,
        allowed_hosts: Iterable[str] = (),
        ats_hosts: Iterable[str] = (),
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._allowed: set[tuple[str, int | None]] = {
            _parse_entry(entry) for entry in allowed_hosts if entry.strip()
        }
        ats = [h.strip().lower().rstrip(".") for h in ats_hosts if h.strip()]
        self._ats_exact = {h for h in ats if not h.startswith("*.")}
        self._ats_suffixes = tuple(h[1:] for h in ats if h.startswith("*."))
        self._resolve = resolver or _system_resolver

    def is_allowed_host(self, host: str, port: int) -> bool:
        """Whether the operator listed this host (with any port, or with this one)."""
        key = _host_key(host)
        return (key, None) in self._allowed or (key, port) in self._allowed

    def is_ats_host(self, host: str) -> bool:
        """Whether the host is one of the known ATS hosts."""
        key = _host_key(host)
        return key in self._ats_exact or any(key.endswith(suffix) for suffix in self._ats_suffixes)

    async def check_url(self, url: str | httpx.URL) -> None:
        """Returns when `url` may be fetched; raises BlockedURL saying why not."""
        host, port = self.check_policy(url)
        await self.vetted_addresses(host, port)

    def check_policy(self, url: str | httpx.URL) -> tuple[str, int]:
        """The URL's host and port when its scheme, host and port may be used (no DNS lookup)."""
        parsed = _parse_url(url)
        scheme, host = parsed.scheme, parsed.host.lower().rstrip(".")
        port = parsed.port or _DEFAULT_PORTS[scheme]
        literal = _ip_literal(host)
        if literal is None:
            _check_host_name(host)
        if self.is_allowed_host(host, port):
            return host, port
        if literal is not None and refused_reason(literal):
            raise BlockedURL(f"address {literal} is {_article(refused_reason(literal))} address")
        if not self.is_ats_host(host):
            raise BlockedURL(f"host {host!r} is neither a known ATS host nor in the allowed hosts")
        if scheme != "https":
            raise BlockedURL(f"ATS host {host!r} must be reached over https, not {scheme}")
        if port != 443:
            raise BlockedURL(f"ATS host {host!r} must be reached on port 443, not {port}")
        return host, port

    async def vetted_addresses(self, host: str, port: int) -> list[str]:
        """What to connect to for `host`: itself when listed, else its addresses, all public."""
        host = host.lower().rstrip(".")
        if self.is_allowed_host(host, port):
            return [host]
        literal = _ip_literal(host)
        addresses = [literal] if literal is not None else await self._addresses(host, port)
        for address in addresses:
            reason = refused_reason(address)
            if reason:
                raise BlockedURL(f"host {host!r} resolves to {address}, {_article(reason)} address")
        return [str(address) for address in addresses]

    async def _addresses(self, host: str, port: int) -> list[Address]:
        try:
            found = await self._resolve(host, port)
        except OSError as exc:
            # Not a policy refusal: DNS may be down for a moment, so callers may retry.
            raise httpx.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        if not found:
            raise httpx.ConnectError(f"cannot resolve {host!r}: no addresses")
        return [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]


def refused_reason(address: Address) -> str:
    """Why an address is not a public destination ("" when it is one), IPv4 in IPv6 forms included."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            inner = refused_reason(embedded)
            if inner:
                return f"{inner} (IPv4 inside IPv6)"
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    for name, hit in checks:
        if hit:
            return name
    return "" if address.is_global else "non-global"


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that checks every request's URL with the guard before sending it.

    By default it connects through `PinnedBackend`; an `inner` transport given instead (tests,
    custom pools) gets the full check, DNS included, before each request.
    """

    def __init__(self, guard: NetworkGuard, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._guard = guard
        self._pinned = inner is None
        self._inner = inner or _pinned_transport(guard)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._pinned:
            self._guard.check_policy(request.url)
        else:
            await self._guard.check_url(request.url)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the guard vetted, resolving each name once.

    TLS still verifies the certificate against the host name: httpcore sends the URL's host
    as SNI and checks it, whatever address the socket was opened to.
    """

    def __init__(self, guard: NetworkGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self._guard.vetted_addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # vetted_addresses never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("jobmesh never fetches over unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pinned_transport(guard: NetworkGuard) -> httpx.AsyncHTTPTransport:
    """httpx's transport with its connection pool rebuilt on `PinnedBackend` (same defaults)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    # httpx has no public hook for the network backend; its pool is the one attribute replaced.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(guard),
    )
    return transport


async def _system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _parse_url(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise BlockedURL(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in _DEFAULT_PORTS:
        raise BlockedURL(f"scheme {parsed.scheme or '(none)'!r} is not http or https")
    if parsed.userinfo:
        raise BlockedURL("URLs with a user name or password are refused")
    if not parsed.host:
        raise BlockedURL("URL has no host")
    return parsed


def _ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _check_host_name(host: str) -> None:
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BlockedURL(f"host {host!r} is not a valid DNS name or IP address")
    if _NUMERIC_LABEL.match(labels[-1]):
        raise BlockedURL(f"host {host!r} looks like an IP address in a non-standard form")


def _host_key(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    literal = _ip_literal(host)
    return str(literal) if literal is not None else host


def _parse_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    if port and not port.isdigit():
        raise ValueError(f"allowed host {entry!r} has a bad port")
    return _host_key(host), int(port) if port else None
