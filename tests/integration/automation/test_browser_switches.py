"""The worker's Chromium: no preloaded address-bar popups, and none of Playwright's own switches lost."""

from __future__ import annotations

import psutil

from services.automation.browser import BrowserPool


def _features(switch: str) -> set[str]:
    return set(switch.split("=", 1)[1].split(","))


async def test_contexts_get_no_browser_ui_renderers_and_playwright_keeps_its_switches() -> None:
    async with BrowserPool(max_contexts=1) as pool:
        async with pool.context() as context:
            page = await context.new_page()
            await page.set_content("<form><input name=a><input name=b></form>")
            browser = await pool.browser()
            session = await browser.new_browser_cdp_session()
            targets = (await session.send("Target.getTargets", {"filter": [{}]}))["targetInfos"]
            # This browser's own process (other Chromiums of the test session may be running).
            processes = (await session.send("SystemInfo.getProcessInfo"))["processInfo"]
            await session.detach()
        browser_pid = next(p["id"] for p in processes if p["type"] == "browser")
        arguments = psutil.Process(browser_pid).cmdline()
        switches = [arg for arg in arguments if arg.startswith("--disable-features=")]

    # Chromium obeys only the last --disable-features; Playwright's own comes first.
    assert len(switches) >= 2
    assert _features(switches[0]) <= _features(switches[-1])
    assert [t["url"] for t in targets if t["type"] == "browser_ui"] == []
    assert any(t["type"] == "page" for t in targets)
