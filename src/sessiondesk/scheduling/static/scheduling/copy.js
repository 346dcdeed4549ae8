// "Copy" buttons: data-copy-target names the input whose value goes to the clipboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = button.dataset.copiedLabel || "Copied";
  setTimeout(() => { button.textContent = label; }, 1600);
});
