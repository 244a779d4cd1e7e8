/**
 * Live updates: one `:watch` stream per application that is still moving, reconnected with backoff
 * when it drops and closed once the application is terminal. A browser allows only six HTTP/1.1
 * connections per host, so at most `maxStreams` run at once (applications the workers are moving
 * first); the rest are refreshed by polling. Must not touch the DOM.
 */

import { ApiError } from "./api.js";
import { TERMINAL } from "./dom.js";

const WAITING_ON_USER = new Set(["STATE_NEEDS_INPUT", "STATE_AWAITING_REVIEW"]);
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30000;

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export class LiveUpdates {
  /** onApplication(app, event) gets every streamed message; poll() re-reads the list. */
  constructor(api, { onApplication, poll, maxStreams = 4, pollMs = 15000 }) {
    this.api = api;
    this.onApplication = onApplication;
    this.poll = poll;
    this.maxStreams = maxStreams;
    this.pollMs = pollMs;
    this.live = new Map(); // name → state, for every non-terminal application
    this.streams = new Map(); // name → AbortController
    this.pinned = null; // the application open in the detail panel
    this.timer = null;
  }

  /** Tell the scheduler where an application is now. */
  track(app) {
    if (TERMINAL.has(app.state)) {
      this.live.delete(app.name);
      this.#close(app.name);
    } else {
      this.live.set(app.name, app.state);
    }
    this.#balance();
  }

  forget(name) {
    this.live.delete(name);
    this.#close(name);
    this.#balance();
  }

  pin(name) {
    this.pinned = name;
    this.#balance();
  }

  stop() {
    for (const name of [...this.streams.keys()]) this.#close(name);
    this.live.clear();
    clearInterval(this.timer);
    this.timer = null;
  }

  get watching() {
    return [...this.streams.keys()];
  }

  #rank(name) {
    if (name === this.pinned) return 0;
    return WAITING_ON_USER.has(this.live.get(name)) ? 2 : 1;
  }

  #balance() {
    const wanted = [...this.live.keys()].sort((a, b) => this.#rank(a) - this.#rank(b));
    const keep = new Set(wanted.slice(0, this.maxStreams));
    for (const name of [...this.streams.keys()]) if (!keep.has(name)) this.#close(name);
    for (const name of keep) if (!this.streams.has(name)) this.#open(name);
    const unwatched = wanted.some((name) => !this.streams.has(name));
    if (unwatched && !this.timer) this.timer = setInterval(() => this.poll(), this.pollMs);
    if (!unwatched && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  #close(name) {
    this.streams.get(name)?.abort();
    this.streams.delete(name);
  }

  #open(name) {
    const controller = new AbortController();
    this.streams.set(name, controller);
    this.#run(name, controller).finally(() => {
      if (this.streams.get(name) === controller) {
        this.streams.delete(name);
        this.#balance();
      }
    });
  }

  async #run(name, controller) {
    const { signal } = controller;
    let delay = FIRST_RETRY_MS;
    while (!signal.aborted) {
      try {
        await this.api.watch(name, (message) => {
          delay = FIRST_RETRY_MS;
          if (!signal.aborted) this.onApplication(message.application, message.event ?? null);
        }, signal);
      } catch (err) {
        if (signal.aborted) return;
        // Gone, forbidden or signed out: retrying cannot help (HTTP status, or gRPC code mid-stream).
        const final = [401, 403, 404].includes(err.httpStatus) || [5, 7].includes(err.code);
        if (err instanceof ApiError && final) {
          this.live.delete(name);
          return;
        }
      }
      if (signal.aborted || !this.live.has(name)) return;
      await sleep(delay * (1 + Math.random() / 2), signal);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }
}
