/**
 * Tiny DOM helpers shared by the tracker modules: element building and display formatting.
 * Must not talk to the network or hold state.
 */

/** Build an element: h("p", {class: "x", "data-testid": "y", onclick: fn}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && !key.includes("-") && key !== "list") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) el.append(child);
  }
  return el;
}

export const STATE_LABELS = {
  STATE_UNSPECIFIED: "—",
  STATE_QUEUED: "Queued",
  STATE_RUNNING: "Running",
  STATE_NEEDS_INPUT: "Needs input",
  STATE_AWAITING_REVIEW: "Awaiting review",
  STATE_SUBMITTING: "Submitting",
  STATE_SUBMITTED: "Submitted",
  STATE_OUTCOME_UNKNOWN: "Outcome unknown",
  STATE_FAILED: "Failed",
  STATE_CANCELLED: "Cancelled",
  STATE_PLANNED: "Planned",
};

export const MODE_LABELS = { MODE_SUBMIT: "Submit", MODE_REVIEW: "Review", MODE_DRY_RUN: "Dry run" };

export const TERMINAL = new Set([
  "STATE_SUBMITTED", "STATE_OUTCOME_UNKNOWN", "STATE_FAILED", "STATE_CANCELLED", "STATE_PLANNED",
]);

export const CANCELLABLE = new Set([
  "STATE_QUEUED", "STATE_RUNNING", "STATE_NEEDS_INPUT", "STATE_AWAITING_REVIEW",
]);

export const stateLabel = (state) => STATE_LABELS[state] ?? String(state ?? "Unknown");

/** The last segment of a resource name: "applications/abc" → "abc". */
export const lastSegment = (name) => String(name ?? "").split("/").pop();

const RELATIVE = [["day", 86400], ["hour", 3600], ["minute", 60]];

/** "3 minutes ago", for cards; the exact time goes in a title. */
export function relativeTime(stamp, now = Date.now()) {
  const seconds = (Date.parse(stamp) - now) / 1000;
  if (Number.isNaN(seconds)) return "";
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of RELATIVE) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function formatTime(stamp) {
  if (!stamp) return "";
  const date = new Date(stamp);
  return Number.isNaN(date.getTime()) ? String(stamp) : date.toLocaleString();
}
