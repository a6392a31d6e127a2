// Long text is never cut without a word. A textarea with data-max-length (the server's
// limit; no maxlength attribute, which makes the browser drop pasted text silently) gets a
// counter once the text nears the limit, says so at and past it, and a form holding text
// past the limit is not sent (the server would refuse it) until the learner shortens it.
(function () {
  "use strict";
  const SELECTOR = "textarea[data-max-length]";
  const NEAR = 0.9;
  const messages = document.body.dataset;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => String(values[name] ?? match));
  }

  function counterFor(textarea) {
    let counter = textarea.parentNode.querySelector(`[data-counter-for="${textarea.id}"]`);
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "char-count";
      counter.dataset.counterFor = textarea.id;
      counter.id = `${textarea.id}-count`;
      counter.setAttribute("aria-live", "polite");
      textarea.insertAdjacentElement("afterend", counter);
      const described = textarea.getAttribute("aria-describedby");
      textarea.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);
    }
    return counter;
  }

  function update(textarea) {
    const max = Number(textarea.dataset.maxLength);
    const count = textarea.value.length;
    if (count < max * NEAR && !textarea.parentNode.querySelector(`[data-counter-for="${textarea.id}"]`)) return;
    const counter = counterFor(textarea);
    const values = { count, max, over: count - max };
    let text = fill(messages.msgCount, values);
    if (count > max) text = fill(messages.msgOver, values);
    else if (count === max) text = fill(messages.msgLimit, values);
    counter.textContent = count < max * NEAR ? "" : text;
    counter.classList.toggle("over", count > max);
    counter.classList.toggle("at-limit", count === max);
    textarea.toggleAttribute("aria-invalid", count > max);
  }

  function refresh(root) {
    root.querySelectorAll(SELECTOR).forEach(update);
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches(SELECTOR)) update(event.target);
  });
  // Capture phase: before htmx's own submit listener on the form sends it.
  document.addEventListener("submit", (event) => {
    const over = Array.from(event.target.querySelectorAll(SELECTOR)).find(
      (textarea) => textarea.value.length > Number(textarea.dataset.maxLength));
    if (!over) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    update(over);
    over.focus();
  }, true);
  document.addEventListener("htmx:load", (event) => refresh(event.target));
  refresh(document);
})();
