// Keyboard shortcuts for practice: Space shows the answer, 1-4 rate it, Esc leaves the
// attempt box. The page works without this file (plain forms); with htmx the card is
// swapped in place, so the listener sits on the document and always finds the current card.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var card = document.getElementById("practice-card");
    if (!card) return;
    var reveal = card.querySelector("details.reveal");
    if (!reveal) return;

    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target)) return;

    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      if (!reveal.open) {
        reveal.open = true;
        reveal.querySelector("summary").focus();
      }
      return;
    }
    if (/^[1-4]$/.test(event.key) && reveal.open) {
      var button = reveal.querySelector('button[name="rating"][value="' + event.key + '"]');
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    }
  });

  // After a rating, htmx swaps in the next card: keyboard focus goes to its "show the answer"
  // control instead of falling back to the top of the page (and a test can wait for it).
  document.addEventListener("htmx:afterSettle", function () {
    var summary = document.querySelector("#practice-card details.reveal summary");
    if (summary && document.activeElement === document.body) summary.focus();
  });
})();
