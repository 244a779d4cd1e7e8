"""Puts a FillPlan's values into a page: all steps, every widget kind, verified after each step.

Text-like values and single selects are set in one page evaluation (native value setter plus
input/change/blur events, which controlled React inputs also observe) and retried with Playwright's
`fill`/`select_option` where they did not hold; multi-selects, radios, checkboxes, Yes/No buttons,
comboboxes and files use Playwright actions.
Fields of hidden steps are filled once their step shows, after clicking "Next". It never submits.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from services.automation.adapters.base import FillError
from services.automation.fieldmap import FillPlan, PlannedField

NEXT_BUTTON = re.compile(
    r"^\s*(next|continue|next step|save (and|&) continue|weiter|suivant|siguiente)\b", re.I
)
TEXT_KINDS = frozenset({"text", "email", "tel", "url", "number", "date", "textarea"})
# Set for all fields of a step in one page evaluation (then verified like every other field).
BATCHED_KINDS = TEXT_KINDS | {"select"}
MAX_STEPS = 10
SHORT_MS = 3_000
ERROR_SELECTOR = "[role=alert], .error, .errors, .error-message, .field-error, .invalid-feedback, .form-error"

_SHOWN_JS = r"""
(selectors) => selectors.map((sel) => {
  let nodes;
  try { nodes = Array.from(document.querySelectorAll(sel)); } catch (e) { return false; }
  const visible = (el) => {
    if (!el) return false;
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  return nodes.some((el) => visible(el) || (el.type === 'file' && visible(el.parentElement))
    || Array.from(el.labels || []).some(visible));
})
"""

_SET_JS = r"""
(items) => {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const done = items.map(([sel, kind, value]) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    if (kind === 'select') {
      // What Playwright's selectOption does, for many selects in one round trip: an option named
      // by its value, else by its label; then the input and change events a page listens for.
      if (el.tagName !== 'SELECT' || el.disabled) return false;
      const options = Array.from(el.options);
      const option = options.find((o) => o.value === value) || options.find((o) => o.label === value)
        || options.find((o) => norm(o.textContent) === norm(value));
      if (!option || option.disabled) return false;
      el.value = undefined;
      option.selected = true;
      el.dispatchEvent(new Event('input', {bubbles: true, composed: true}));
      el.dispatchEvent(new Event('change', {bubbles: true}));
      return el.value === option.value;
    }
    const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    el.focus();
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
    el.dispatchEvent(new FocusEvent('blur'));
    el.dispatchEvent(new FocusEvent('focusout', {bubbles: true}));
    return el.value === value;
  });
  // No field left focused: a blinking caret repaints the page twice a second until the run ends.
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  return done;
}
"""

_READ_JS = r"""
(items) => items.map(([sel, kind]) => {
  const nodes = Array.from(document.querySelectorAll(sel));
  const el = nodes[0];
  if (!el) return null;
  if (kind === 'multiselect') return Array.from(el.selectedOptions).map((o) => o.value);
  if (kind === 'checkbox') return el.checked;
  if (kind === 'checkbox_group') return nodes.filter((n) => n.checked).map((n) => n.value);
  if (kind === 'file') return Array.from(el.files || []).map((f) => f.name);
  if (kind === 'radio') {
    if (el.tagName === 'INPUT') { const on = nodes.find((n) => n.checked); return on ? on.value : null; }
    const on = Array.from(el.querySelectorAll('[aria-pressed=true], [aria-checked=true]'))[0];
    return on ? (on.getAttribute('data-value') || on.textContent).replace(/\s+/g, ' ').trim() : null;
  }
  return el.value;
})
"""


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _holds(item: PlannedField, actual: Any) -> bool:
    kind, value = item.field.kind, item.value
    if kind in ("multiselect", "checkbox_group"):
        return isinstance(actual, list) and sorted(actual) == sorted(_as_tuple(value))
    if kind == "checkbox":
        return actual is bool(value)
    if kind == "file":
        return isinstance(actual, list) and os.path.basename(str(value)) in actual
    if kind == "combobox":
        return isinstance(actual, str) and bool(actual.strip())
    if kind == "number" and isinstance(actual, str):
        try:
            return float(actual) == float(str(value))
        except ValueError:
            return False
    return bool(actual == str(value))


async def _shown(page: Page, items: Sequence[PlannedField]) -> list[bool]:
    result: list[bool] = await page.evaluate(_SHOWN_JS, [i.field.selector for i in items])
    return result


async def _check(target: Locator, on: bool) -> None:
    """Tick or clear a radio/checkbox, through its label when the input itself is styled away."""
    try:
        await target.set_checked(on, timeout=SHORT_MS)
    except PlaywrightError:
        await target.evaluate(
            "(el, on) => { if (el.checked !== on) { ((el.labels && el.labels[0]) || el).click(); } }", on
        )


async def _fill_radio(page: Page, item: PlannedField) -> None:
    group = page.locator(item.field.selector)
    value = str(item.value)
    if await group.first.evaluate("el => el.tagName") == "INPUT":
        option = group.and_(page.locator(f'[value="{_css_string(value)}"]'))
        await _check(option.first, True)
        return
    choices = group.first.locator("button, [role=radio]")
    exact = re.compile(rf"^\s*{re.escape(value)}\s*$", re.I)
    target = choices.filter(has_text=exact)
    if not await target.count():
        target = group.first.locator(f'[data-value="{_css_string(value)}"]')
    await target.first.click()


async def _fill_combobox(page: Page, item: PlannedField) -> None:
    box = page.locator(item.field.selector).first
    value = str(item.value)
    label = next((o.label for o in item.field.options if o.value == value), value)
    # Suggestion lists spell places their own way ("CA" where the list says "California"): when
    # the whole answer suggests nothing, its first part (the city) usually does.
    for typed in dict.fromkeys((label[:40], label.split(",")[0].strip()[:40])):
        await box.click()
        await box.fill("")
        await box.press_sequentially(typed, delay=15)
        options = page.locator("[role=option]").filter(visible=True)
        try:
            await options.first.wait_for(state="visible", timeout=SHORT_MS)
        except PlaywrightError:
            continue
        exact = options.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$", re.I))
        chosen = exact if await exact.count() else options.filter(has_text=re.compile(re.escape(typed), re.I))
        if not await chosen.count():
            chosen = options
        await chosen.first.click()
        return
    if typed != label[:40]:
        await box.fill(label)  # no suggestions at all: a free-text box keeps the whole answer


async def _fill_one(page: Page, item: PlannedField) -> None:
    field, value = item.field, item.value
    target = page.locator(field.selector)
    if field.kind in TEXT_KINDS:
        await target.first.fill(str(value))
    elif field.kind == "select":
        # Ask the page which the plan names (an option's value or its label) instead of
        # trying one and waiting out a timeout: a loaded machine must not turn into a failure.
        by_value = await target.first.evaluate(
            "(el, v) => Array.from(el.options).some((o) => o.value === v)", str(value)
        )
        if by_value:
            await target.first.select_option(value=str(value))
        else:
            await target.first.select_option(label=str(value))
    elif field.kind == "multiselect":
        await target.first.select_option(value=list(_as_tuple(value)))
    elif field.kind == "radio":
        await _fill_radio(page, item)
    elif field.kind == "checkbox":
        await _check(target.first, bool(value))
    elif field.kind == "checkbox_group":
        wanted = set(_as_tuple(value))
        for index in range(await target.count()):
            box = target.nth(index)
            await _check(box, await box.get_attribute("value") in wanted)
    elif field.kind == "file":
        await target.first.set_input_files(str(value))
    elif field.kind == "combobox":
        await _fill_combobox(page, item)


def _css_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


async def fill_step(page: Page, items: Sequence[PlannedField]) -> list[str]:
    """Fill `items` (all showing now) and return a problem for each value that did not hold."""
    batched = [i for i in items if i.field.kind in BATCHED_KINDS]
    set_ok: list[bool] = []
    if batched:
        set_ok = await page.evaluate(
            _SET_JS, [[i.field.selector, i.field.kind, str(i.value)] for i in batched]
        )
    # Selects the page did not take in the batch get Playwright's own select_option.
    unset = {id(i) for i, ok in zip(batched, set_ok, strict=True) if not ok and i.field.kind == "select"}
    problems: list[str] = []
    for item in items:
        if item.field.kind in BATCHED_KINDS and id(item) not in unset:
            continue
        try:
            await _fill_one(page, item)
        except PlaywrightError as exc:
            problems.append(f"{item.field.label or item.field.selector}: {exc.message.splitlines()[0]}")
    actual = await page.evaluate(_READ_JS, [[i.field.selector, i.field.kind] for i in items])
    for item, got in zip(items, actual, strict=True):
        if _holds(item, got):
            continue
        if item.field.kind in BATCHED_KINDS:
            with suppress(PlaywrightError):
                if item.field.kind == "select":
                    await _fill_one(page, item)
                else:
                    await page.locator(item.field.selector).first.fill(str(item.value))
            again = await page.evaluate(_READ_JS, [[item.field.selector, item.field.kind]])
            if _holds(item, again[0]):
                continue
        problems.append(f"{item.field.label or item.field.selector}: value did not hold")
    return problems


async def visible_signature(page: Page) -> str:
    """Which controls show now; changes when a wizard moves to another step."""
    signature: str = await page.evaluate(
        "() => Array.from(document.querySelectorAll('input, select, textarea'))"
        ".filter((el) => el.getClientRects().length > 0).map((el) => el.name || el.id).join('|')"
    )
    return signature


async def click_next(page: Page) -> bool:
    """Click a visible "Next"/"Continue" button and wait for the step to change; False if none."""
    button = page.get_by_role("button", name=NEXT_BUTTON).filter(visible=True)
    if not await button.count():
        return False
    before = await visible_signature(page)
    await button.first.click()
    for tick in range(int(SHORT_MS / 100)):
        if await visible_signature(page) != before:
            return True
        # A step that shows an error after half a second is refusing to advance, not loading.
        if tick >= 5 and await step_errors(page):
            return False
        await asyncio.sleep(0.1)
    return False


async def step_errors(page: Page) -> list[str]:
    """Error messages showing now (alerts and the usual error classes)."""
    shown = page.locator(ERROR_SELECTOR).filter(visible=True)
    return [text.strip() for text in await shown.all_inner_texts() if text.strip()]


async def fill_plan(page: Page, plan: FillPlan) -> None:
    """Fill every planned field with a value, step by step; FillError lists what failed."""
    pending = [p for p in plan.fields if p.value is not None and p.field.kind != "hidden"]
    problems: list[str] = []
    for _ in range(MAX_STEPS):
        shown = await _shown(page, pending)
        now = [p for p, visible in zip(pending, shown, strict=True) if visible or p.field.kind == "file"]
        problems += await fill_step(page, now)
        pending = [p for p in pending if p not in now]
        if not pending or problems:
            break
        if not await click_next(page):
            errors = await step_errors(page)
            problems.append("could not move to the next step" + (f": {'; '.join(errors)}" if errors else ""))
            break
    if pending and not problems:
        problems = [f"{p.field.label or p.field.selector}: never shown" for p in pending]
    if problems:
        raise FillError(problems)
