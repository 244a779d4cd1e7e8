"""The contract every ATS adapter meets, and the result and error types the worker sees.

An adapter knows how one family of application forms behaves in a browser page: how to reach
the form, read its fields, fill a reviewed plan, spot walls it must not cross, submit once and
recognise evidence of a past submission. It decides nothing about what to answer (the field
mapper does) and never solves CAPTCHAs or logs in.
"""

from __future__ import annotations

import fnmatch
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Page

from services.automation.fieldmap import FillPlan, FormField


@dataclass(frozen=True)
class SubmitResult:
    """What the page showed after a submit (or, for `find_evidence`, what it shows now)."""

    confirmed: bool
    confirmation_text: str = ""
    already_applied: bool = False
    validation_errors: list[str] = field(default_factory=list)


class AdapterError(Exception):
    """An adapter could not do what was asked; the message says what the page showed."""


class BlockedError(AdapterError):
    """A CAPTCHA or login wall stands between the form and a submission."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FillError(AdapterError):
    """Some planned fields could not be filled or did not keep their values."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def host_matches(url: str, patterns: tuple[str, ...]) -> bool:
    """Whether the URL's host is one of `patterns` (shell-style wildcards allowed)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(fnmatch.fnmatchcase(host, pattern) for pattern in patterns)


class Adapter(ABC):
    """One ATS family. Instances are stateless and shared by every application in a process."""

    name: str = ""
    display_name: str = ""
    hosts: tuple[str, ...] = ()
    # Regexes that, all matching, identify this ATS's markup on hosts we don't know (embeds, mirrors).
    fingerprints: tuple[re.Pattern[str], ...] = ()

    def matches(self, url: str, page_html: str | None = None) -> bool:
        if host_matches(url, self.hosts):
            return True
        if page_html is None or not self.fingerprints:
            return False
        return all(pattern.search(page_html) for pattern in self.fingerprints)

    @abstractmethod
    async def open(self, page: Page, url: str) -> None:
        """Navigate to `url` and make the application form visible (clicking "Apply" if needed)."""

    @abstractmethod
    async def extract(self, page: Page) -> list[FormField]:
        """Every fillable field of the form, including those of later steps."""

    @abstractmethod
    async def fill(self, page: Page, plan: FillPlan) -> None:
        """Fill every planned field, walking steps; raise FillError if a value does not hold."""

    @abstractmethod
    async def detect_blocker(self, page: Page) -> str | None:
        """A reason when a CAPTCHA challenge or login wall is showing, else None."""

    @abstractmethod
    async def submit(self, page: Page) -> SubmitResult:
        """Click submit once and report what the site answered; raise BlockedError at a wall."""

    @abstractmethod
    async def find_evidence(self, page: Page, url: str) -> SubmitResult | None:
        """Evidence that an earlier submission went through (confirmation or "already applied"); never submits."""
