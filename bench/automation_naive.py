"""The baseline of the automation benchmark: how most application bots drive a browser.

For every application it launches a new Chromium (same executable as jobmesh, with the switches
any headless script passes: `BASE_CHROMIUM_ARGS`, not jobmesh's tuned ones),
opens the form with nothing blocked, fills it one field at a time with hard-coded Greenhouse
selectors, attaches the resume, clicks submit, waits for the confirmation and closes the
browser; at most `--concurrency` applications run at once. Run as
`python -m bench.automation_naive --jobs FILE --concurrency N --out FILE` so the benchmark
can measure its process tree on its own. It reports timings and errors, never judges them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from playwright.async_api import Playwright, async_playwright

from services.automation.browser import BASE_CHROMIUM_ARGS, resolve_chromium

CONFIRMATION = "text=Thank you for applying"
GH = "#job_application_answers_attributes_{}"


@dataclass(frozen=True)
class NaiveApplication:
    """One form to fill and the candidate's answers, as a bot's config file would hold them."""

    url: str
    given_name: str
    family_name: str
    email: str
    phone: str
    city: str
    linkedin_url: str
    why: str
    resume_path: str


@dataclass(frozen=True)
class NaiveResult:
    url: str
    started: float
    finished: float
    error: str = ""


async def apply_once(playwright: Playwright, app: NaiveApplication, timeout_ms: float) -> None:
    """One application in its own browser, the way a typical script does it."""
    browser = await playwright.chromium.launch(
        executable_path=resolve_chromium(None), args=list(BASE_CHROMIUM_ARGS), headless=True
    )
    try:
        page = await browser.new_page()
        page.set_default_timeout(timeout_ms)
        await page.goto(app.url)
        await page.fill("#first_name", app.given_name)
        await page.fill("#last_name", app.family_name)
        await page.fill("#email", app.email)
        await page.fill("#phone", app.phone)
        await page.fill("#job_application_location", app.city)
        await page.set_input_files("#resume", app.resume_path)
        await page.fill(GH.format("0_text_value"), app.linkedin_url)
        await page.select_option(GH.format("2_boolean_value"), label="Yes")
        await page.select_option(GH.format("3_boolean_value"), label="No")
        await page.fill(GH.format("4_text_value"), app.why)
        for eeo, choice in (
            ("gender", "Decline To Self Identify"),
            ("hispanic_ethnicity", "Decline To Self Identify"),
            ("race", "Decline To Self Identify"),
            ("veteran_status", "I don't wish to answer"),
            ("disability_status", "I don't wish to answer"),
        ):
            await page.select_option(f"#job_application_{eeo}", label=choice)
        await page.click("#submit_app")
        await page.wait_for_selector(CONFIRMATION)
    finally:
        await browser.close()


async def run(apps: list[NaiveApplication], concurrency: int, timeout_ms: float) -> list[NaiveResult]:
    slots = asyncio.Semaphore(concurrency)
    async with async_playwright() as playwright:

        async def one(app: NaiveApplication) -> NaiveResult:
            async with slots:
                started = time.time()
                try:
                    await apply_once(playwright, app, timeout_ms)
                except Exception as exc:
                    return NaiveResult(app.url, started, time.time(), f"{type(exc).__name__}: {exc}"[:300])
                return NaiveResult(app.url, started, time.time())

        return list(await asyncio.gather(*(one(app) for app in apps)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=Path, required=True, help="JSON list of NaiveApplication objects")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON results")
    parser.add_argument("--timeout-ms", type=float, default=30_000)
    args = parser.parse_args(argv)
    apps = [NaiveApplication(**item) for item in json.loads(args.jobs.read_text())]
    results = asyncio.run(run(apps, args.concurrency, args.timeout_ms))
    args.out.write_text(json.dumps([asdict(r) for r in results]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
