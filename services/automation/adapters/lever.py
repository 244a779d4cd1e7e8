"""Lever hosted application forms (jobs.lever.co): posting page, then /apply with question cards.

Knows Lever's apply URL, form and submit button; everything else is the generic flow.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from playwright.async_api import Page

from services.automation.adapters.generic import GenericAdapter


class LeverAdapter(GenericAdapter):
    name = "lever"
    display_name = "Lever"
    hosts = ("jobs.lever.co", "jobs.eu.lever.co")
    catch_all = False
    fingerprints = (re.compile(r"application-form"), re.compile(r"cards\["))
    form_selector = "form.application-form, #application-form"
    submit_selectors = ("#btn-submit",)

    async def reach_form(self, page: Page, url: str) -> None:
        await super().reach_form(page, url)
        if await self.form_controls(page) >= 2:
            return
        parts = urlsplit(url)
        if not parts.path.rstrip("/").endswith("/apply"):
            apply_url = urlunsplit(
                parts._replace(path=parts.path.rstrip("/") + "/apply", query="", fragment="")
            )
            await page.goto(apply_url, wait_until="domcontentloaded")
            await self._settle(page)
