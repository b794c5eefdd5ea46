// The indicator table: rows from the JSON blob, filtered, sorted and shown a page at a time.
// Every scraped value reaches the page through textContent, never as markup.
"use strict";
(function () {
  const blob = JSON.parse(document.getElementById("indicator-data").textContent);
  const col = Object.fromEntries(blob.columns.map((name, i) => [name, i]));
  const rows = blob.rows;
  const PAGE = 50;
  const NONE = "(none)";
  const form = document.getElementById("filters");
  const body = document.querySelector("#indicator-table tbody");
  const count = document.getElementById("row-count");
  const pageLabel = document.getElementById("page-label");
  const docTitle = (row) => blob.documents[row[col.doc]][1];
  const cell = {
    doc: docTitle,
    sentence: (row) => blob.sentences[row[col.sentence]],
  };
  const valueOf = (row, name) => (cell[name] ? cell[name](row) : row[col[name]]);
  let shown = rows.slice();
  let page = 0;
  let sortBy = null;
  let ascending = true;

  function fillSelect(name, label) {
    const select = form.elements[name];
    const values = new Set(rows.map((row) => label(row)));
    for (const value of [...values].sort()) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    }
  }
  const asLabel = (name) => (row) => {
    const value = name === "doc" ? docTitle(row) : row[col[name]];
    return value === null || value === undefined ? NONE : String(value);
  };
  for (const name of ["kind", "unit", "doc", "qualifier", "change"]) fillSelect(name, asLabel(name));

  function applyFilters() {
    const wanted = {};
    for (const name of ["kind", "unit", "doc", "qualifier", "change"]) {
      if (form.elements[name].value !== "") wanted[name] = [asLabel(name), form.elements[name].value];
    }
    const needle = form.elements.q.value.trim().toLowerCase();
    shown = rows.filter((row) => {
      for (const name in wanted) if (wanted[name][0](row) !== wanted[name][1]) return false;
      if (!needle) return true;
      const subject = (row[col.subject] || "").toLowerCase();
      return subject.includes(needle) || blob.sentences[row[col.sentence]].toLowerCase().includes(needle);
    });
    sortRows();
    page = 0;
    render();
  }

  function sortRows() {
    if (sortBy === null) return;
    const sign = ascending ? 1 : -1;
    shown.sort((a, b) => {
      const x = valueOf(a, sortBy), y = valueOf(b, sortBy);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    });
  }

  function formatValue(row) {
    const value = row[col.value], high = row[col.value_high];
    const format = (n) => (n === null ? "" : n.toLocaleString("en-US", { maximumFractionDigits: 4 }));
    return high === null ? format(value) : format(value) + "–" + format(high);
  }

  function render() {
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    const fragment = document.createDocumentFragment();
    for (const row of shown.slice(page * PAGE, page * PAGE + PAGE)) {
      const id = row[col.indicator_id];
      const tr = document.createElement("tr");
      tr.dataset.rowId = id;
      tr.id = "row-" + id;
      const texts = [docTitle(row), row[col.kind], formatValue(row), row[col.unit], row[col.qualifier],
                     row[col.subject], row[col.change], row[col.text], blob.sentences[row[col.sentence]], row[col.rule]];
      texts.forEach((text, i) => {
        const td = document.createElement("td");
        td.textContent = text === null ? "" : text;
        if (i === 2) td.className = "num";
        if (i === 8) td.className = "sentence";
        tr.appendChild(td);
      });
      const link = document.createElement("a");
      link.className = "to-text";
      link.href = blob.documents[row[col.doc]][2] + "#ind-" + encodeURIComponent(id);
      link.textContent = "in text";
      link.title = "raw " + row[col.raw_start] + "–" + row[col.raw_end] + ", text " + row[col.start] + "–" + row[col.end];
      const td = document.createElement("td");
      td.appendChild(link);
      tr.appendChild(td);
      fragment.appendChild(tr);
    }
    body.replaceChildren(fragment);
    count.textContent = shown.length.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US") + " rows";
    pageLabel.textContent = "page " + (page + 1) + " of " + pages;
  }

  function showRow(id) {
    for (const element of form.elements) if (element.name) element.value = "";  // no reset event, no re-render
    applyFilters();
    const index = shown.findIndex((row) => row[col.indicator_id] === id);
    if (index < 0) return;
    page = Math.floor(index / PAGE);
    render();
    const tr = document.getElementById("row-" + id);
    tr.classList.add("target");
    tr.scrollIntoView({ block: "center" });
  }

  function followHash() {
    const hash = decodeURIComponent(location.hash);
    if (hash.startsWith("#row=")) showRow(hash.slice(5));
  }

  let typing = null;
  form.addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(applyFilters, event.target.name === "q" ? 150 : 0);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(applyFilters, 0));
  document.querySelectorAll("#indicator-table th[data-sort]").forEach((th) => {
    th.addEventListener("click", () => {
      ascending = sortBy === th.dataset.sort ? !ascending : true;
      sortBy = th.dataset.sort;
      document.querySelectorAll("#indicator-table th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      sortRows();
      render();
    });
  });
  document.getElementById("previous-page").addEventListener("click", () => { page -= 1; render(); });
  document.getElementById("next-page").addEventListener("click", () => { page += 1; render(); });
  window.addEventListener("hashchange", followHash);
  render();
  followHash();
})();
