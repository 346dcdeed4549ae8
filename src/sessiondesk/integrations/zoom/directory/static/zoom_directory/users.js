// Zoom Users page: the Offboard toggle, the Remove confirmation dialog and the sync's progress.
(() => {
  const toggle = document.querySelector("[data-offboard-toggle]");
  if (toggle) {
    toggle.addEventListener("change", () => document.body.classList.toggle("offboarding", toggle.checked));
  }

  const dialog = document.getElementById("offboard-dialog");
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-offboard-url]");
    if (!button || !dialog) return;
    event.preventDefault();
    const form = dialog.querySelector("[data-offboard-form]");
    form.action = button.dataset.offboardUrl;
    form.reset();
    dialog.querySelector("[data-offboard-email]").textContent = button.dataset.offboardEmail;
    dialog.showModal();
  });

  const card = document.getElementById("sync-progress");
  if (!card) return;
  const text = card.querySelector("[data-sync-text]");
  const bar = card.querySelector("[data-sync-bar]");
  const busy = (state) => state === "running" || state === "requested" || state === "never";
  if (!busy(card.dataset.state)) return;
  const poll = async () => {
    const response = await fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const status = await response.json();
    if (status.state === "running") {
      bar.hidden = false;
      bar.max = Math.max(status.users_total, 1);
      bar.value = status.users_done;
      text.textContent = status.users_total
        ? `${status.phase}: ${status.users_done} of ${status.users_total} users read…`
        : `${status.phase}…`;
    } else if (status.state === "idle" || status.state === "failed") {
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 700);
  };
  window.setTimeout(poll, 300);
})();
