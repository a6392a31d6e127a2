// The review page: text the learner typed that the interview did not store (typed after the
// deadline, or while offline until the end) is still in this browser (static/js/interview.js
// keeps each unsaved answer in localStorage). Show it, marked as not saved, instead of
// letting it vanish with the redirect.
(function () {
  "use strict";
  document.querySelectorAll("[data-unsaved-for]").forEach((box) => {
    const key = `interview-${box.dataset.attempt}-${box.dataset.unsavedFor}`;
    let text = null;
    try {
      const draft = JSON.parse(localStorage.getItem(key));
      if (draft && typeof draft.text === "string") text = draft.text;
    } catch (error) {
      text = localStorage.getItem(key);
    }
    if (!text || !text.trim() || text === box.dataset.saved) return;
    box.querySelector("[data-unsaved-text]").textContent = text;
    box.hidden = false;
  });
})();
