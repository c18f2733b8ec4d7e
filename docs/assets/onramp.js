// Programs table: filters that combine, kept in the address bar, and sortable columns.
// No server and no library: the rows carry their normalised facts as data-* attributes, and
// the rule for each filter mirrors onramp.site.filter_programs (a test checks they agree).
(function () {
  "use strict";
  const table = document.getElementById("onramp-programs");
  const form = document.getElementById("onramp-filters");
  if (!table || !form) return;
  const rows = Array.from(table.tBodies[0].rows);
  const count = document.getElementById("onramp-count");
  const FIELDS = ["mode", "relocation", "hours", "weeks", "paid", "usd", "region", "community", "area",
                  "status", "open", "strict"];

  function criteria() {
    const c = {};
    for (const name of FIELDS) {
      const input = form.elements[name];
      const value = input.type === "checkbox" ? (input.checked ? "1" : "") : input.value.trim();
      if (value !== "") c[name] = value;
    }
    return c;
  }

  // A known fact that conflicts hides the row; an unknown one hides it only in strict mode.
  function keep(d, c, today) {
    const strict = c.strict === "1";
    const unknownOk = (present) => present || !strict;
    if (c.mode && !(d.mode ? d.mode === c.mode : unknownOk(false))) return false;
    if (c.relocation && !(d.relocation ? d.relocation === c.relocation : unknownOk(false))) return false;
    if (c.hours && !(d.hoursMin !== "" ? Number(d.hoursMin) <= Number(c.hours) : unknownOk(false))) return false;
    if (c.weeks && !(d.weeksMin !== "" ? Number(d.weeksMin) <= Number(c.weeks) : unknownOk(false))) return false;
    if (c.paid && !(d.paid === "yes" || (d.paid === "unknown" && unknownOk(false)))) return false;
    if (c.usd) {
      if (d.paid === "no") return false;
      if (d.usd !== "" ? Number(d.usd) < Number(c.usd) : !unknownOk(false)) return false;
    }
    if (c.region) {
      const code = c.region.toUpperCase();
      if (d.regionsKnown === "yes" ? !d.regions.split(" ").includes(code) : !unknownOk(false)) return false;
    }
    if (c.community && !d.communities.split(" ").includes(c.community)) return false;
    if (c.area && !d.areas.split(" ").includes(c.area)) return false;
    if (c.status && d.status !== c.status) return false;
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
    count.textContent = shown + " of " + rows.length + " programs shown.";
    if (push) {
      const params = new URLSearchParams(c);
      const query = params.toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    for (const name of FIELDS) {
      const input = form.elements[name];
      if (!params.has(name)) continue;
      if (input.type === "checkbox") input.checked = params.get(name) === "1";
      else input.value = params.get(name);
    }
  }

  function sortBy(index, numeric, descending) {
    const body = table.tBodies[0];
    const key = (row) => row.cells[index].dataset.value || "";
    const sorted = rows.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return (descending ? -order : order) || a.dataset.id.localeCompare(b.dataset.id);
    });
    for (const row of sorted) body.appendChild(row);
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
  form.addEventListener("input", () => apply(true));
  form.addEventListener("change", () => apply(true));
  form.addEventListener("reset", () => setTimeout(() => apply(true), 0));
  restore();
  apply(false);
})();

// Gap map: the place selector goes to the chosen place's map. Without JavaScript the same
// places are plain links (in a <noscript> beside it).
(function () {
  "use strict";
  for (const form of document.querySelectorAll("form[data-onramp-place]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const target = form.elements.place.value;
      if (target) window.location.assign(new URL(target, window.location.href).href);
    });
  }
})();
