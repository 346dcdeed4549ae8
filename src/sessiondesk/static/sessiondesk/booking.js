// Client-facing pages: show times in the visitor's own time zone, and re-show them when it changes.
(function () {
  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function init() {
    document.querySelectorAll("[data-js-hide]").forEach((element) => { element.hidden = true; });
    const form = document.querySelector("[data-tz-form]");
    const select = form && form.querySelector("[data-tz-select]");
    if (!select) return;
    select.addEventListener("change", () => form.submit());
    if (!form.hasAttribute("data-tz-detect")) return;
    const zone = browserZone();
    const offered = Array.from(select.options).some((option) => option.value === zone);
    if (zone && offered && zone !== select.value) {
      // Hide the times in the wrong zone while the page reloads in the visitor's own.
      document.body.classList.add("tz-detecting");
      select.value = zone;
      const query = new URLSearchParams(new FormData(form)).toString();
      window.location.replace((form.getAttribute("action") || window.location.pathname) + "?" + query);
    }
  }

  document.addEventListener("click", (event) => {
    const day = event.target.closest(".day-pick");
    if (!day) return;
    document.querySelectorAll(".day-pick.selected").forEach((other) => other.classList.remove("selected"));
    day.classList.add("selected");
  });

  document.addEventListener("DOMContentLoaded", init);
})();
