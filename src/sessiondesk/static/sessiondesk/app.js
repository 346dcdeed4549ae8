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
