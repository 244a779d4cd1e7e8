"""Per-call context: who is calling and under which request id.

Set by the edge interceptor for the duration of one RPC; read by repositories
(owner scoping), outgoing clients (credential and request-id forwarding) and logs.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from services.common.errors import PermissionDenied, Unauthenticated


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    user_id: str
    email: str
    token: str  # the bearer token, forwarded on calls to other services
    scopes: frozenset[str] = frozenset()  # extra powers of service accounts, e.g. "ledger"
    session: str = ""  # the login session the token belongs to ("" for service accounts)


principal_var: ContextVar[Principal | None] = ContextVar("jobmesh_principal", default=None)
request_id_var: ContextVar[str] = ContextVar("jobmesh_request_id", default="")


def require_scope(scope: str) -> Principal:
    """The caller, who must hold `scope`; PERMISSION_DENIED otherwise."""
    principal = current_principal()
    if scope not in principal.scopes:
        raise PermissionDenied(f"this method needs the {scope!r} scope")
    return principal


def current_principal() -> Principal:
    """The caller of the current RPC; UNAUTHENTICATED when there is none."""
    principal = principal_var.get()
    if principal is None:
        raise Unauthenticated("authentication required")
    return principal
