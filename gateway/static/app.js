/**
 * Entry point of the tracker page: sign-in and sign-out, and wiring the board to the detail panel.
 * Must not call the API beyond auth itself: the board and the detail panel own their calls.
 */

import { Api } from "./api.js";
import { Board } from "./board.js";
import { Detail, describeError } from "./detail.js";

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const api = new Api();
const loginView = document.getElementById("login");
const boardView = document.getElementById("tracker");
const sessionBar = document.getElementById("session");
const loginForm = $("login-form");
const loginError = $("login-error");
const boardError = $("board-error");
const showError = (err) => { boardError.textContent = describeError(err); };

let detail = null;
const board = new Board($("board"), document.getElementById("announcer"), api, {
  onOpen: (name) => detail.open(name).catch(showError),
  onChange: (app) => detail?.update(app),
  onError: showError,
});
detail = new Detail($("detail"), api, board);

async function enter() {
  loginView.hidden = true;
  boardView.hidden = false;
  sessionBar.hidden = false;
  $("user").textContent = api.tokens?.email || api.tokens?.user || "";
  boardError.textContent = "";
  try {
    await board.load();
  } catch (err) {
    showError(err);
  }
}

function leave(message = "") {
  board.stop();
  detail.close();
  boardView.hidden = true;
  sessionBar.hidden = true;
  loginView.hidden = false;
  loginError.textContent = message;
  $("login-email").focus();
}

api.onSignedOut = () => leave("Your session has ended. Please sign in again.");

loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = $("login-submit");
  submit.disabled = true;
  loginError.textContent = "";
  try {
    await api.login($("login-email").value.trim(), $("login-password").value);
    $("login-password").value = "";
    await enter();
  } catch (err) {
    loginError.textContent = describeError(err);
  } finally {
    submit.disabled = false;
  }
});

$("logout").addEventListener("click", async () => {
  const failed = await api.logout().then(() => null, (err) => err);
  leave(failed ? `Signed out here, but the server said: ${describeError(failed)}` : "");
});

if (api.signedIn) enter();
else leave();
