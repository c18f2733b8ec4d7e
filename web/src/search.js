// The header's search box over Pagefind's index. Nothing is fetched until the reader puts the cursor
// in the box: then pagefind.js loads, and it fetches only the index fragments the words need, so a page view
// costs no search bytes at all and a search a few dozen kilobytes, whatever the catalog's size.

const MAX_RESULTS = 8;

/**
 * Pagefind's excerpt as safe nodes: its text, with only its <mark> highlights kept as elements.
 * The excerpt is HTML built from record text, so nothing else in it may become markup.
 * @param {string} excerpt
 * @param {Document} doc
 * @returns {Node[]}
 */
export function excerptNodes(excerpt, doc) {
  const parsed = new DOMParser().parseFromString(`<body>${excerpt}</body>`, "text/html");
  return Array.from(parsed.body.childNodes).map((node) => {
    if (node.nodeName === "MARK") {
      const mark = doc.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return doc.createTextNode(node.textContent || "");
  });
}

/**
 * Where a result links to: Pagefind's address resolved against the site's base, and only ever a
 * page of this site (an index is data, and data is not trusted to name another origin).
 * @param {string} url
 * @param {string} base absolute URL of the site's root
 * @returns {string | null}
 */
export function resultHref(url, base) {
  const target = new URL(url.replace(/^\//, ""), base);
  return target.origin === new URL(base).origin ? target.href : null;
}

function render(box, results, doc, base, query) {
  box.replaceChildren();
  const summary = doc.createElement("p");
  summary.className = "onramp-search__count";
  summary.textContent = results.total === 0 ? `Nothing found for “${query}”.`
    : `${results.total} page${results.total === 1 ? "" : "s"} found${results.total > MAX_RESULTS ? `; the first ${MAX_RESULTS}` : ""}.`;
  box.appendChild(summary);
  const list = doc.createElement("ol");
  for (const item of results.items) {
    const href = resultHref(item.url, base);
    if (!href) continue;
    const entry = doc.createElement("li");
    const link = doc.createElement("a");
    link.href = href;
    link.textContent = (item.meta && item.meta.title) || item.url;
    const excerpt = doc.createElement("p");
    excerpt.append(...excerptNodes(item.excerpt || "", doc));
    entry.append(link, excerpt);
    list.appendChild(entry);
  }
  box.appendChild(list);
  box.hidden = false;
}

export function start() {
  const form = document.querySelector("form[data-onramp-search]");
  if (!form) return;
  const input = form.elements.q;
  const box = document.getElementById("onramp-search-results");
  const base = new URL(form.dataset.onrampSearch.replace(/pagefind\/$/, ""), window.location.href).href;
  let engine = null;
  let latest = 0;

  function load() {
    if (!engine) {
      // A runtime address: esbuild leaves this import alone, and the browser fetches it on first use.
      const url = new URL("pagefind/pagefind.js", base).href;
      engine = import(/* webpackIgnore: true */ url).then(async (pagefind) => {
        await pagefind.options({ excerptLength: 24 }); // result URLs stay site-relative: resultHref resolves them
        return pagefind;
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++latest;
    if (!query) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    try {
      const pagefind = await load();
      const found = await pagefind.debouncedSearch(query, {}, 150);
      if (found === null || mine !== latest) return; // a newer keystroke superseded this one
      const items = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
      if (mine !== latest) return;
      render(box, { total: found.results.length, items }, document, base, query);
    } catch (error) {
      box.textContent = "Search could not load its index; every program is listed on the Programs page.";
      box.hidden = false;
    }
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", () => { load(); }, { once: true });
  input.addEventListener("input", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      input.value = "";
      search();
    }
  });
}
