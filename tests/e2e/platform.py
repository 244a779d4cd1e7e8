"""REST helpers for end-to-end tests that talk to `jobmesh run` through Envoy (see stack.py).

Accounts, bearer headers and `google.rpc.Status` error bodies as a REST client sees them, plus a
recorder of which contract operations a client reached. Must not start processes or seed data
behind the platform's back: everything goes through the public HTTP port.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Json = dict[str, Any]
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
PUBLIC_SERVICES = ("AuthService", "ProfileService", "JobService", "ApplicationService", "AutomationService")
_METHODS = ("get", "post", "patch", "put", "delete")


@dataclass(frozen=True)
class Account:
    """A registered user and the token pair Register returned."""

    email: str
    password: str
    access_token: str
    refresh_token: str
    user: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def new_credentials(prefix: str = "e2e") -> tuple[str, str]:
    """A fresh email address and a valid password."""
    run = uuid.uuid4().hex[:10]
    return f"{prefix}+{run}@jobmesh.dev", f"{prefix}-{run}-long-password"


async def register(client: httpx.AsyncClient, prefix: str = "e2e") -> Account:
    """Registers a new account over REST; fails the test unless Register answers 200."""
    email, password = new_credentials(prefix)
    response = await client.post("/v1/auth:register", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(email, password, body["accessToken"], body["refreshToken"], body["user"])


def status_of(response: httpx.Response, http: int, code: int) -> Json:
    """The response's `google.rpc.Status` body, after checking its HTTP and gRPC codes."""
    assert response.status_code == http, f"{response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/json"), response.headers
    status: Json = response.json()
    assert status["code"] == code, status
    assert isinstance(status["message"], str) and status["message"], status
    assert isinstance(status["details"], list), status
    return status


def error_reason(status: Json) -> str:
    """The `ErrorInfo.reason` of a Status ('' when it carries none)."""
    return next((d["reason"] for d in status["details"] if d["@type"] == ERROR_INFO), "")


def violated_fields(status: Json) -> set[str]:
    """The fields a Status's `BadRequest` detail names."""
    return {
        violation["field"]
        for detail in status["details"]
        if detail["@type"] == BAD_REQUEST
        for violation in detail["fieldViolations"]
    }


def _template_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    return re.compile("".join("[^/:]+" if p.startswith("{") else re.escape(p) for p in parts) + r"\Z")


@dataclass
class OperationRecorder:
    """Which OpenAPI operations a client got a 2xx from, matched on method and path template."""

    operations: dict[str, tuple[str, re.Pattern[str]]] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)

    def learn(self, document: Mapping[str, Any], services: Iterable[str] = PUBLIC_SERVICES) -> None:
        """Takes the operations of `services` from an OpenAPI document."""
        wanted = tuple(f"{service}_" for service in services)
        for path, item in document["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation and operation["operationId"].startswith(wanted):
                    self.operations[operation["operationId"]] = (method.upper(), _template_pattern(path))

    async def __call__(self, response: httpx.Response) -> None:
        if not 200 <= response.status_code < 300:
            return
        method, path = response.request.method, response.request.url.path
        # A variable never spans `/` or `:`, so `/v1/jobs:search` cannot pass for `/v1/jobs/{job}`.
        self.answered |= {
            op for op, (m, pattern) in self.operations.items() if m == method and pattern.match(path)
        }

    def missing(self) -> list[str]:
        """Operations learnt but never answered with a 2xx."""
        return sorted(set(self.operations) - self.answered)
