"""HTTP headers ⇄ gRPC metadata, the way grpc-gateway maps them, plus the request id and deadline.

In: `Authorization` → `authorization`, `Grpc-Metadata-<k>` → `<k>` (base64 values for `-bin` keys),
`X-Request-Id` (generated when absent) → `x-request-id`, `X-Forwarded-For` (with the client appended) and
`X-Forwarded-Host`, `Grpc-Timeout` → the call's deadline. Out: initial metadata → `Grpc-Metadata-<k>`,
trailers → `Grpc-Trailer-<k>`. Must not forward hop-by-hop or reserved `grpc-` keys.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import bad_request

REQUEST_ID = "x-request-id"
METADATA_PREFIX = "grpc-metadata-"
TRAILER_PREFIX = "grpc-trailer-"
_KEY = re.compile(r"^[0-9a-z_.\-]+$")
_VALUE = re.compile(r"^[\x20-\x7e]*$")
_REQUEST_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
_TIMEOUT = re.compile(r"^(\d{1,8})([HMSmun])$")
_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_RESERVED = frozenset({"content-type", "te", "user-agent", "host", "connection", "content-length"})

MetadataValue = str | bytes


@dataclass(frozen=True)
class CallContext:
    """What the upstream call carries: metadata, an explicit deadline (if asked), the request id."""

    metadata: tuple[tuple[str, MetadataValue], ...]
    timeout: float | None
    request_id: str


def parse_grpc_timeout(value: str) -> float:
    """`Grpc-Timeout` (e.g. `10S`, `250m`) in seconds."""
    match = _TIMEOUT.match(value.strip())
    if not match:
        raise bad_request([("Grpc-Timeout", f"{value!r} is not a gRPC timeout such as 10S or 250m")])
    return int(match.group(1)) * _UNITS[match.group(2)]


def _forwardable(key: str) -> bool:
    return bool(_KEY.match(key)) and not key.startswith("grpc-") and key not in _RESERVED


def _metadata_value(key: str, value: str) -> MetadataValue | None:
    if key.endswith("-bin"):
        try:
            return base64.b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None
    return value if _VALUE.match(value) else None


def call_context(headers: Iterable[tuple[str, str]], client_host: str | None) -> CallContext:
    """Builds the outgoing metadata from request headers (names lower-cased)."""
    metadata: list[tuple[str, MetadataValue]] = []
    request_id = ""
    forwarded_for: list[str] = []
    timeout = None
    for name, value in headers:
        if name == "authorization":
            metadata.append(("authorization", value))
        elif name.startswith(METADATA_PREFIX):
            key = name[len(METADATA_PREFIX) :]
            converted = _metadata_value(key, value) if _forwardable(key) else None
            if converted is not None:
                metadata.append((key, converted))
        elif name == REQUEST_ID and _REQUEST_ID.match(value):
            request_id = value
        elif name == "x-forwarded-for":
            forwarded_for.append(value.strip())
        elif name == "host" and _VALUE.match(value):
            metadata.append(("x-forwarded-host", value))
        elif name == "grpc-timeout":
            timeout = parse_grpc_timeout(value)
    if client_host:
        forwarded_for.append(client_host)
    if forwarded_for:
        metadata.append(("x-forwarded-for", ", ".join(f for f in forwarded_for if f)))
    request_id = request_id or uuid.uuid4().hex
    metadata.append((REQUEST_ID, request_id))
    return CallContext(tuple(metadata), timeout, request_id)


def _header_value(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def response_headers(
    initial: Sequence[tuple[str, Any]] | None, trailing: Sequence[tuple[str, Any]] | None
) -> list[tuple[str, str]]:
    """Upstream metadata as response headers (`Grpc-Metadata-*`, `Grpc-Trailer-*`)."""
    out: list[tuple[str, str]] = []
    for key, value in initial or ():
        if _forwardable(key):
            out.append((METADATA_PREFIX + key, _header_value(value)))
    for key, value in trailing or ():
        if _forwardable(key):
            out.append((TRAILER_PREFIX + key, _header_value(value)))
    return out
