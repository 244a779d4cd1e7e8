"""Ashby hosted application forms (jobs.ashbyhq.com): a React app with an Application tab.

Knows Ashby's application URL, form container and submit button; Yes/No button groups and the
location combobox are handled by the shared extraction and fill code.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from playwright.async_api import Page

from services.automation.adapters.generic import GenericAdapter


class AshbyAdapter(GenericAdapter):
    name = "ashby"
    display_name = "Ashby"
    hosts = ("jobs.ashbyhq.com",)
    catch_all = False
    fingerprints = (re.compile(r"_systemfield_"),)
    form_selector = ".ashby-application-form-container, .ashby-application-form"
    submit_selectors = ("button.ashby-application-form-submit-button",)

    async def reach_form(self, page: Page, url: str) -> None:
        await super().reach_form(page, url)
        if await self.form_controls(page) >= 2:
            return
        parts = urlsplit(url)
        if not parts.path.rstrip("/").endswith("/application"):
            path = parts.path.rstrip("/") + "/application"
            await page.goto(urlunsplit(parts._replace(path=path, fragment="")), wait_until="domcontentloaded")
            await self._settle(page)
