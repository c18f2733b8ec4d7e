// The programs list: sortable columns and browsing filters (community, research area, status,
// deadline ahead) kept in the address bar. It filters on recorded facts only; which programs fit
// a person's constraints is the Find page's question, answered by the matcher's rules.

export function start() {
  const table = document.getElementById("onramp-programs");
  const form = document.getElementById("onramp-filters");
  if (!table || !form) return;
  const rows = Array.from(table.tBodies[0].rows);
  const count = document.getElementById("onramp-count");
  const FIELDS = ["community", "area", "open", "ended"];

  function criteria() {
    const c = {};
    for (const name of FIELDS) {
      const input = form.elements[name];
      const value = input.type === "checkbox" ? (input.checked ? "1" : "") : input.value;
      if (value !== "") c[name] = value;
    }
    return c;
  }

  function keep(d, c, today) {
    if (d.status === "ended" && !c.ended) return false;
    if (c.community && !d.communities.split(" ").includes(c.community)) return false;
    if (c.area && !d.areas.split(" ").includes(c.area)) return false;
    if (c.open && !(d.deadline && d.deadline >= today)) return false;
    return true;
  }

  function apply(push) {
    const c = criteria();
    const today = new Date().toISOString().slice(0, 10);
    let shown = 0;
    for (const row of rows) {
      const visible = keep(row.dataset, c, today);
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${rows.length} programs${table.dataset.paged ? " on this page" : ""} shown.`;
    if (push) {
      const query = new URLSearchParams(c).toString();
      window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
    }
  }

  const params = new URLSearchParams(window.location.search);
  for (const name of FIELDS) {
    const input = form.elements[name];
    if (!params.has(name)) continue;
    if (input.type === "checkbox") input.checked = params.get(name) === "1";
    else input.value = params.get(name);
  }

  function sortBy(index, numeric, descending) {
    const key = (row) => row.cells[index].dataset.value || "";
    const sorted = rows.slice().sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return (descending ? -order : order) || a.dataset.id.localeCompare(b.dataset.id);
    });
    for (const row of sorted) table.tBodies[0].appendChild(row);
  }

  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    if (!th.dataset.sort) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "onramp-sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const descending = th.getAttribute("aria-sort") === "ascending";
      for (const other of table.tHead.rows[0].cells) other.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      sortBy(index, th.dataset.sort === "number", descending);
    });
  });

  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => apply(true));
  form.addEventListener("reset", () => setTimeout(() => apply(true), 0));
  apply(false);
}
