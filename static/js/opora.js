// Small enhancements without a framework; every page stays usable without JavaScript.
// - table[data-filterable]: a quick text filter above the table;
// - table[data-sortable]: click a column header to sort (by data-sort, else the cell text);
// - form[data-upload-progress]: a progress bar while a file uploads and is checked;
// - select[data-autosubmit]: choosing an option shows it at once (a <noscript> button otherwise).
// Pages carry no inline script or on…= handler: the Content-Security-Policy refuses them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table[data-filterable]").forEach(addFilter);
  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("form[data-upload-progress]").forEach(showUploadProgress);
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});

function addFilter(table) {
  const input = document.createElement("input");
  input.type = "search";
  input.placeholder = "Быстрый поиск по таблице";
  input.className = "table-filter";
  input.setAttribute("aria-label", "Быстрый поиск по таблице");
  table.before(input);
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    for (const row of table.tBodies[0].rows) {
      row.hidden = needle !== "" && !row.textContent.toLowerCase().includes(needle);
    }
  });
}

function sortKey(cell) {
  const raw = cell.dataset.sort ?? cell.textContent.trim();
  const number = parseFloat(raw.replace(",", ".").replace(/\s/g, ""));
  return raw === "" ? null : Number.isNaN(number) ? raw.toLowerCase() : number;
}

function makeSortable(table) {
  const headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
  Array.from(headers).forEach((header, column) => {
    header.classList.add("sortable");
    header.tabIndex = 0;
    const sort = () => {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.from(headers).forEach((h) => h.removeAttribute("aria-sort"));
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = Array.from(table.tBodies[0].rows);
      rows.sort((a, b) => {
        const x = sortKey(a.cells[column]);
        const y = sortKey(b.cells[column]);
        if (x === y) return 0;
        if (x === null) return 1; // empty cells last either way
        if (y === null) return -1;
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      });
      table.tBodies[0].append(...rows);
    };
    header.addEventListener("click", sort);
    header.addEventListener("keydown", (event) => event.key === "Enter" && sort());
  });
}

function showUploadProgress(form) {
  form.addEventListener("submit", (event) => {
    const file = form.querySelector("input[type=file]");
    if (!file || !file.files.length || !window.XMLHttpRequest) return;
    event.preventDefault();
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const label = document.createElement("p");
    label.className = "progress-label";
    label.textContent = "Передача файла…";
    form.append(bar, label);
    form.querySelector("button[type=submit]").disabled = true;
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate while the server checks the file
      label.textContent = "Файл передан, идёт проверка и загрузка данных…";
    });
    request.addEventListener("load", () => {
      // The request followed the redirect itself, so its response is the page that carries the
      // one-time success message: show it rather than load the address again without it.
      const redirected = request.responseURL && request.responseURL !== window.location.href;
      document.open();
      document.write(request.responseText);
      document.close();
      if (redirected) window.history.replaceState(null, "", request.responseURL);
    });
    request.send(new FormData(form));
  });
}
