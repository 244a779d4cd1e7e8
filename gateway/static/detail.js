/**
 * The detail panel of one application: state, fill plan, pending questions with the answer form,
 * approve and cancel, the events timeline and the runs with their screenshots. Errors show inline.
 * Must not move cards itself: it hands every application the API returns to the board.
 */

import { resourceUrl } from "./api.js";
import { CANCELLABLE, MODE_LABELS, formatTime, h, stateLabel } from "./dom.js";

/** "message: field must …; field …" from a google.rpc.Status. */
export function describeError(err) {
  const violations = (err.details ?? []).flatMap((d) => d.fieldViolations ?? []);
  const extra = violations.map((v) => `${v.field} ${v.description}`.trim());
  return [err.message, ...extra].join(" — ");
}

function screenshotSrc(artifact, content) {
  const base64 = String(content ?? "").replace(/-/g, "+").replace(/_/g, "/");
  return `data:${artifact?.contentType || "image/png"};base64,${base64}`;
}

export class Detail {
  constructor(root, api, board) {
    this.root = root;
    this.api = api;
    this.board = board;
    this.name = null;
    this.seq = 0;
    root.addEventListener("keydown", (e) => { if (e.key === "Escape") this.close(); });
  }

  async open(name) {
    this.name = name;
    this.board.live.pin(name);
    this.root.hidden = false;
    const known = this.board.get(name);
    await this.show(known ?? await this.api.call("GET", resourceUrl(name)), { focus: true });
  }

  close() {
    const card = this.name && document.querySelector(`[data-name="${CSS.escape(this.name)}"] button`);
    this.name = null;
    this.board.live.pin(null);
    this.root.hidden = true;
    this.root.replaceChildren();
    card?.focus(); // back to where the user came from
  }

  /** Re-render when the application on show changed. */
  update(app) {
    if (app.name === this.name) this.show(app);
  }

  async show(app, { focus = false } = {}) {
    const seq = ++this.seq;
    const typed = new Map([...this.root.querySelectorAll("[data-question]")].map((el) => [el.dataset.question, el.value]));
    const error = h("p", { class: "error", role: "alert", "data-testid": "detail-error" });
    const title = h("h2", { id: "detail-title", tabindex: "-1" }, app.name);
    const company = h("p", { class: "company" });
    this.board.job(app.job).then((job) => {
      title.textContent = job.title || app.name;
      company.textContent = [job.company, job.location].filter(Boolean).join(" · ");
    }, () => {});
    const events = h("ol", { class: "timeline", "data-testid": "events" });
    const runs = h("div", { class: "runs", "data-testid": "runs" });
    this.root.replaceChildren(...[
      h("header", {}, title, h("button", { type: "button", class: "close", onclick: () => this.close() }, "Close")),
      company,
      h("p", { class: "status" }, "State: ", h("strong", { "data-testid": "state", "data-state": app.state },
        stateLabel(app.state)), ` · ${MODE_LABELS[app.mode] ?? app.mode} · ${app.attempts ?? 0} attempt(s)`),
      app.lastError ? h("p", { class: "last-error" }, app.lastError) : null,
      error,
      this.#actions(app, error),
      this.#questions(app, error, typed),
      this.#plan(app.fillPlan),
      h("h3", {}, "Events"), events,
      h("h3", {}, "Runs"), runs,
    ].filter(Boolean));
    if (focus) title.focus();
    const [eventList, runList] = await Promise.all([
      this.api.listAll(`${resourceUrl(app.name)}/events`, "events").catch((err) => err),
      this.api.listAll(`${resourceUrl(app.name)}/runs`, "runs").catch((err) => err),
    ]);
    if (seq !== this.seq) return;
    if (eventList instanceof Error) error.textContent = describeError(eventList);
    else if (!eventList.length) events.replaceChildren(h("li", {}, "No events yet."));
    else events.replaceChildren(...eventList.map((e) => h("li", {},
      h("time", { datetime: e.createTime ?? "" }, formatTime(e.createTime)), " ",
      h("strong", {}, e.type ?? ""), ` ${stateLabel(e.fromState)} → ${stateLabel(e.toState)}`,
      e.message ? ` — ${e.message}` : "")));
    if (runList instanceof Error) error.textContent = describeError(runList);
    else if (!runList.length) runs.replaceChildren(h("p", {}, "No runs yet."));
    else runs.replaceChildren(...runList.map((run) => this.#run(run, error)));
  }

  async #act(button, error, verb, body) {
    button.disabled = true;
    error.textContent = "";
    try {
      const app = await this.api.call("POST", resourceUrl(this.name, verb), body);
      this.board.upsert(app);
    } catch (err) {
      error.textContent = describeError(err);
      button.disabled = false;
    }
  }

  #actions(app, error) {
    const buttons = [];
    if (app.state === "STATE_AWAITING_REVIEW") {
      const approve = h("button", { type: "button", class: "primary", "data-testid": "approve" }, "Approve and submit");
      approve.addEventListener("click", () => this.#act(approve, error, "approve",
        { etag: app.etag ?? "", planHash: app.fillPlan?.planHash ?? "" }));
      buttons.push(approve);
    }
    if (CANCELLABLE.has(app.state)) {
      const cancel = h("button", { type: "button", class: "danger", "data-testid": "cancel" }, "Cancel application");
      cancel.addEventListener("click", () => this.#act(cancel, error, "cancel", {}));
      buttons.push(cancel);
    }
    return buttons.length ? h("div", { class: "actions" }, buttons) : null;
  }

  #questions(app, error, typed) {
    const questions = app.pendingQuestions ?? [];
    if (app.state !== "STATE_NEEDS_INPUT" || !questions.length) return null;
    const fields = questions.map((q) => {
      const id = `q-${q.id}`;
      const options = q.options?.length ? q.options : q.type === "QUESTION_TYPE_BOOLEAN" ? ["Yes", "No"] : null;
      const input = options
        ? h("select", { id }, h("option", { value: "" }, "Choose…"), options.map((o) => h("option", { value: o }, o)))
        : h("textarea", { id, rows: 2 });
      input.dataset.question = q.id;
      input.setAttribute("data-testid", `question-${q.id}`);
      if (q.required) input.setAttribute("aria-required", "true"); // the server checks; its message shows inline
      input.value = typed.get(q.id) ?? "";
      return h("div", { class: "question" },
        h("label", { for: id }, q.label || q.id, q.required ? h("span", { class: "req" }, " (required)") : null),
        q.description ? h("small", {}, q.description) : null, input);
    });
    const submit = h("button", { type: "submit", class: "primary", "data-testid": "answer-submit" }, "Answer");
    const form = h("form", { class: "questions", "aria-labelledby": "questions-title" },
      h("h3", { id: "questions-title" }, "Questions to answer"), fields, submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const answers = [...form.querySelectorAll("[data-question]")]
        .filter((el) => el.value.trim())
        .map((el) => ({ questionId: el.dataset.question, answer: el.value.trim() }));
      this.#act(submit, error, "answer", { answers });
    });
    return form;
  }

  #plan(plan) {
    const fields = plan?.fields ?? [];
    if (!fields.length) return null;
    const head = ["Label", "Semantic", "Value", "Source", "Confidence"].map((t) => h("th", { scope: "col" }, t));
    const rows = fields.map((f) => h("tr", {},
      h("td", {}, f.label || f.selector || "", f.required ? h("span", { class: "req", title: "required" }, " *") : null),
      h("td", {}, f.semantic ?? ""), h("td", { class: "value" }, f.valuePreview ?? ""), h("td", {}, f.source ?? ""),
      h("td", {}, `${Math.round((f.confidence ?? 0) * 100)}%`)));
    return h("section", { class: "plan", "data-testid": "fill-plan" },
      h("h3", {}, "Fill plan", plan.adapter ? ` (${plan.adapter})` : ""),
      h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, head)), h("tbody", {}, rows))));
  }

  #run(run, error) {
    const shots = h("div", { class: "shots" });
    for (const artifact of (run.artifacts ?? []).filter((a) => a.kind === "screenshot")) {
      const img = h("img", { "data-testid": "screenshot", alt: `Screenshot from attempt ${run.attempt ?? "?"}` });
      shots.append(img);
      this.api.call("GET", resourceUrl(artifact.name)).then(
        (got) => { img.src = screenshotSrc(got.artifact ?? artifact, got.content); },
        (err) => { img.remove(); error.textContent = describeError(err); },
      );
    }
    return h("article", { class: "run" },
      h("h4", {}, `Attempt ${run.attempt ?? "?"} — ${run.endTime ? stateLabel(run.outcome) : "in progress"}`),
      h("p", {}, [formatTime(run.startTime), run.adapter, run.worker].filter(Boolean).join(" · ")),
      run.error ? h("p", { class: "last-error" }, run.error) : null,
      run.confirmation ? h("p", {}, run.confirmation) : null,
      shots);
  }
}
