"""Which adapter handles a URL: ATS adapters by host or markup, the generic adapter last.

Adapters are stateless, so one instance of each serves the whole process.
"""

from __future__ import annotations

from services.automation.adapters.ashby import AshbyAdapter
from services.automation.adapters.base import Adapter
from services.automation.adapters.generic import GenericAdapter
from services.automation.adapters.greenhouse import GreenhouseAdapter
from services.automation.adapters.lever import LeverAdapter

ADAPTERS: tuple[Adapter, ...] = (GreenhouseAdapter(), LeverAdapter(), AshbyAdapter(), GenericAdapter())


def adapter_for(url: str, html: str | None = None) -> Adapter:
    """The first adapter that recognises `url` (or, failing its host, the page's `html`)."""
    for adapter in ADAPTERS:
        if adapter.matches(url, html):
            return adapter
    return ADAPTERS[-1]


def adapter_named(name: str) -> Adapter:
    """The adapter whose `name` is `name`; KeyError if there is none."""
    for adapter in ADAPTERS:
        if adapter.name == name:
            return adapter
    raise KeyError(name)
