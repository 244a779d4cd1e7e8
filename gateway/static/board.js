/**
 * The board: the user's applications as cards in state columns, kept current by live updates.
 * Owns the cards and the job cache; must not render application details (detail.js does).
 */

import { resourceUrl } from "./api.js";
import { MODE_LABELS, formatTime, h, lastSegment, relativeTime, stateLabel } from "./dom.js";
import { LiveUpdates } from "./live.js";

export const COLUMNS = [
  { title: "Queued / Running", states: ["STATE_QUEUED", "STATE_RUNNING"] },
  { title: "Needs input", states: ["STATE_NEEDS_INPUT"] },
  { title: "Awaiting review", states: ["STATE_AWAITING_REVIEW"] },
  { title: "Submitting", states: ["STATE_SUBMITTING"] },
  { title: "Submitted", states: ["STATE_SUBMITTED"] },
  { title: "Outcome unknown", states: ["STATE_OUTCOME_UNKNOWN"] },
  { title: "Planned (dry run)", states: ["STATE_PLANNED"] },
  { title: "Failed / Cancelled", states: ["STATE_FAILED", "STATE_CANCELLED"] },
];

export class Board {
  /** onOpen(name) when a card is chosen; onChange(app) after any application changed. */
  constructor(root, announcer, api, { onOpen, onChange, onError }) {
    this.root = root;
    this.announcer = announcer;
    this.api = api;
    this.onOpen = onOpen;
    this.onChange = onChange;
    this.onError = onError;
    this.apps = new Map();
    this.jobs = new Map(); // job name → Promise of the Job, fetched once
    this.lists = new Map(); // state → the <ol> of its column
    this.live = new LiveUpdates(api, {
      onApplication: (app) => this.upsert(app),
      poll: () => this.load().catch((err) => this.onError(err)),
    });
    this.#build();
  }

  #build() {
    this.root.replaceChildren();
    for (const column of COLUMNS) {
      const id = `col-${column.states[0]}`;
      const list = h("ol", { class: "cards", "aria-labelledby": id });
      const count = h("span", { class: "count", "aria-label": "applications" }, "0");
      for (const state of column.states) this.lists.set(state, list);
      this.root.append(
        h("section", {
          class: "column", "data-testid": `column-${column.states[0]}`, "data-states": column.states.join(" "),
        }, h("h2", { id }, column.title, " ", count), list),
      );
    }
  }

  /** Read every application again and bring the board in line. */
  async load() {
    const apps = await this.api.listAll("/v1/applications", "applications");
    const seen = new Set(apps.map((app) => app.name));
    for (const name of [...this.apps.keys()]) {
      if (!seen.has(name)) this.#remove(name);
    }
    for (const app of apps.reverse()) this.upsert(app); // cards are prepended: newest ends on top
    this.#count();
  }

  /** Close every stream and forget everything shown (sign-out). */
  stop() {
    this.live.stop();
    this.apps.clear();
    this.jobs.clear();
    this.#build();
  }

  get(name) {
    return this.apps.get(name);
  }

  job(name) {
    if (!this.jobs.has(name)) {
      const pending = this.api.call("GET", resourceUrl(name));
      pending.catch(() => this.jobs.delete(name)); // failures are not cached: a later render retries
      this.jobs.set(name, pending);
    }
    return this.jobs.get(name);
  }

  /** Put an application where its state says, announcing a move. */
  upsert(app) {
    if (!app?.name) return;
    const before = this.apps.get(app.name);
    if (before && Date.parse(app.updateTime) < Date.parse(before.updateTime)) return; // a stale list page
    if (before?.etag && before.etag === app.etag && before.updateTime === app.updateTime) return;
    this.apps.set(app.name, app);
    const card = this.#card(app);
    const old = this.root.querySelector(`[data-name="${CSS.escape(app.name)}"]`);
    const list = this.lists.get(app.state) ?? this.lists.get("STATE_FAILED");
    if (old && old.parentElement === list) old.replaceWith(card);
    else {
      old?.remove();
      list.prepend(card);
    }
    if (before && before.state !== app.state) {
      const title = card.querySelector(".title").textContent;
      this.announcer.textContent = `${title}: ${stateLabel(before.state)} → ${stateLabel(app.state)}`;
    }
    this.live.track(app);
    this.#count();
    if (before?.etag !== app.etag || before?.state !== app.state) this.onChange(app);
  }

  #remove(name) {
    this.apps.delete(name);
    this.root.querySelector(`[data-name="${CSS.escape(name)}"]`)?.remove();
    this.live.forget(name);
  }

  #count() {
    for (const section of this.root.querySelectorAll(".column")) {
      section.querySelector(".count").textContent = String(section.querySelectorAll(".card").length);
    }
  }

  #card(app) {
    const title = h("span", { class: "title" }, lastSegment(app.job));
    const company = h("span", { class: "company" }, "");
    this.job(app.job).then(
      (job) => {
        title.textContent = job.title || title.textContent;
        company.textContent = job.company ?? "";
      },
      () => { company.textContent = "job details unavailable"; },
    );
    const button = h("button", {
      type: "button", class: "card-open", onclick: () => this.onOpen(app.name),
    }, title, company);
    const attempts = app.attempts ?? 0;
    const meta = h("p", { class: "meta" },
      h("span", { class: "badge" }, stateLabel(app.state)),
      h("span", {}, `${MODE_LABELS[app.mode] ?? app.mode ?? ""} · ${attempts} attempt${attempts === 1 ? "" : "s"} ·`),
      h("time", { datetime: app.updateTime ?? "", title: formatTime(app.updateTime) }, relativeTime(app.updateTime)));
    return h("li", {
      class: "card", "data-testid": `card-${lastSegment(app.name)}`, "data-name": app.name, "data-state": app.state,
    }, button, meta);
  }
}
