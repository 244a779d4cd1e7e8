"""The application tracker page in headless Chromium against a REST backend (see conftest.py).

Drives the page the way a job seeker would: sign in, read the board, answer questions, watch an
application move on its own, approve one, look at its screenshot, cancel one, sign out.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import TrackerBackend

pytestmark = pytest.mark.integration

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "tracker.png"


async def eventually(check: Callable[[], bool], what: str, within: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.05)


def card(page: Page, app_id: str, column: str | None = None) -> Locator:
    """An application's card, anywhere on the board or in one column (named by its first state)."""
    if column is None:
        return page.get_by_test_id(f"card-{app_id}")
    return page.get_by_test_id(f"column-{column}").get_by_test_id(f"card-{app_id}")


async def sign_in(page: Page, backend: TrackerBackend) -> None:
    await page.goto(backend.base_url + "/")
    await page.get_by_label("Email").fill(backend.email)
    await page.get_by_label("Password").fill(backend.password)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("board")).to_be_visible()


async def test_board_answers_and_live_moves(
    page: Page, tracker_backend: TrackerBackend, tmp_path: Path
) -> None:
    backend = tracker_backend
    await page.goto(backend.base_url + "/")
    await page.get_by_test_id("login-email").fill(backend.email)
    await page.get_by_test_id("login-password").fill("wrong password")
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("login-error")).to_have_text("the email or password is wrong")
    await expect(page.get_by_test_id("board")).to_be_hidden()
    await sign_in(page, backend)

    expected = {
        "a-input": "STATE_NEEDS_INPUT", "a-review": "STATE_AWAITING_REVIEW", "a-queued": "STATE_QUEUED",
        "a-running": "STATE_QUEUED", "a-submitting": "STATE_SUBMITTING", "a-submitted": "STATE_SUBMITTED",
        "a-unknown": "STATE_OUTCOME_UNKNOWN", "a-planned": "STATE_PLANNED", "a-failed": "STATE_FAILED",
        "a-cancelled": "STATE_FAILED",
    }  # fmt: skip
    for app_id, column in expected.items():
        job = backend.job_of(app_id)
        await expect(card(page, app_id, column)).to_contain_text(job["title"])
        await expect(card(page, app_id, column)).to_contain_text(job["company"])
    await expect(card(page, "a-planned")).to_contain_text("Dry run")
    await expect(page.get_by_test_id("column-STATE_QUEUED").locator(".count")).to_have_text("5")

    shot = tmp_path / "tracker.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("JOBMESH_UPDATE_DOCS"):
        shutil.copyfile(shot, DOCS_SCREENSHOT)

    await page.evaluate("window.notReloaded = true")
    await card(page, "a-input").get_by_role("button").click()
    detail = page.get_by_test_id("detail")
    await expect(detail.get_by_test_id("state")).to_have_text("Needs input")
    await expect(detail.get_by_role("heading", name="Backend Engineer")).to_be_visible()
    await expect(detail.get_by_test_id("fill-plan")).to_contain_text("ada@example.com")

    # A required question left empty: the server's Status message shows inline.
    await detail.get_by_label("Will you need visa sponsorship?").select_option("No")
    await detail.get_by_test_id("answer-submit").click()
    await expect(detail.get_by_test_id("detail-error")).to_contain_text("some answers are missing")
    await expect(detail.get_by_test_id("detail-error")).to_contain_text("'q_why' needs an answer")

    why = "I like the product and the team."
    await detail.get_by_test_id("question-q_why").fill(why)
    await detail.get_by_test_id("answer-submit").click()
    await expect(card(page, "a-input", "STATE_QUEUED")).to_be_visible()
    await expect(detail.get_by_test_id("state")).to_have_text("Queued")
    assert backend.answers_received("a-input")[-1] == [
        {"questionId": "q_sponsor", "answer": "No"},
        {"questionId": "q_why", "answer": why},
    ]

    await eventually(lambda: backend.watchers("a-input") == 1, "the page watches the answered application")
    backend.advance("a-input", "STATE_RUNNING")
    await expect(card(page, "a-input", "STATE_QUEUED")).to_have_attribute("data-state", "STATE_RUNNING")
    await expect(detail.get_by_test_id("state")).to_have_text("Running")
    await expect(detail.get_by_test_id("events")).to_contain_text("now STATE_RUNNING")

    backend.drop_streams("a-input")  # a dropped stream is opened again
    await eventually(lambda: backend.watchers("a-input") == 0, "the stream dropped")
    await eventually(lambda: backend.watchers("a-input") == 1, "the page reconnected")
    backend.advance("a-input", "STATE_SUBMITTED")
    await expect(card(page, "a-input", "STATE_SUBMITTED")).to_be_visible()
    await expect(card(page, "a-input", "STATE_QUEUED")).to_have_count(0)
    await expect(detail.get_by_test_id("state")).to_have_text("Submitted")
    await expect(page.get_by_test_id("announcer")).to_contain_text("Running → Submitted")
    await eventually(lambda: backend.watchers("a-input") == 0, "the terminal application's stream closed")
    assert await page.evaluate("window.notReloaded === true")


async def test_approve_screenshot_refresh_cancel_logout(page: Page, tracker_backend: TrackerBackend) -> None:
    backend = tracker_backend
    await sign_in(page, backend)
    await card(page, "a-review").get_by_role("button").click()
    detail = page.get_by_test_id("detail")
    await expect(detail.get_by_test_id("state")).to_have_text("Awaiting review")
    plan = detail.get_by_test_id("fill-plan")
    await expect(plan.locator("tbody tr")).to_have_count(3)
    await expect(plan.locator("tbody tr").nth(2)).to_contain_text("Resume/CV")
    await expect(plan.locator("tbody tr").nth(2)).to_contain_text("100%")

    image = detail.get_by_test_id("screenshot")
    await expect(image).to_have_attribute("src", re.compile(r"^data:image/png;base64,iVBOR"))
    assert await image.evaluate("img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])") == [
        64,
        40,
    ]

    # The access token expires: the page refreshes once and carries on.
    backend.expire_access_tokens()
    await detail.get_by_test_id("approve").click()
    await expect(card(page, "a-review", "STATE_QUEUED")).to_be_visible()
    await expect(detail.get_by_test_id("approve")).to_have_count(0)
    assert backend.approvals_received("a-review")[-1] == {"etag": "etag-a-review-0", "planHash": "ph-7f3a91"}
    assert backend.refreshes == 1

    await detail.get_by_role("button", name="Close").click()
    await expect(detail).to_be_hidden()
    await card(page, "a-queued").get_by_role("button").click()
    await detail.get_by_test_id("cancel").click()
    await expect(card(page, "a-queued", "STATE_FAILED")).to_have_attribute("data-state", "STATE_CANCELLED")
    await expect(detail.get_by_test_id("state")).to_have_text("Cancelled")
    await expect(detail.get_by_test_id("cancel")).to_have_count(0)

    await page.get_by_test_id("logout").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.get_by_test_id("board")).to_be_hidden()
    assert len(backend.logouts) == 1
    await page.reload()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
