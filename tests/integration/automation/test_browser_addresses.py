"""A form page cannot make the worker's browser reach internal addresses that were not allowed.

The form is on 127.0.0.1 (allowed, as the local test sites are); an "internal service" listens
on 127.0.0.2, which is loopback but not listed. The page calls it from script, embeds it in a
frame and finally navigates to it; none of that may reach it. Without the check (the control),
the same page does reach it, so the test can tell the two apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Error as PlaywrightError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from services.automation.addresses import AddressCheck
from services.automation.browser import BrowserPool
from services.common.netguard import NetworkGuard
from tests.sites.server import serve_app


@pytest.fixture
async def internal() -> AsyncIterator[tuple[str, list[str]]]:
    hits: list[str] = []

    async def secret(request: Request) -> PlainTextResponse:
        hits.append(request.url.path)
        return PlainTextResponse("instance credentials", headers={"Access-Control-Allow-Origin": "*"})

    app = Starlette(routes=[Route("/{path:path}", secret)])
    async with serve_app(app, host="127.0.0.2") as url:
        yield url, hits


def _form_site(internal_url: str) -> Starlette:
    async def form(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f"""<html><body><form><label>Email <input name="email"></label></form>
            <iframe src="{internal_url}/framed"></iframe>
            <p id="out">pending</p>
            <script>
              fetch("{internal_url}/fetched").then(r => r.text())
                .then(t => document.getElementById("out").textContent = t)
                .catch(() => document.getElementById("out").textContent = "refused");
            </script></body></html>"""
        )

    return Starlette(routes=[Route("/apply", form)])


async def _visit(pool: BrowserPool, site_url: str, internal_url: str) -> str:
    async with pool.context(site_url=site_url) as context:
        page = await context.new_page()
        await page.goto(f"{site_url}/apply")
        await page.wait_for_function("document.getElementById('out').textContent !== 'pending'")
        fetched = await page.text_content("#out") or ""
        try:
            await page.goto(f"{internal_url}/navigated")
        except PlaywrightError as exc:
            return f"{fetched}|navigation failed: {type(exc).__name__}"
        return f"{fetched}|navigation reached"


async def test_requests_to_unlisted_internal_addresses_never_leave_the_browser(
    internal: tuple[str, list[str]],
) -> None:
    internal_url, hits = internal
    async with serve_app(_form_site(internal_url)) as site_url:
        guarded = AddressCheck(NetworkGuard(["127.0.0.1"]))
        async with BrowserPool(max_contexts=1, addresses=guarded) as pool:
            outcome = await _visit(pool, site_url, internal_url)
        assert outcome.startswith("refused|navigation failed"), outcome
        assert hits == []

        async with BrowserPool(max_contexts=1) as pool:  # the control: no address check
            outcome = await _visit(pool, site_url, internal_url)
        assert outcome == "instance credentials|navigation reached"
        # Chromium may also ask the internal host for its favicon once it has shown a page from it.
        assert sorted(set(hits) - {"/favicon.ico"}) == ["/fetched", "/framed", "/navigated"]
