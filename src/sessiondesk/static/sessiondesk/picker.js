// Search-as-you-type pickers (lib/picker.py renders them). Without this file the picker is a
// search box with a "Find" button and ticks; with it, matches appear as you type and the one you
// pick joins the chosen ones. "New client" adds a client without leaving the form.
(() => {
  const DELAY_MS = 150;

  function csrfToken(picker) {
    const form = picker.closest("form");
    const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function optionLabel(picker, item, checked) {
    const multiple = picker.hasAttribute("data-picker-multiple");
    const label = document.createElement("label");
    label.className = "check picker-option";
    const input = document.createElement("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = picker.dataset.pickerName;
    input.value = String(item.id);
    input.checked = checked;
    const name = document.createElement("span");
    name.className = "picker-name";
    name.textContent = item.name;
    const detail = document.createElement("span");
    detail.className = "muted small";
    detail.textContent = item.detail;
    label.append(input, " ", name, " ", detail);
    return label;
  }

  function setUp(picker) {
    const search = picker.querySelector(".picker-search input[type=search]");
    const button = picker.querySelector(".picker-search button");
    const list = picker.querySelector(".picker-results");
    const options = picker.querySelector(".picker-options");
    const newForm = picker.querySelector(".picker-new");
    // Typing no longer sends the form: the box asks the server itself.
    search.removeAttribute("name");
    button.hidden = true;
    picker.querySelectorAll(".picker-found").forEach((found) => {
      if (!found.querySelector("input").checked) found.remove();
    });
    let timer = null;
    let active = -1;
    let asked = 0;
    let quiet = false;

    function close() {
      clearTimeout(timer);  // nor is a search still waiting for the typing to pause
      asked += 1;  // an answer still on its way is no longer wanted
      list.hidden = true;
      list.replaceChildren();
      search.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(item) {
      const multiple = picker.hasAttribute("data-picker-multiple");
      let input = options.querySelector(`input[value="${item.id}"]`);
      if (!multiple) {
        options.querySelectorAll(".picker-option:not(.picker-empty)").forEach((label) => {
          if (!label.querySelector(`input[value="${item.id}"]`)) label.remove();
        });
      }
      if (input) {
        input.checked = true;
      } else {
        const label = optionLabel(picker, item, true);
        options.append(label);
        input = label.querySelector("input");
      }
      input.dispatchEvent(new Event("change", { bubbles: true }));
      search.value = "";
      close();
      // Focus back on the box without opening the list again, until the person types or clicks in it
      // (a window regaining focus must not cover the form with suggestions).
      quiet = true;
      search.focus();
    }

    function highlight(index) {
      const items = list.querySelectorAll("[role=option]");
      items.forEach((li, n) => li.setAttribute("aria-selected", n === index ? "true" : "false"));
      active = index;
    }

    function show(results, more, text) {
      list.replaceChildren();
      results.forEach((item) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.id = String(item.id);
        const name = document.createElement("span");
        name.className = "picker-name";
        name.textContent = item.name;
        const detail = document.createElement("span");
        detail.className = "muted small";
        detail.textContent = item.detail;
        li.append(name, " ", detail);
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
        list.append(li);
      });
      if (!results.length) {
        const li = document.createElement("li");
        li.className = "muted small picker-none";
        li.textContent = text ? `No match for “${text}”.` : "Type part of a name or email.";
        list.append(li);
      } else if (more) {
        const li = document.createElement("li");
        li.className = "muted small picker-more";
        li.textContent = "More match: type more to narrow them.";
        list.append(li);
      }
      if (newForm) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.className = "picker-add";
        li.dataset.add = "true";
        li.textContent = text ? `New client “${text}”…` : "New client…";
        li.addEventListener("mousedown", (event) => { event.preventDefault(); openNew(text); });
        list.append(li);
      }
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
      active = -1;
    }

    async function ask() {
      const text = search.value.trim();
      const ticket = ++asked;
      const url = `${picker.dataset.pickerUrl}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok || ticket !== asked) return;
      const body = await response.json();
      show(body.results, body.more, text);
    }

    function openNew(text) {
      close();
      newForm.hidden = false;
      const name = newForm.querySelector("[data-new=name]");
      const email = newForm.querySelector("[data-new=email]");
      if (text.includes("@")) { email.value = text; name.value = ""; } else { name.value = text; email.value = ""; }
      (name.value ? email : name).focus();
    }

    async function saveNew() {
      const body = new FormData();
      newForm.querySelectorAll("[data-new]").forEach((input) => body.append(input.dataset.new, input.value));
      const error = newForm.querySelector(".picker-new-error");
      const response = await fetch(picker.dataset.pickerNew, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken(picker), Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (response.status !== 201) {
        error.textContent = Object.values(answer.errors || {}).flat().join(" ") || "The client could not be added.";
        error.hidden = false;
        return;
      }
      error.hidden = true;
      newForm.hidden = true;
      newForm.querySelectorAll("[data-new]").forEach((input) => { input.value = ""; });
      choose(answer);
    }

    // Typing is not a change of the form (the list filters reload on change).
    search.addEventListener("change", (event) => event.stopPropagation());
    search.addEventListener("input", () => {
      quiet = false;
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    search.addEventListener("focus", () => { if (list.hidden && !quiet) ask(); });
    search.addEventListener("mousedown", () => {
      if (!quiet) return;
      quiet = false;
      if (list.hidden) ask();
    });
    search.addEventListener("blur", () => setTimeout(close, 100));
    search.addEventListener("keydown", (event) => {
      const items = list.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Enter picks the highlighted match; it never sends the whole form from the search box.
        event.preventDefault();
        const li = items[active >= 0 ? active : 0];
        if (li) li.dispatchEvent(new MouseEvent("mousedown"));
      } else if (event.key === "Escape") {
        close();
      }
    });
    if (newForm) {
      newForm.querySelector("[data-new-save]").addEventListener("click", saveNew);
      newForm.querySelector("[data-new-cancel]").addEventListener("click", () => {
        newForm.hidden = true;
        quiet = true;
        search.focus();
        quiet = false;
      });
      newForm.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); saveNew(); }
      });
    }
  }

  function setUpAll(root) {
    root.querySelectorAll("[data-picker]:not([data-picker-ready])").forEach((picker) => {
      picker.setAttribute("data-picker-ready", "");
      setUp(picker);
    });
  }

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  // Time zone selects (lib/zones.py): a search box above the list narrows it as you type, and picks
  // the first match when the chosen zone no longer matches. One marked data-zone-detect (a form
  // shown for the first time to someone new) starts at the browser's zone when the list has it.
  function setUpZones(root) {
    root.querySelectorAll("select[data-zone-select]:not([data-zone-ready])").forEach((select) => {
      select.setAttribute("data-zone-ready", "");
      if (select.hasAttribute("data-zone-detect")) {
        const zone = browserZone();
        const option = Array.from(select.options).find((candidate) => candidate.value === zone);
        if (option) option.selected = true;
      }
      const search = document.createElement("input");
      search.type = "search";
      search.className = "tz-search";
      search.placeholder = "Search time zones, e.g. Berlin or UTC+05:30";
      search.setAttribute("aria-label", "Search time zones");
      search.setAttribute("autocomplete", "off");
      select.before(search);
      const normal = (text) => text.toLowerCase().replaceAll("_", " ");
      search.addEventListener("input", () => {
        const words = normal(search.value).split(/\s+/).filter(Boolean);
        let first = null;
        select.querySelectorAll("option").forEach((option) => {
          const text = normal(`${option.value} ${option.textContent}`);
          option.hidden = !words.every((word) => text.includes(word));
          if (!option.hidden && !first) first = option;
        });
        select.querySelectorAll("optgroup").forEach((group) => {
          group.hidden = !group.querySelector("option:not([hidden])");
        });
        if (first && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
          first.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => { setUpAll(document); setUpZones(document); });
  document.addEventListener("htmx:afterSettle", (event) => { setUpAll(event.target); setUpZones(event.target); });
})();
