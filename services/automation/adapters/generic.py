"""The adapter for any HTML application form, and the base the ATS-specific adapters tune.

Subclasses change data, not flow: where the form lives (`form_selector`), how to recognise the
ATS, which buttons submit or lead to the form. The flow (open, extract, fill, walls, submit,
evidence) lives here once. It never solves a CAPTCHA, never logs in and clicks submit at most once.
"""

from __future__ import annotations

import asyncio
import re
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from services.automation.adapters.base import Adapter, AdapterError, BlockedError, SubmitResult
from services.automation.adapters.extract import extract_fields
from services.automation.adapters.fill import click_next, fill_plan
from services.automation.adapters.outcome import InFlight, await_outcome, detect_blocker, read_outcome
from services.automation.fieldmap import FillPlan, FormField

APPLY_BUTTON = re.compile(
    r"^\s*(apply( now| here| online)?|apply for this (job|position|role)|application|start (your )?application"
    r"|i'?m interested)\s*$",
    re.I,
)
SUBMIT_BUTTON = re.compile(r"^\s*(submit|send|apply|finish|complete)\b.*$", re.I)
_COUNT_CONTROLS_JS = """
(sel) => {
  const root = (sel && document.querySelector(sel)) || document.body;
  return Array.from(root.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter((el) => el.getClientRects().length > 0 || el.type === 'file').length;
}
"""


class GenericAdapter(Adapter):
    """Any page with an HTML application form."""

    name = "generic"
    display_name = "Generic form"
    hosts: tuple[str, ...] = ()
    # Whether this adapter takes any URL; the ATS subclasses only take theirs.
    catch_all: bool = True
    # The form's root element; None lets extraction pick the form with the most controls.
    form_selector: str | None = None
    # Buttons tried before the accessible-name search for a submit button.
    submit_selectors: tuple[str, ...] = ()
    submit_timeout_seconds: float = 45.0
    load_timeout_ms: float = 10_000

    def matches(self, url: str, page_html: str | None = None) -> bool:
        return self.catch_all or super().matches(url, page_html)

    async def _settle(self, page: Page) -> None:
        with suppress(PlaywrightError):
            await page.wait_for_load_state("load", timeout=self.load_timeout_ms)

    async def form_controls(self, page: Page) -> int:
        """How many fillable controls the form shows now."""
        count: int = await page.evaluate(_COUNT_CONTROLS_JS, self.form_selector)
        return count

    async def open(self, page: Page, url: str) -> None:
        await page.goto(url, wait_until="domcontentloaded")
        await self._settle(page)
        if await self.form_controls(page) >= 2:
            return
        await self.reach_form(page, url)
        for _ in range(50):
            if await self.form_controls(page) >= 2:
                return
            await asyncio.sleep(0.2)

    async def reach_form(self, page: Page, url: str) -> None:
        """Get from a job page to its form: follow an embedded form frame or click "Apply"."""
        frame_src = await page.evaluate(
            '() => { const f = document.querySelector(\'iframe#grnhse_iframe, iframe[src*="job_app"], '
            'iframe[src*="/apply"], iframe[src*="application"]\'); return f ? f.src : null; }'
        )
        if frame_src:
            await page.goto(frame_src, wait_until="domcontentloaded")
            await self._settle(page)
            return
        for role in ("link", "button", "tab"):
            target = page.get_by_role(role, name=APPLY_BUTTON).filter(visible=True)
            if await target.count():
                await target.first.click()
                await self._settle(page)
                return

    async def extract(self, page: Page) -> list[FormField]:
        return await extract_fields(page, self.form_selector)

    async def fill(self, page: Page, plan: FillPlan) -> None:
        await fill_plan(page, plan)

    async def detect_blocker(self, page: Page) -> str | None:
        return await detect_blocker(page)

    async def submit_button(self, page: Page) -> Locator:
        """The visible submit button, walking any remaining "Next" steps to reach it."""
        for _ in range(5):
            for selector in self.submit_selectors:
                found = page.locator(selector).filter(visible=True)
                if await found.count():
                    return found.first
            scope = page.locator(self.form_selector).first if self.form_selector else page
            by_name = scope.get_by_role("button", name=SUBMIT_BUTTON).filter(visible=True)
            if await by_name.count():
                return by_name.last
            typed = scope.locator("button[type=submit], input[type=submit]").filter(visible=True)
            if await typed.count():
                return typed.last
            if not await click_next(page):
                break
        raise AdapterError("no visible submit button")

    async def submit(self, page: Page) -> SubmitResult:
        wall = await self.detect_blocker(page)
        if wall:
            raise BlockedError(wall)
        button = await self.submit_button(page)
        with InFlight(page) as inflight:
            await button.click()
            result, wall = await await_outcome(
                page, inflight, form_selector=self.form_selector, limit=self.submit_timeout_seconds
            )
        if wall:
            raise BlockedError(wall)
        return result

    async def find_evidence(self, page: Page, url: str) -> SubmitResult | None:
        if page.url.startswith(("http:", "https:")):
            outcome = await read_outcome(page, self.form_selector)
            if outcome is not None and outcome.result() is not None:
                return outcome.result()
            if page.url == url:
                return None
        await page.goto(url, wait_until="domcontentloaded")
        await self._settle(page)
        outcome = await read_outcome(page, self.form_selector)
        return outcome.result() if outcome is not None else None
