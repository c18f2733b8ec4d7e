// Sortable tables: a table[data-sortable] whose header cells carry data-sort="text" or "number"
// gets a button in each such header; the rows sort by their cells' data-value (or text), unknown
// (empty) values last either way, and aria-sort says the order. Without JavaScript the table stays
// in its built order.

/** Compare two cell values of a column: numbers numerically, text by locale; empty values last. */
export function compareValues(a, b, type, direction) {
  const emptyA = a === "";
  const emptyB = b === "";
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  const order = type === "number" ? Number(a) - Number(b) : a.localeCompare(b, "en", { sensitivity: "base" });
  return direction === "descending" ? -order : order;
}

function valueOf(row, index) {
  const cell = row.cells[index];
  return (cell.dataset.value ?? cell.textContent).trim();
}

export function start() {
  for (const table of document.querySelectorAll("table[data-sortable]")) {
    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((th, index) => {
      const type = th.dataset.sort;
      if (!type) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "onramp-sort";
      button.append(...th.childNodes);
      th.append(button);
      button.addEventListener("click", () => {
        const direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        for (const other of headers) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", direction);
        const body = table.tBodies[0];
        const rows = [...body.rows].sort((a, b) => compareValues(valueOf(a, index), valueOf(b, index), type, direction));
        body.append(...rows);
      });
    });
  }
}
