/**
 * Client of the jobmesh REST facade: sign-in tokens in sessionStorage, one refresh on 401,
 * google.rpc.Status errors as ApiError, pagination, and `:watch` Server-Sent Events read with
 * fetch() (EventSource cannot send an Authorization header). Must not touch the DOM.
 */

const TOKENS_KEY = "jobmesh.tokens";

/** A failed call: `message` is the Status message the server sent. */
export class ApiError extends Error {
  constructor(httpStatus, status) {
    super(status?.message || `request failed (HTTP ${httpStatus})`);
    this.httpStatus = httpStatus;
    this.code = status?.code ?? 0;
    this.details = status?.details ?? [];
  }
}

/** "/v1/applications/abc" from "applications/abc"; a verb like "watch" becomes ":watch". */
export function resourceUrl(name, verb = "") {
  const path = String(name).split("/").map(encodeURIComponent).join("/");
  return `/v1/${path}${verb ? `:${verb}` : ""}`;
}

async function errorOf(response) {
  let status = null;
  try {
    status = await response.json();
  } catch {
    status = null;
  }
  return new ApiError(response.status, status);
}

function parseFrame(frame) {
  let event = "message";
  const data = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { event, data: data.join("\n") };
}

export class Api {
  constructor(storage = window.sessionStorage) {
    this.storage = storage;
    this.refreshing = null;
    this.onSignedOut = () => {};
  }

  get tokens() {
    try {
      return JSON.parse(this.storage.getItem(TOKENS_KEY) ?? "null");
    } catch {
      return null;
    }
  }

  set tokens(tokens) {
    if (tokens) this.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else this.storage.removeItem(TOKENS_KEY);
  }

  get signedIn() {
    return Boolean(this.tokens?.accessToken);
  }

  async login(email, password) {
    const response = await this.#fetch("POST", "/v1/auth:login", { email, password }, null);
    if (!response.ok) throw await errorOf(response);
    this.tokens = { ...(await response.json()), email };
    return this.tokens;
  }

  async logout() {
    const refreshToken = this.tokens?.refreshToken;
    this.tokens = null;
    if (refreshToken) {
      const response = await this.#fetch("POST", "/v1/auth:logout", { refreshToken }, null);
      if (!response.ok) throw await errorOf(response);
    }
  }

  /** One JSON call; the parsed body, or an ApiError. */
  async call(method, url, body = undefined) {
    const response = await this.#authed(method, url, body);
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  /** Every item of a paginated list, following nextPageToken. */
  async listAll(url, key, pageSize = 100) {
    const items = [];
    let pageToken = "";
    do {
      const query = new URLSearchParams({ pageSize: String(pageSize) });
      if (pageToken) query.set("pageToken", pageToken);
      const page = await this.call("GET", `${url}?${query}`);
      items.push(...(page[key] ?? []));
      pageToken = page.nextPageToken ?? "";
    } while (pageToken);
    return items;
  }

  /** Read `name:watch` until the server ends it, calling onMessage with each WatchApplicationResponse. */
  async watch(name, onMessage, signal) {
    const headers = { accept: "text/event-stream" };
    const response = await this.#authed("GET", resourceUrl(name, "watch"), undefined, headers, signal);
    if (!response.ok) throw await errorOf(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + value).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const { event, data } = parseFrame(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!data) continue;
        if (event === "error") throw new ApiError(200, JSON.parse(data));
        onMessage(JSON.parse(data));
      }
    }
  }

  #fetch(method, url, body, accessToken, headers = {}, signal = undefined) {
    const all = { ...headers };
    if (body !== undefined) all["content-type"] = "application/json";
    if (accessToken) all.authorization = `Bearer ${accessToken}`;
    const init = { method, headers: all, signal };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(url, init);
  }

  async #authed(method, url, body, headers = {}, signal = undefined) {
    const used = this.tokens?.accessToken;
    const response = await this.#fetch(method, url, body, used, headers, signal);
    if (response.status !== 401 || !used || !this.tokens) return response;
    // Another call may have refreshed meanwhile: then only retry with its token.
    if (this.tokens.accessToken === used && !(await this.#refresh())) return response;
    return this.#fetch(method, url, body, this.tokens?.accessToken, headers, signal);
  }

  /** Refresh tokens are single-use, so concurrent 401s share one refresh. */
  #refresh() {
    this.refreshing ??= (async () => {
      const refreshToken = this.tokens?.refreshToken;
      const response = refreshToken
        ? await this.#fetch("POST", "/v1/auth:refresh", { refreshToken }, null).catch(() => null)
        : null;
      if (response?.ok) {
        this.tokens = { ...(await response.json()), email: this.tokens?.email };
        return true;
      }
      if (response === null && refreshToken) return false; // network trouble: keep the session
      this.tokens = null;
      this.onSignedOut();
      return false;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}
