// The interview page: shows the server's clock and saves answers as the learner types.
//
// The server owns the deadline. This script only displays the remaining time it reports,
// counting down locally between re-syncs. Answers are sent (debounced) to the API; until a
// save is confirmed the text is also kept in localStorage, so a reload, a closed tab or a
// lost connection loses nothing typed, and the pending text is sent again when possible.
(function () {
  "use strict";
  const root = document.querySelector("[data-interview]");
  if (!root) return;

  const data = root.dataset;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const total = Number(data.total);
  const grace = Number(data.grace);
  const DEBOUNCE_MS = 800;
  const SYNC_MS = 15000;
  const RETRY_MS = 5000;

  // ---- clock ----------------------------------------------------------------------
  const clockBox = document.getElementById("clock");
  const clockTime = document.getElementById("clock-time");
  const warning = document.getElementById("clock-warning");
  let remaining = Number(data.remaining);
  let syncedAt = performance.now();
  let finished = false;

  function left() {
    return Math.max(0, remaining - Math.floor((performance.now() - syncedAt) / 1000));
  }

  function format(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mm = String(m).padStart(2, "0");
    const ss = String(s).padStart(2, "0");
    return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  function render() {
    const seconds = left();
    clockTime.textContent = format(seconds);
    let level = 0;
    if (seconds <= total * 0.05) level = 5;
    else if (seconds <= total * 0.2) level = 20;
    clockBox.classList.toggle("warn-20", level === 20);
    clockBox.classList.toggle("warn-5", level === 5);
    const message = seconds === 0 ? data.msgTimeup : level === 5 ? data.msgWarn5 : level === 20 ? data.msgWarn20 : "";
    if (warning.textContent !== message) warning.textContent = message;
  }

  function finish(reviewUrl) {
    if (finished) return;
    finished = true;
    root.querySelectorAll("textarea, input[data-mark]").forEach((el) => { el.readOnly = true; el.disabled = el.type === "checkbox"; });
    window.location.assign(reviewUrl || data.reviewUrl);
  }

  async function sync() {
    try {
      const response = await fetch(data.clockUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) return;
      const state = await response.json();
      remaining = state.remaining_seconds;
      syncedAt = performance.now();
      render();
      if (state.state !== "started") {
        await flushAll();
        finish(state.review_url);
      }
    } catch (error) {
      // Offline: keep counting down locally; the next sync corrects the display.
    }
  }

  // ---- autosave ---------------------------------------------------------------------
  const textareas = Array.from(root.querySelectorAll("textarea[data-question]"));
  const pending = new Map(); // question id -> timer
  const dirty = new Set();
  const spent = new Map(); // question id -> seconds not yet reported
  let current = textareas.length === 1 ? textareas[0].dataset.question : null;

  function draftKey(question) {
    return `interview-${data.attempt}-${question}`;
  }

  function status(question, text, isError) {
    const el = root.querySelector(`[data-status-for="${question}"]`);
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  }

  function markNavigator(question, textarea, marked) {
    const item = root.querySelector(`[data-nav-question="${question}"]`);
    if (!item) return;
    item.classList.toggle("answered", textarea.value.trim() !== "");
    if (marked !== undefined) item.classList.toggle("marked", marked);
  }

  function takeSeconds(question) {
    const seconds = spent.get(question) || 0;
    spent.set(question, 0);
    return seconds;
  }

  async function save(question, { keepalive = false } = {}) {
    clearTimeout(pending.get(question));
    pending.delete(question);
    const textarea = root.querySelector(`textarea[data-question="${question}"]`);
    const mark = root.querySelector(`input[data-mark="${question}"]`);
    if (!textarea || finished) return;
    const text = textarea.value;
    const seconds = takeSeconds(question);
    status(question, data.msgSaving);
    try {
      const response = await fetch(data.answerUrl.replace(/\/0\/$/, `/${question}/`), {
        method: "PUT",
        keepalive,
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ text, marked: mark ? mark.checked : null, seconds }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        if (textarea.value === text) {
          dirty.delete(question);
          localStorage.removeItem(draftKey(question));
        }
        const time = new Date(body.saved_at).toLocaleTimeString();
        status(question, `${data.msgSaved} ${time}`);
        markNavigator(question, textarea, mark ? mark.checked : undefined);
        if (typeof body.remaining_seconds === "number") {
          remaining = body.remaining_seconds;
          syncedAt = performance.now();
        }
      } else if (response.status === 409) {
        status(question, body.detail || data.msgTimeup, true);
        finish(body.review_url);
      } else {
        status(question, body.detail || JSON.stringify(body), true);
      }
    } catch (error) {
      spent.set(question, (spent.get(question) || 0) + seconds);
      status(question, data.msgOffline, true);
      pending.set(question, setTimeout(() => save(question), RETRY_MS));
    }
  }

  async function flushAll(options) {
    await Promise.all(Array.from(dirty).map((question) => save(question, options)));
  }

  textareas.forEach((textarea) => {
    const question = textarea.dataset.question;
    // A draft left by a save that never completed (reload while offline, closed tab), unless
    // the learner has already typed over the page's text.
    const draft = localStorage.getItem(draftKey(question));
    if (draft !== null && textarea.value === textarea.defaultValue) textarea.value = draft;
    if (textarea.value !== textarea.defaultValue) {
      // Text the server does not have: that draft, or typing before this script ran (a slow
      // page) that no input event will report.
      dirty.add(question);
      localStorage.setItem(draftKey(question), textarea.value);
      save(question);
    } else if (draft !== null) {
      localStorage.removeItem(draftKey(question));
    }
    textarea.addEventListener("input", () => {
      dirty.add(question);
      localStorage.setItem(draftKey(question), textarea.value);
      clearTimeout(pending.get(question));
      pending.set(question, setTimeout(() => save(question), DEBOUNCE_MS));
    });
    textarea.addEventListener("focus", () => { current = question; });
  });

  root.querySelectorAll("input[data-mark]").forEach((box) => {
    box.addEventListener("change", () => {
      dirty.add(box.dataset.mark);
      save(box.dataset.mark);
    });
  });

  // Time on a question: seconds the page is visible with that question in front of the learner.
  setInterval(() => {
    if (!document.hidden && current && !finished) spent.set(current, (spent.get(current) || 0) + 1);
  }, 1000);

  const form = document.getElementById("answer-form");
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.hasAttribute("data-confirm") && !window.confirm(data.msgConfirm)) {
      event.preventDefault();
      return;
    }
    // The form itself carries the texts; report the time and stop the pending autosaves.
    pending.forEach((timer) => clearTimeout(timer));
    pending.clear();
    form.querySelectorAll("[data-seconds-for]").forEach((input) => {
      input.value = String(takeSeconds(input.dataset.secondsFor));
    });
  });

  window.addEventListener("pagehide", () => { if (dirty.size) flushAll({ keepalive: true }); });
  window.addEventListener("online", () => { flushAll(); sync(); });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { if (dirty.size) flushAll({ keepalive: true }); } else { sync(); }
  });

  setInterval(() => {
    render();
    // At zero, ask the server once the grace period for late saves is over, then every few seconds.
    if (left() === 0 && !finished && performance.now() - syncedAt > (remaining + grace + 1) * 1000) sync();
  }, 1000);
  setInterval(sync, SYNC_MS);
  render();
})();
