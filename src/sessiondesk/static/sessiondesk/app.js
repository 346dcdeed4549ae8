// Small behaviours without inline scripts (the pages are served under a strict CSP).
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.openDialog);
    if (dialog) { event.preventDefault(); dialog.showModal(); }
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) { event.preventDefault(); closer.closest("dialog").close(); }
});

(() => {
  // Menus are <details> (they open without scripts); a click elsewhere or Escape closes an open one.
  const closeMenus = (except) => {
    for (const menu of document.querySelectorAll("details.navmenu[open], details.navgroup[open]")) {
      if (!menu.contains(except)) menu.open = false;
    }
  };
  document.addEventListener("click", (event) => closeMenus(event.target));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenus(null); });

  // On phones tables show as stacked cards: each cell carries its column's heading as a label.
  const labelCells = (root) => {
    for (const table of root.querySelectorAll("table")) {
      const headings = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
      if (!headings.length) continue;
      for (const row of table.querySelectorAll("tbody tr")) {
        Array.from(row.children).forEach((cell, index) => {
          if (headings[index] && !cell.dataset.label) cell.dataset.label = headings[index];
        });
      }
    }
  };
  document.addEventListener("DOMContentLoaded", () => labelCells(document));

  // A session form's "Where" (_meeting_fields.html): only the fields that apply, and never one with
  // an error. Online: the platform, and the link only for "Custom link"; in person: the place.
  const showWhere = (fieldset) => {
    const where = fieldset.querySelector("input[name=where]:checked");
    const online = !where || where.value === "online";
    const provider = fieldset.querySelector("select[name=provider]");
    const show = (name, shown) => {
      const field = fieldset.querySelector(`.field-${name}`);
      if (field) field.hidden = !shown && !field.classList.contains("has-error");
    };
    show("provider", online);
    show("custom_meeting_url", online && provider !== null && provider.value === "custom");
    show("location", !online);
  };
  // A field that applies only while a checkbox of its form is ticked (data-shown-if="<its name>"), or
  // one of its radio buttons chosen ("<name>=<value>"): a session type's default meeting while
  // "Online session" is ticked, the meeting link while "Custom link" is chosen. A field with an
  // error stays. Hidden, it is still sent: a value kept for later is not lost.
  const showIfTicked = (field) => {
    const form = field.closest("form");
    const [name, value] = field.dataset.shownIf.split("=");
    const inputs = form ? [...form.querySelectorAll(`input[name="${name}"]`)] : [];
    if (!inputs.length) return;
    const on = inputs.some((input) => input.checked && (value === undefined || input.value === value));
    field.hidden = !on && !field.classList.contains("has-error");
  };
  document.addEventListener("change", (event) => {
    const fieldset = event.target.closest("[data-where]");
    if (fieldset) showWhere(fieldset);
    const form = event.target.closest("form");
    if (form) form.querySelectorAll("[data-shown-if]").forEach(showIfTicked);
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-where]").forEach(showWhere);
    document.querySelectorAll("[data-shown-if]").forEach(showIfTicked);
  });
  document.addEventListener("htmx:afterSettle", () => labelCells(document));
})();
