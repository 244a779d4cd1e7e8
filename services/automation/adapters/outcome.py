"""Reads what a page says about an application: walls, confirmations, "already applied", errors.

Used before a submit (walls), after one (waiting for the site's answer while a request is in
flight) and after a crash (evidence). It clicks nothing and never solves or dismisses a CAPTCHA.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Response

from services.automation.adapters.base import SubmitResult

CONFIRMED = (
    r"thank(s| you),? for (applying|your application|submitting)"
    r"|application (has been |was )?(successfully )?(submitted|received|sent|complete)"
    r"|we('ve| have) (received|got) your application|successfully (submitted|applied)"
    r"|your application is (in|on its way)"
)
ALREADY = (
    r"already (applied|submitted|received an application)|previously applied|duplicate application"
    r"|you('ve| have) (already )?applied (to|for) this"
)

_BLOCKER_JS = r"""
() => {
  const big = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return false;
    const box = el.getBoundingClientRect();
    return box.width >= 30 && box.height >= 30;
  };
  const kindOf = (text) => /hcaptcha/i.test(text) ? 'hcaptcha'
    : /turnstile|challenges\.cloudflare/i.test(text) ? 'turnstile'
    : /recaptcha/i.test(text) ? 'recaptcha' : /arkose|funcaptcha/i.test(text) ? 'arkose' : 'captcha';
  for (const frame of document.querySelectorAll('iframe')) {
    const src = frame.getAttribute('src') || '';
    const hint = src + ' ' + (frame.title || '') + ' ' + (frame.parentElement ? frame.parentElement.className : '');
    if (!/captcha|turnstile|challenges\.cloudflare|arkoselabs|funcaptcha/i.test(hint)) continue;
    if (/size=invisible/i.test(src) || frame.closest('.grecaptcha-badge')) continue;
    if (big(frame)) return 'captcha: ' + kindOf(hint) + ' challenge is showing';
  }
  const walls = '.g-recaptcha, .h-captcha, .cf-turnstile, #captcha, .captcha, [data-captcha], [data-sitekey]';
  for (const el of document.querySelectorAll(walls)) {
    if (el.getAttribute('data-size') === 'invisible' || el.closest('.grecaptcha-badge')) continue;
    if (big(el)) return 'captcha: ' + kindOf(el.className + ' ' + el.id) + ' challenge is showing';
  }
  const password = Array.from(document.querySelectorAll('input[type=password]'))
    .find((p) => p.getClientRects().length > 0 && getComputedStyle(p).visibility !== 'hidden');
  if (password) {
    const fileInputs = document.querySelectorAll('input[type=file]').length;
    const text = document.body.innerText;
    if (!fileInputs || /(sign|log) ?in to (apply|continue)|create an account to apply/i.test(text)) {
      const heading = document.querySelector('h1, h2');
      return 'login wall: ' + (heading ? heading.innerText.trim() : 'the site asks to sign in');
    }
  }
  return null;
}
"""

_OUTCOME_JS = r"""
([confirmed, already, formSelector]) => {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const visible = (el) => {
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const text = norm(document.body ? document.body.innerText : '');
  const errorNodes = document.querySelectorAll(
    '[role=alert], .error, .errors, .error-message, .field-error, .field-error-msg, .invalid-feedback, #error_explanation li, .form-error');
  const errors = [];
  const nodes = Array.from(errorNodes);
  nodes.forEach((node) => {
    // A box that lists messages is represented by its items.
    if (nodes.some((other) => other !== node && node.contains(other) && norm(other.innerText))) return;
    const t = norm(node.innerText);
    if (t && visible(node) && !errors.includes(t) && !errors.some((e) => e.includes(t))) errors.push(t);
  });
  const forms = formSelector ? Array.from(document.querySelectorAll(formSelector)) : Array.from(document.forms);
  const formShowing = forms.some((form) => visible(form)
    && Array.from(form.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(visible).length >= 2);
  const headline = Array.from(document.querySelectorAll('h1, h2, h3, [role=heading]')).filter(visible)
    .map((h) => norm(h.innerText)).find((t) => new RegExp(confirmed, 'i').test(t) || new RegExp(already, 'i').test(t));
  return {
    text: text.slice(0, 2000),
    headline: headline || '',
    confirmed: new RegExp(confirmed, 'i').test(text) && !formShowing,
    already: new RegExp(already, 'i').test(text),
    errors,
    url: location.href,
  };
}
"""


@dataclass
class PageOutcome:
    """One reading of the page after a submit."""

    text: str
    headline: str
    confirmed: bool
    already: bool
    errors: list[str] = field(default_factory=list)

    def result(self) -> SubmitResult | None:
        summary = self.headline or self.text[:500]
        if self.already:
            return SubmitResult(confirmed=False, confirmation_text=summary, already_applied=True)
        if self.confirmed:
            return SubmitResult(confirmed=True, confirmation_text=summary)
        return None


async def detect_blocker(page: Page) -> str | None:
    reason: str | None = await page.evaluate(_BLOCKER_JS)
    return reason


async def read_outcome(page: Page, form_selector: str | None = None) -> PageOutcome | None:
    """The page's current verdict, or None while it is between documents."""
    try:
        raw: dict[str, Any] = await page.evaluate(_OUTCOME_JS, [CONFIRMED, ALREADY, form_selector])
    except PlaywrightError:
        return None
    return PageOutcome(raw["text"], raw["headline"], raw["confirmed"], raw["already"], list(raw["errors"]))


class InFlight:
    """Counts the submissions (non-GET requests and page loads) the page is still waiting for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.pending: set[Request] = set()

    def _start(self, request: Request) -> None:
        if request.method != "GET" or request.is_navigation_request():
            self.pending.add(request)

    def _end(self, request: Request) -> None:
        self.pending.discard(request)

    def _response(self, response: Response) -> None:
        self.pending.discard(response.request)

    def __enter__(self) -> InFlight:
        self.page.on("request", self._start)
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._end)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.page.remove_listener("request", self._start)
        self.page.remove_listener("response", self._response)
        self.page.remove_listener("requestfailed", self._end)


async def await_outcome(
    page: Page, inflight: InFlight, *, form_selector: str | None, limit: float, settle: float = 0.75
) -> tuple[SubmitResult, str | None]:
    """Poll until the site confirms, says "already applied", shows errors, or `limit` seconds pass.

    Returns the result and a wall reason if a CAPTCHA/login wall appeared instead of an answer.
    """
    start = time.monotonic()
    last: PageOutcome | None = None
    errors_since: float | None = None
    while time.monotonic() - start < limit:
        outcome = await read_outcome(page, form_selector)
        if outcome is not None:
            last = outcome
            found = outcome.result()
            if found is not None:
                return found, None
            quiet = not inflight.pending and time.monotonic() - start >= settle
            if quiet:
                try:
                    wall = await detect_blocker(page)
                except PlaywrightError:
                    wall = None
                if wall:
                    return SubmitResult(confirmed=False), wall
            if quiet and outcome.errors:
                errors_since = errors_since or time.monotonic()
                if time.monotonic() - errors_since >= settle / 2:
                    return SubmitResult(confirmed=False, validation_errors=outcome.errors), None
            else:
                errors_since = None
        await asyncio.sleep(0.2)
    errors = last.errors if last else []
    return SubmitResult(
        confirmed=False, confirmation_text=last.text[:500] if last else "", validation_errors=errors
    ), None
