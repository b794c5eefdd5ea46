// A document's highlights: click (or Enter) shows the row's details and a link to its table row.
"use strict";
(function () {
  const popup = document.getElementById("popup");
  const indexHref = document.body.dataset.indexHref;

  function show(element) {
    const main = (element.dataset.cont && document.getElementById(element.dataset.cont)) || element;
    const lines = (main.getAttribute("title") || "").split("\n");
    popup.replaceChildren();
    for (const line of lines) {
      const div = document.createElement("div");
      div.textContent = line;
      popup.appendChild(div);
    }
    const id = main.dataset.indicatorId;
    if (id) {
      const link = document.createElement("a");
      link.href = indexHref + "#row=" + encodeURIComponent(id);
      link.className = "to-row";
      link.textContent = "show row in the indicator table";
      popup.appendChild(link);
    }
    const box = element.getBoundingClientRect();
    popup.style.left = Math.min(box.left, window.innerWidth - 380) + "px";
    popup.style.top = box.bottom + 6 + "px";
    popup.hidden = false;
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target && popup.contains(target)) return;
    const highlight = target && target.closest(".hl-indicator, .hl-program, .hl-measure");
    if (highlight) show(highlight);
    else popup.hidden = true;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") popup.hidden = true;
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("hl")) show(event.target);
  });
  window.addEventListener("scroll", () => { popup.hidden = true; }, { passive: true });

  function followHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const element = id.startsWith("ind-") && document.getElementById(id);
    if (element) {
      element.scrollIntoView({ block: "center" });
      element.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", followHash);
  followHash();
})();
