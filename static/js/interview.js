// The interview page: shows the server's clock and saves answers as the learner types.
//
// The server owns the deadline. This script only displays the remaining time it reports,
// counting down locally between re-syncs. Answers are sent (debounced) to the API; until a
// save is confirmed the text is also kept in localStorage, so a reload, a closed tab or a
// lost connection loses nothing typed, and the pending text is sent again when possible.
// Each save carries how many saves of the answer this page knows of: when another window
// has saved it since, the server refuses, and the page shows both texts for the learner to
// choose instead of one window silently replacing the other's.
(function () {
  "use strict";
  const root = document.querySelector("[data-interview]");
  if (!root) return;

  const data = root.dataset;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const total = Number(data.total);
  // The shares of the time left at which the clock warns, in %, largest first: the page
  // carries them (interviews.models.WARNING_PERCENTS) and a message for each.
  const warnings = data.warnings.split(" ").map(Number);
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
    // As Attempt.warning_level does: the smallest share not below the time left.
    let level = 0;
    for (const percent of warnings) if (seconds * 100 <= total * percent) level = percent;
    for (const percent of warnings) clockBox.classList.toggle(`warn-${percent}`, level === percent);
    const message = seconds === 0 ? data.msgTimeup : level ? data[`msgWarn${level}`] : "";
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
  // Question id -> its last save not yet returned (saves of one answer go in order); gone
  // once it has returned.
  const chains = new Map();
  const others = new Map(); // question id -> the other window's stored answer, while in conflict
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

  // "N of M answered": counted from the navigator (one question per screen) or from the
  // answers shown (all on one page), after each save.
  function countAnswered() {
    const counter = root.querySelector("[data-answered-count]");
    if (!counter) return;
    const items = root.querySelectorAll("[data-nav-question]");
    const answered = items.length
      ? Array.from(items).filter((item) => item.classList.contains("answered")).length
      : textareas.filter((textarea) => textarea.value.trim() !== "").length;
    counter.textContent = counter.dataset.template.replace("{answered}", String(answered));
  }

  function markNavigator(question, textarea, marked) {
    const item = root.querySelector(`[data-nav-question="${question}"]`);
    if (item) {
      item.classList.toggle("answered", textarea.value.trim() !== "");
      if (marked !== undefined) item.classList.toggle("marked", marked);
    }
    countAnswered();
  }

  // Saved stamps in the learner's zone (the page's), as 24-hour HH:MM:SS like the server's.
  function clockTimeOf(iso) {
    const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
    try {
      return new Date(iso).toLocaleTimeString("en-GB", { ...options, timeZone: data.timeZone });
    } catch (error) {
      return new Date(iso).toLocaleTimeString("en-GB", options);
    }
  }

  function knownSaves(question) {
    const input = root.querySelector(`input[data-saves-for="${question}"]`);
    return input ? Number(input.value) : null;
  }

  function setKnownSaves(question, saves) {
    const input = root.querySelector(`input[data-saves-for="${question}"]`);
    if (input) input.value = String(saves);
  }

  // A draft is the unsaved text with the count of saves it was typed on ({text, base}).
  function readDraft(question) {
    const raw = localStorage.getItem(draftKey(question));
    if (raw === null) return null;
    try {
      const draft = JSON.parse(raw);
      if (draft && typeof draft.text === "string") return draft;
    } catch (error) {
      // An earlier version of this page kept the bare text.
    }
    return { text: raw, base: null };
  }

  function writeDraft(question, text) {
    localStorage.setItem(draftKey(question), JSON.stringify({ text, base: knownSaves(question) }));
  }

  function conflictBox(question) {
    return root.querySelector(`[data-conflict-for="${question}"]`);
  }

  function showConflict(question, other) {
    others.set(question, other);
    const box = conflictBox(question);
    box.querySelector("[data-other-text]").textContent = other.text;
    box.querySelector(".conflict-actions").hidden = false;
    box.hidden = false;
    status(question, data.msgConflict, true);
  }

  function resolveConflict(question, useOther) {
    const other = others.get(question);
    if (!other) return;
    others.delete(question);
    conflictBox(question).hidden = true;
    setKnownSaves(question, other.saves);
    const textarea = root.querySelector(`textarea[data-question="${question}"]`);
    const mark = root.querySelector(`input[data-mark="${question}"]`);
    if (useOther) {
      textarea.value = other.text;
      if (mark) mark.checked = other.marked;
      dirty.delete(question);
      localStorage.removeItem(draftKey(question));
      status(question, data.msgSaved);
      markNavigator(question, textarea, mark ? mark.checked : undefined);
    } else {
      dirty.add(question);
      writeDraft(question, textarea.value);
      save(question);
    }
    textarea.focus();
  }

  function takeSeconds(question) {
    const seconds = spent.get(question) || 0;
    spent.set(question, 0);
    return seconds;
  }

  function save(question, options) {
    clearTimeout(pending.get(question));
    pending.delete(question);
    // After the save in flight: each save must carry the count the previous one returned.
    const run = (chains.get(question) || Promise.resolve()).then(() => send(question, options));
    const settled = run.catch(() => {});
    chains.set(question, settled);
    settled.then(() => { if (chains.get(question) === settled) chains.delete(question); });
    return run;
  }

  async function send(question, { keepalive = false } = {}) {
    const textarea = root.querySelector(`textarea[data-question="${question}"]`);
    const mark = root.querySelector(`input[data-mark="${question}"]`);
    // In conflict, nothing is sent until the learner chooses a version.
    if (!textarea || finished || others.has(question)) return;
    const text = textarea.value;
    const seconds = takeSeconds(question);
    status(question, data.msgSaving);
    try {
      const response = await fetch(data.answerUrl.replace(/\/0\/$/, `/${question}/`), {
        method: "PUT",
        keepalive,
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ text, marked: mark ? mark.checked : null, seconds, base_saves: knownSaves(question) }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        setKnownSaves(question, body.saves);
        if (textarea.value === text) {
          dirty.delete(question);
          localStorage.removeItem(draftKey(question));
        } else {
          writeDraft(question, textarea.value); // typed while saving: on the new count
        }
        const time = clockTimeOf(body.saved_at);
        status(question, `${data.msgSaved} ${time}`);
        markNavigator(question, textarea, mark ? mark.checked : undefined);
        if (typeof body.remaining_seconds === "number") {
          remaining = body.remaining_seconds;
          syncedAt = performance.now();
        }
      } else if (response.status === 409 && body.code === "answer_changed") {
        spent.set(question, (spent.get(question) || 0) + seconds);
        showConflict(question, body.answer);
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
    const box = conflictBox(question);
    const mark = root.querySelector(`input[data-mark="${question}"]`);
    box.querySelector("[data-keep-mine]").addEventListener("click", () => resolveConflict(question, false));
    box.querySelector("[data-use-other]").addEventListener("click", () => resolveConflict(question, true));
    if (!box.hidden) {
      // The server sent the page back: the form's text met another window's save.
      dirty.add(question);
      const other = { text: box.querySelector("[data-other-text]").textContent, saves: knownSaves(question), marked: mark ? mark.checked : false };
      // Typed on an older count than the page shows: a reload brings the choice back.
      localStorage.setItem(draftKey(question), JSON.stringify({ text: textarea.value, base: -1 }));
      showConflict(question, other);
    } else {
      // A draft left by a save that never completed (reload while offline, closed tab),
      // unless the learner has already typed over the page's text.
      const draft = readDraft(question);
      const typed = textarea.value !== textarea.defaultValue;
      if (draft !== null && !typed && draft.text !== textarea.value) {
        textarea.value = draft.text;
        if (draft.base !== null && draft.base !== knownSaves(question)) {
          // Typed on an earlier save than the page shows: another window saved since.
          dirty.add(question);
          showConflict(question, { text: textarea.defaultValue, saves: knownSaves(question), marked: mark ? mark.checked : false });
        }
      }
      if (others.has(question)) {
        // Waits for the learner's choice.
      } else if (textarea.value !== textarea.defaultValue) {
        // Text the server does not have: that draft, or typing before this script ran (a
        // slow page) that no input event will report.
        dirty.add(question);
        writeDraft(question, textarea.value);
        save(question);
      } else if (draft !== null) {
        localStorage.removeItem(draftKey(question));
      }
    }
    textarea.addEventListener("input", () => {
      dirty.add(question);
      if (others.has(question)) {
        // Kept in this browser; sent once the learner has chosen a version.
        const saved = readDraft(question);
        localStorage.setItem(draftKey(question), JSON.stringify({ text: textarea.value, base: saved ? saved.base : -1 }));
        return;
      }
      writeDraft(question, textarea.value);
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

  // ---- follow-ups (追问): autosaved the same way, debounced; the form also carries them ----
  const followUpTimers = new Map();
  root.querySelectorAll("textarea[data-follow-up-url]").forEach((box) => {
    box.addEventListener("input", () => {
      clearTimeout(followUpTimers.get(box));
      followUpTimers.set(box, setTimeout(() => {
        fetch(box.dataset.followUpUrl, {
          method: "PUT",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ text: box.value }),
        }).catch(() => { /* offline: the form sends it on Next or Submit */ });
      }, DEBOUNCE_MS));
    });
  });

  const form = document.getElementById("answer-form");
  const dialog = document.getElementById("confirm-submit");
  let confirmed = false;
  let confirming = null; // the submit button waiting for the dialog's answer
  dialog.querySelector("[data-dialog-cancel]").addEventListener("click", () => dialog.close());
  dialog.querySelector("[data-dialog-confirm]").addEventListener("click", () => {
    confirmed = true;
    dialog.close();
    form.requestSubmit(confirming);
  });
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!confirmed && button && button.hasAttribute("data-confirm")) {
      event.preventDefault();
      confirming = button;
      if (!dialog.open) dialog.showModal();
      return;
    }
    if (chains.size) {
      // The form carries each answer's count of saves: send it once the saves in flight
      // have returned theirs, or the server would take them for another window's.
      event.preventDefault();
      confirmed = true;
      Promise.all(Array.from(chains.values())).then(() => form.requestSubmit(button));
      return;
    }
    // The form itself carries the texts; report the time and stop the pending autosaves.
    pending.forEach((timer) => clearTimeout(timer));
    pending.clear();
    followUpTimers.forEach((timer) => clearTimeout(timer));
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
