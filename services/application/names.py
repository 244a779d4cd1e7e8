"""Resource names this service parses: `applications/{uuid}`, `profiles/{id}`, `jobs/{id}`."""

from __future__ import annotations

import re
import uuid

from services.common.errors import InvalidArgument

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def application_id(name: str, field: str = "name") -> str:
    prefix, _, raw = name.partition("/")
    if prefix != "applications" or not raw:
        raise InvalidArgument([(field, "must be applications/{application}")])
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise InvalidArgument([(field, "must be applications/{application}")]) from exc


def check_reference(name: str, collection: str, field: str) -> str | None:
    """A violation message for a malformed `collection/{id}` reference, else None."""
    prefix, _, raw = name.partition("/")
    if not name:
        return "is required"
    if prefix != collection or not _ID.match(raw):
        return f"must be {collection}/{{id}}"
    return None
