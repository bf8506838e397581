// Small enhancements that work without a framework: a quick text filter above tables marked
// data-filterable. Pages stay fully usable without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table[data-filterable]")) {
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
});
