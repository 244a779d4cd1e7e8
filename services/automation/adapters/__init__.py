"""ATS adapters: drive one family of application forms in a Playwright page (see base.Adapter)."""

from services.automation.adapters.base import Adapter, AdapterError, BlockedError, FillError, SubmitResult
from services.automation.adapters.registry import ADAPTERS, adapter_for, adapter_named

__all__ = [
    "ADAPTERS",
    "Adapter",
    "AdapterError",
    "BlockedError",
    "FillError",
    "SubmitResult",
    "adapter_for",
    "adapter_named",
]
