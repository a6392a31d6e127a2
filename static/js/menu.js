// The header's menu button: on a phone the site's links fold behind it (site.css shows them
// on wide screens, where the button is hidden).
(function () {
  "use strict";
  const button = document.querySelector(".menu-toggle");
  if (!button) return;
  const nav = button.closest(".nav");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
})();
