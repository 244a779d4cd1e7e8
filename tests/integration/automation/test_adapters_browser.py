"""BrowserPool: request filtering, context limits, crash relaunch and shutdown, with real Chromium."""

from __future__ import annotations

import asyncio

import pytest

from services.automation.browser import BrowserPool, RequestFilter, registrable_host
from tests.integration.automation.conftest import AtsSites, PageOpener

pytestmark = pytest.mark.integration


async def test_third_party_images_and_fonts_are_blocked_but_scripts_load(
    ats_sites: AtsSites, open_page: PageOpener
) -> None:
    async with open_page() as page:
        await page.goto(f"{ats_sites.base_url}/generic/gen-thirdparty", wait_until="load")
        await page.evaluate("document.fonts.ready.then(() => true)")
        first_party = await page.evaluate("window.firstPartyScriptRan === true")
        third_party_script = await page.evaluate("window.thirdPartyScriptRan === true")
        image_width = await page.evaluate("document.querySelector('img.brand').naturalWidth")
    assert first_party
    # The other host is reachable: its script (not a blocked kind) arrived...
    assert third_party_script and "/widget.js" in ats_sites.tracker.paths
    # ...while its image and font were never requested.
    assert image_width == 0
    assert "/pixel.png" not in ats_sites.tracker.paths
    assert "/brand.woff2" not in ats_sites.tracker.paths


@pytest.mark.parametrize(
    ("url", "kind", "site", "blocked"),
    [
        (
            "https://boards.cdn.greenhouse.io/logo.png",
            "image",
            "https://boards.greenhouse.io/acme/jobs/1",
            False,
        ),
        ("https://lever-client-logos.s3.amazonaws.com/a.png", "image", "https://jobs.lever.co/acme/1", True),
        ("https://fonts.gstatic.com/s/a.woff2", "font", "https://jobs.ashbyhq.com/acme/1", True),
        ("https://cdn.ashbyprd.com/app.js", "script", "https://jobs.ashbyhq.com/acme/1", False),
        ("https://www.google-analytics.com/g/collect", "fetch", "https://jobs.lever.co/acme/1", True),
        ("https://px.ads.linkedin.com/collect", "image", "https://jobs.example.co.uk/1", True),
        ("https://www.linkedin.com/in/ada", "document", "https://jobs.lever.co/acme/1", False),
        ("https://media.example.co.uk/v.mp4", "media", "https://jobs.example.co.uk/1", False),
        ("https://assets.partner.io/logo.png", "image", "https://careers.acme.com/1", False),
    ],
)
def test_request_filter_keeps_the_first_party_and_allow_list(
    url: str, kind: str, site: str, blocked: bool
) -> None:
    assert RequestFilter(allowed_hosts=["partner.io"]).blocks(url, kind, site) is blocked


def test_registrable_host() -> None:
    assert registrable_host("boards.greenhouse.io") == "greenhouse.io"
    assert registrable_host("jobs.example.co.uk") == "example.co.uk"
    assert registrable_host("127.0.0.1") == "127.0.0.1"
    assert registrable_host("localhost") == "localhost"


async def test_pool_limits_contexts_relaunches_after_a_crash_and_closes() -> None:
    pool = BrowserPool(max_contexts=1, close_grace_seconds=5)
    peak = 0
    order: list[str] = []

    async def application(name: str) -> None:
        nonlocal peak
        async with pool.context() as ctx:
            peak = max(peak, pool.open_contexts)
            order.append(f"{name} in")
            page = await ctx.new_page()
            await page.set_content(f"<p>{name}</p>")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(application("a"), application("b"))
    assert peak == 1
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])

    crashed = await pool.browser()
    await crashed.close()
    assert not crashed.is_connected()
    async with pool.context() as ctx:
        page = await ctx.new_page()
        await page.set_content("<p>alive</p>")
        assert await page.inner_text("p") == "alive"
    assert pool.launches == 2

    async with pool.context():
        assert pool.open_contexts == 1
        await pool.close()
        assert pool.open_contexts == 0
    with pytest.raises(RuntimeError, match="closed"):
        async with pool.context():
            pass
