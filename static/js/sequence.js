// Previous and next question within the list or search the reader came from. The list page
// remembers its questions (in order) in sessionStorage; a question page of that list links
// to its neighbours and back to the list. Nothing is sent to the server.
(function () {
  "use strict";
  const KEY = "question-sequence";

  function remember() {
    const list = document.querySelector("[data-sequence-source]");
    if (!list) return;
    const items = Array.from(list.querySelectorAll("a.question-link")).map((link) => ({
      url: link.getAttribute("href"),
      title: link.textContent.trim(),
    }));
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ list: list.dataset.listUrl, items }));
    } catch (error) {
      // Storage full or off: the page works without the sequence.
    }
  }

  function show() {
    const nav = document.querySelector("[data-sequence]");
    if (!nav) return;
    let sequence = null;
    try {
      sequence = JSON.parse(sessionStorage.getItem(KEY));
    } catch (error) {
      return;
    }
    if (!sequence || !Array.isArray(sequence.items)) return;
    const index = sequence.items.findIndex((item) => item.url === window.location.pathname);
    if (index < 0) return;
    const fill = (selector, item) => {
      const link = nav.querySelector(selector);
      if (!item) return;
      link.href = item.url;
      const label = link.querySelector("span");
      if (label) label.textContent = item.title;
      link.hidden = false;
    };
    fill("[data-prev]", sequence.items[index - 1]);
    fill("[data-next]", sequence.items[index + 1]);
    fill("[data-back]", { url: sequence.list });
  }

  document.addEventListener("htmx:afterSettle", remember);
  remember();
  show();
})();
