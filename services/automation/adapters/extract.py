"""Reads every fillable control of an application form into `FormField`s, in one page evaluation.

The script resolves each control's label the way a person reads the form (label[for], wrapping
label, aria-labelledby, aria-label, fieldset legend, the question's own text, placeholder, then the
nearest preceding text), groups radios, checkbox sets and Yes/No button groups into one field,
and keeps controls of later wizard steps that are hidden until "Next". It only reads the page.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from services.automation.fieldmap import FieldOption, FormField

EXTRACT_JS = r"""
(rootSelector) => {
  const NEXT = /^\s*(next|continue|next step|save (and|&) continue|weiter|suivant|siguiente)\b/i;
  const SKIP_TYPES = new Set(['hidden', 'submit', 'button', 'reset', 'image', 'password']);
  const TEXT_KINDS = {email: 'email', tel: 'tel', url: 'url', number: 'number', date: 'date'};
  const STAR = /(\s*[*\u2731\u2217]\s*|\s*\(required\)\s*)+:?\s*$/i;
  const STAR_ONLY = /^[\s*\u2731\u2217:]*$/;
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const quote = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const shown = (el) => {
    if (visible(el)) return true;
    if (el.type === 'file') return visible(el.parentElement);
    if (el.type === 'radio' || el.type === 'checkbox') return Array.from(el.labels || []).some(visible);
    return false;
  };
  const pickRoot = () => {
    if (rootSelector) {
      const chosen = document.querySelector(rootSelector);
      if (chosen) return chosen;
    }
    const count = (node) => Array.from(node.querySelectorAll('input, select, textarea')).filter(shown).length;
    let best = null;
    let bestCount = 0;
    document.querySelectorAll('form').forEach((form) => {
      const n = count(form);
      if (n > bestCount) { best = form; bestCount = n; }
    });
    return best && bestCount * 2 >= count(document.body) ? best : document.body;
  };
  const root = pickRoot();
  const unique = (sel) => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  const selectorFor = (el) => {
    if (el.id && unique('#' + CSS.escape(el.id))) return '#' + CSS.escape(el.id);
    const tag = el.tagName.toLowerCase();
    for (const attr of ['name', 'aria-labelledby', 'aria-label', 'data-qa', 'data-testid', 'data-automation-id']) {
      const value = el.getAttribute(attr);
      const sel = tag + '[' + attr + '="' + quote(value || '') + '"]';
      if (value && unique(sel)) return sel;
    }
    const parts = [];
    let node = el;
    while (node && node !== document.documentElement) {
      if (node.id && unique('#' + CSS.escape(node.id))) { parts.unshift('#' + CSS.escape(node.id)); break; }
      let part = node.tagName.toLowerCase();
      const parent = node.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(' > ');
  };
  const groupSelector = (type, name, count) => {
    const sel = 'input[type="' + type + '"][name="' + quote(name) + '"]';
    return document.querySelectorAll(sel).length === count ? sel : selectorFor(root) + ' ' + sel;
  };

  const isControl = (el) => {
    if (el.closest('[role=listbox]')) return false;
    if (el.tagName === 'INPUT') return !SKIP_TYPES.has((el.type || 'text').toLowerCase());
    return el.tagName === 'SELECT' || el.tagName === 'TEXTAREA';
  };
  const controls = Array.from(root.querySelectorAll('input, select, textarea')).filter(isControl);
  const buttonGroups = Array.from(root.querySelectorAll('[role=radiogroup], [role=group], div, fieldset')).filter((node) => {
    if (node.getAttribute('role') === 'radiogroup') return node.querySelector('[role=radio]') !== null;
    const buttons = Array.from(node.children).filter((c) => c.tagName === 'BUTTON' && c.hasAttribute('aria-pressed'));
    return buttons.length >= 2;
  });
  const groupMembers = (node) => node.getAttribute('role') === 'radiogroup'
    ? Array.from(node.querySelectorAll('[role=radio]'))
    : Array.from(node.children).filter((c) => c.tagName === 'BUTTON' && c.hasAttribute('aria-pressed'));
  const allUnits = controls.concat(buttonGroups);
  const isUnit = (node) => allUnits.some((u) => u === node);

  const textOf = (node) => {
    const clone = node.cloneNode(true);
    clone.querySelectorAll('input, select, textarea, button, script, style, [role=listbox], [hidden]').forEach((c) => c.remove());
    return norm(clone.textContent);
  };
  // A wrapping label's own words, without the branch holding the control (button captions, hints).
  const wrappingText = (label, el) => {
    let branch = el;
    while (branch.parentElement && branch.parentElement !== label) branch = branch.parentElement;
    const clone = label.cloneNode(true);
    const index = Array.from(label.children).indexOf(branch);
    if (index >= 0) clone.children[index].remove();
    return textOf(clone) || textOf(label);
  };
  const clean = (text) => {
    const raw = norm(text);
    return {text: norm(raw.replace(STAR, '')).replace(/:$/, '').trim(), star: STAR.test(raw)};
  };
  const byIds = (ids) => norm((ids || '').split(/\s+/).map((id) => {
    const target = id && document.getElementById(id);
    return target ? textOf(target) : '';
  }).join(' '));
  const containsOther = (node, members) => Array.from(node.querySelectorAll('input, select, textarea, button[aria-pressed], [role=radio]'))
    .some((c) => !members.includes(c) && (isControl(c) || c.tagName === 'BUTTON' || c.getAttribute('role') === 'radio'));
  const questionBox = (anchor, members) => {
    let box = null;
    let node = anchor.parentElement;
    while (node && node !== root && root.contains(node) && !containsOther(node, members)) {
      box = node;
      node = node.parentElement;
    }
    return box;
  };
  const boxText = (box, members) => {
    if (!box) return '';
    const clone = box.cloneNode(true);
    const marks = Array.from(box.querySelectorAll('label')).filter((l) => members.some((m) => l.contains(m)));
    const markIndex = Array.from(box.querySelectorAll('*'));
    const dropIdx = new Set(marks.map((l) => markIndex.indexOf(l)));
    Array.from(clone.querySelectorAll('*')).forEach((c, i) => { if (dropIdx.has(i)) c.remove(); });
    return textOf(clone);
  };
  const precedingText = (anchor) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    walker.currentNode = anchor;
    let star = false;
    for (let steps = 0; steps < 60; steps++) {
      const node = walker.previousNode();
      if (!node || node === root) break;
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.contains(anchor)) continue;
        if (isControl(node) || isUnit(node)) break;
        continue;
      }
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, option, select, textarea, button, [role=listbox]')) continue;
      if (parent.closest('[hidden]') && !anchor.closest('[hidden]')) continue;
      if (STAR_ONLY.test(node.textContent)) { if (norm(node.textContent)) star = true; continue; }
      let block = parent;
      while (block.parentElement && block.parentElement !== root && !block.parentElement.contains(anchor)
             && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      const got = clean(textOf(block));
      return {text: got.text, star: star || got.star};
    }
    return {text: '', star: false};
  };
  const legendOf = (node) => {
    const fieldset = node.closest('fieldset');
    if (!fieldset || !root.contains(fieldset)) return null;
    const legend = Array.from(fieldset.children).find((c) => c.tagName === 'LEGEND');
    return legend ? {fieldset, text: textOf(legend)} : null;
  };
  const fieldsetNames = (fieldset) => new Set(Array.from(fieldset.querySelectorAll('input, select, textarea'))
    .filter(isControl).map((c) => c.name || c.id || selectorFor(c)));

  const resolveLabel = (el, members, single) => {
    const tries = [];
    if (single && el.id) {
      document.querySelectorAll('label[for="' + quote(el.id) + '"]').forEach((l) => tries.push(textOf(l)));
    }
    if (single && el.closest('label')) tries.push(wrappingText(el.closest('label'), el));
    tries.push(byIds(el.getAttribute('aria-labelledby')));
    tries.push(el.getAttribute('aria-label') || '');
    const legend = legendOf(el);
    if (legend && (!single || fieldsetNames(legend.fieldset).size === 1)) tries.push(legend.text);
    tries.push(boxText(questionBox(el, members), members));
    if (single) tries.push(el.getAttribute('placeholder') || '');
    for (const t of tries) {
      const got = clean(t);
      if (got.text) return got;
    }
    return precedingText(members[0]);
  };
  const sectionOf = (el) => {
    let found = '';
    root.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading], legend').forEach((h) => {
      if (!(el.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_PRECEDING) || h.contains(el)) return;
      if (h.tagName === 'LEGEND' && (!h.parentElement.contains(el) || fieldsetNames(h.parentElement).size < 2)) return;
      found = clean(textOf(h)).text;
    });
    return found;
  };
  const optionLabel = (el) => {
    const labelled = Array.from(el.labels || []).map(textOf).find((t) => t);
    return clean(labelled || el.getAttribute('aria-label') || norm(el.textContent) || el.value).text;
  };

  const hasNext = Array.from(root.querySelectorAll('button, input[type=button], input[type=submit], a[role=button]'))
    .some((b) => visible(b) && NEXT.test(norm(b.textContent || b.value)));
  const inHiddenStep = (el) => {
    if (!hasNext) return false;
    let hidden = null;
    for (let node = el.parentElement; node && node !== root; node = node.parentElement) {
      if (!visible(node)) hidden = node;
    }
    if (!hidden || !hidden.parentElement) return false;
    return Array.from(hidden.parentElement.children).some((sibling) => sibling !== hidden && visible(sibling)
      && Array.from(sibling.querySelectorAll('input, select, textarea')).some((c) => isControl(c) && shown(c)));
  };
  const wanted = (el) => !el.disabled && !el.readOnly && (shown(el) || inHiddenStep(el));

  const out = [];
  const seenGroups = new Set();
  const base = (el, kind, label, extra) => Object.assign({
    selector: selectorFor(el), kind, label: label.text, name: el.getAttribute('name') || '', id: el.id || '',
    autocomplete: el.getAttribute('autocomplete') || '', placeholder: el.getAttribute('placeholder') || '',
    required: !!(el.required || el.getAttribute('aria-required') === 'true' || label.star),
    options: [], section: sectionOf(el), description: byIds(el.getAttribute('aria-describedby')),
    max_length: el.maxLength > 0 ? el.maxLength : null,
  }, extra);
  const units = allUnits.slice().sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  for (const el of units) {
    if (buttonGroups.includes(el)) {
      if (!visible(el) && !inHiddenStep(el)) continue;
      const members = groupMembers(el);
      const label = resolveLabel(el, members, false);
      const options = members.map((m) => ({label: norm(m.textContent), value: norm(m.getAttribute('data-value') || m.textContent)}));
      const required = label.star || el.getAttribute('aria-required') === 'true' || el.dataset.required === 'true';
      out.push(base(el, 'radio', label, {options, required, name: el.getAttribute('name') || '', max_length: null}));
      continue;
    }
    const type = (el.type || 'text').toLowerCase();
    if ((type === 'radio' || type === 'checkbox') && el.name) {
      const members = controls.filter((c) => c.type === type && c.name === el.name && c.form === el.form);
      if (type === 'radio' || members.length > 1) {
        if (seenGroups.has(type + el.name)) continue;
        seenGroups.add(type + el.name);
        const usable = members.filter(wanted);
        if (!usable.length) continue;
        const label = resolveLabel(usable[0], usable, false);
        const options = usable.map((m) => ({label: optionLabel(m), value: m.getAttribute('value') === null ? optionLabel(m) : m.value}));
        const kind = type === 'radio' ? 'radio' : 'checkbox_group';
        const field = base(usable[0], kind, label, {options, selector: groupSelector(type, el.name, members.length), id: '', max_length: null});
        field.required = field.required || usable.some((m) => m.required || m.getAttribute('aria-required') === 'true');
        out.push(field);
        continue;
      }
    }
    if (!wanted(el)) continue;
    const label = resolveLabel(el, [el], true);
    let kind = TEXT_KINDS[type] || 'text';
    let options = [];
    if (el.tagName === 'TEXTAREA') kind = 'textarea';
    else if (el.tagName === 'SELECT') {
      kind = el.multiple ? 'multiselect' : 'select';
      options = Array.from(el.options).filter((o) => o.value !== '' && !o.disabled)
        .map((o) => ({label: norm(o.textContent), value: o.value}));
    } else if (type === 'checkbox') kind = 'checkbox';
    else if (type === 'file') kind = 'file';
    else if (el.getAttribute('role') === 'combobox' || el.getAttribute('aria-autocomplete') === 'list') {
      kind = 'combobox';
      const listbox = document.getElementById((el.getAttribute('aria-controls') || el.getAttribute('aria-owns') || '').split(' ')[0]);
      if (listbox) {
        options = Array.from(listbox.querySelectorAll('[role=option]'))
          .map((o) => ({label: norm(o.textContent), value: norm(o.getAttribute('data-value') || o.textContent)}));
      }
    }
    out.push(base(el, kind, label, {options}));
  }
  return out;
}
"""


def _to_field(raw: dict[str, Any]) -> FormField:
    options = tuple(FieldOption(label=str(o["label"]), value=str(o["value"])) for o in raw["options"])
    max_length = raw.get("max_length")
    return FormField(
        selector=str(raw["selector"]),
        kind=str(raw["kind"]),
        label=str(raw["label"]),
        name=str(raw["name"]),
        id=str(raw["id"]),
        autocomplete=str(raw["autocomplete"]),
        placeholder=str(raw["placeholder"]),
        required=bool(raw["required"]),
        options=options,
        section=str(raw["section"]),
        description=str(raw["description"]),
        max_length=int(max_length) if max_length else None,
    )


async def extract_fields(page: Page, root_selector: str | None = None) -> list[FormField]:
    """Every fillable control under `root_selector` (default: the form with the most controls)."""
    raw: list[dict[str, Any]] = await page.evaluate(EXTRACT_JS, root_selector)
    return [_to_field(item) for item in raw]
