// Personal / Organization tabs of the Zoom panel on Settings. Without scripts both panels show.
(() => {
  const select = (button) => {
    const list = button.closest("[role=tablist]");
    for (const tab of list.querySelectorAll("[data-zoom-tab]")) {
      const chosen = tab === button;
      tab.setAttribute("aria-selected", chosen ? "true" : "false");
      tab.tabIndex = chosen ? 0 : -1;
      document.getElementById(tab.dataset.zoomTab).hidden = !chosen;
    }
  };
  const start = () => {
    for (const panel of document.querySelectorAll("[data-zoom-panel][data-inactive]")) panel.hidden = true;
    document.addEventListener("click", (event) => {
      const button = event.target.closest("[data-zoom-tab]");
      if (button) select(button);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
