// The Design page (/design/): the options live in the URL query (template, community, profile,
// place, cohort, weeks, and today= as the CLI's --today); the brief is design.js's over the payloads
// Python wrote. The only module that touches this page; it draws the structure of
// site_templates/_brief.html.j2, and every record text goes in as text, never as markup.

import { brief, CITED_WORDS, DesignError, moneySpan, numberSpan, PER_WORDS, WHEN_WORDS } from "./design.js";
import { unpackFacts } from "./match.js";

const WHOLE = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** The query as brief options, and what in it could not be used (said in words, never dropped silently). */
export function readDesignQuery(search, payload) {
  const params = new URLSearchParams(search);
  const problems = [];
  const options = {};
  const pick = (key, allowed) => {
    const value = (params.get(key) || "").trim();
    if (!value) return;
    if (allowed.includes(value)) options[key] = value;
    else problems.push(`${key}: '${value}' is not one of the catalog's values; left out`);
  };
  pick("template", Object.keys(payload.templates));
  pick("community", Object.keys(payload.communities));
  pick("profile", payload.profiles.map((p) => p.id));
  const place = (params.get("place") || "").trim().toUpperCase();
  if (place) {
    if (payload.places.some((p) => p.country === place)) options.place = place;
    else problems.push(`place: '${params.get("place")}' is not one of the map's places; the default is used`);
  }
  const cohort = (params.get("cohort") || "").trim();
  if (cohort) {
    if (WHOLE.test(cohort) && Number(cohort) >= 1 && Number(cohort) <= 10000) options.cohort = Number(cohort);
    else problems.push(`cohort: '${cohort}' is not a whole number from 1 to 10000; the template's is used`);
  }
  const weeks = (params.get("weeks") || "").trim();
  if (weeks) {
    if (DECIMAL.test(weeks) && Number(weeks) > 0 && Number(weeks) <= 520) options.weeks = Number(weeks);
    else problems.push(`weeks: '${weeks}' is not a number of weeks above 0, at most 520; the template's is used`);
  }
  const today = params.get("today");
  return { options, problems, today: /^\d{4}-\d{2}-\d{2}$/.test(today || "") ? today : null };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function strong(text) {
  return el("strong", {}, text);
}

function table(label, headers, rows, extra = "") {
  // A table wider than a phone scrolls in its box; the box takes focus so a keyboard can scroll it.
  return el("div", { class: `onramp-table-wrap onramp-brief-table${extra}`, tabindex: "0", role: "region",
                     "aria-label": label },
            el("table", {},
               el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
               el("tbody", {}, ...rows)));
}

/** The brief as page elements, like _brief.html.j2. */
export function renderBrief(b, words, base) {
  const noteOf = new Map(b.sources.map((s) => [s.url, s.n]));
  const cite = (source) => (noteOf.has(source)
    ? el("sup", { class: "onramp-cite" }, el("a", { href: `#brief-src-${noteOf.get(source)}` }, `[${noteOf.get(source)}]`))
    : el("span", { class: "onramp-note" }, `(${CITED_WORDS[source]})`));
  const s = b.settings;
  const f = b.format;
  const bud = b.budget;
  const after = b.after_program;
  const h2 = (id, text) => el("h2", { id }, text);
  const article = el("article", { class: "onramp-brief", "data-template": b.template.id });
  article.append(el("h2", { id: "brief-title" }, `Design brief: ${b.template.name}`), el("p", { class: "onramp-summary" }, b.template.summary));
  article.append(el("p", { class: "onramp-brief-for" }, "For ", strong(s.community_name || "any community"), "; ",
                    strong(s.profile_label || "any constraint profile"), "; living in ", strong(s.place_name),
                    `. Cohort of ${s.cohort} (${s.cohort_given ? "given" : "the template's default"}: ${s.cohort_basis} `,
                    cite(s.cohort_source), `); ${numberSpan(s.weeks)} weeks (${s.weeks_given ? "given" : "the template's default"}).`));
  const formatList = el("ul", {},
    el("li", {}, strong("Mode"), `: ${f.mode.replace("_", " ")}, ${numberSpan(f.hours)} h a week for ${numberSpan(f.weeks)} weeks, ${f.where}.`),
    el("li", {}, strong("Pays"), `: ${f.stipend}.`));
  if (f.chosen) {
    const c = f.chosen;
    formatList.append(el("li", {}, strong("Why this format fits the gap"), ` (${c.label}): ${words.verdict_words[c.verdict]}.`,
      el("ul", {}, ...c.reasons.map((r) => el("li", {}, r)), ...c.conflicts.map((x) => el("li", {}, `does not fit: ${x}`)),
         ...c.unknowns.map((u) => el("li", {}, `to check: ${u}`)))));
  }
  const v = f.profiles;
  const across = el("li", {}, strong("Across the constraint profiles"), ` in ${s.place_name}: fits on known facts for ${v.fits.length}, `
                    + `possibly for ${v.possible.length}, not for ${v.no.length} of ${v.fits.length + v.possible.length + v.no.length}.`);
  if (v.no.length) across.append(el("ul", {}, ...v.no.slice(0, 3).map((p) => el("li", {}, `not for ${p.label}: ${p.why}`))));
  formatList.append(across);
  article.append(h2("brief-format", "Format"), formatList);
  article.append(h2("brief-staffing", "Staffing"), table("Staffing", ["Role", "People", "Ratio", "Hours a week", "Basis"],
    b.staffing.map((r) => el("tr", {}, el("th", { scope: "row" }, words.role_words[r.role]), el("td", {}, String(r.count)),
                             el("td", {}, r.ratio), el("td", {}, numberSpan(r.hours_per_week)),
                             el("td", {}, `${r.basis} `, cite(r.source))))));
  article.append(h2("brief-budget", "Budget"),
    el("p", {}, `One edition, in each line's currency and in USD at the rates of ${bud.rates_as_of}. A line without a figure is left out of the total and named below it.`),
    table("Budget", ["Item", "Unit cost", "Quantity", "Amount", "USD", "Basis"], bud.lines.map((line) => el("tr", { "data-item": line.item },
      el("th", { scope: "row" }, line.label || words.item_words[line.item]),
      el("td", {}, `${moneySpan(line.unit, line.currency)} ${PER_WORDS[line.per]}`), el("td", {}, numberSpan(line.quantity)),
      el("td", {}, moneySpan(line.amount, line.currency)), el("td", {}, moneySpan(line.usd, "USD")),
      el("td", {}, `${line.basis} `, cite(line.source)))), " onramp-budget"),
    el("p", { class: "onramp-total", "data-total": "" }, strong("Total"), `: ${moneySpan(bud.total_usd, "USD")}; `,
       strong("per participant"), `: ${moneySpan(bud.per_participant_usd, "USD")}.`));
  if (bud.unknown.length) {
    article.append(el("p", {}, `Not priced, because no source gives a figure: ${bud.unknown.join(", ")}. The total is a floor.`));
  }
  if (bud.compare.length) {
    article.append(el("p", {}, "Reported cost per participant of real programs, for comparison:"),
      el("ul", {}, ...bud.compare.map((c) => el("li", {}, `${c.name} (${c.year}): ${moneySpan(c.usd, "USD")}. ${c.basis} `, cite(c.source)))));
  } else {
    article.append(el("p", {}, el("span", { class: "onramp-none" }, "No program record gives a reported cost per participant yet.")));
  }
  article.append(h2("brief-risks", "Risks and safeguards"), table("Risks and safeguards", ["How it could fail to lead to positive contributions", "Safeguard"],
    b.risks.map((r) => el("tr", {}, el("td", {}, r.risk), el("td", {}, r.safeguard)))));
  article.append(h2("brief-run-only-if", "Run it only if"), el("ul", { class: "onramp-checklist" }, ...b.run_only_if.map((c) => el("li", {}, c))));
  article.append(h2("brief-evaluation", "Evaluation plan"), table("Evaluation plan", ["Measure", "When", "How"],
    b.evaluation.map((e) => el("tr", {}, el("td", {}, e.measure), el("td", {}, e.when.map((w) => WHEN_WORDS[w]).join(", ")), el("td", {}, e.how)))));
  article.append(h2("brief-after", "After the program"),
    el("p", {}, `${after.fitting} programs in the catalog fit the alumni (${after.confirmed} on known facts)${after.assumed ? `; ${after.assumed}` : ""}. The first in the matcher's order:`),
    el("ul", {}, ...after.next_steps.map((x) => el("li", {}, el("a", { href: `${base}programs/${encodeURIComponent(x.id)}/` }, x.name),
                                                      x.confirmed ? "" : " (if the unknown facts work out)"))),
    el("ul", {}, el("li", {}, strong("Extensions"), `: ${after.extensions}`), el("li", {}, strong("Funding routes"), `: ${after.funding}`),
       el("li", {}, strong("Jobs"), `: ${after.job_placement}`), ...after.unknown.map((u) => el("li", {}, strong("Unknown"), `: ${u}`))));
  article.append(h2("brief-timeline", "Timeline"), table("Timeline", ["Weeks before the start", "Step"],
    b.timeline.map((st) => el("tr", {}, el("td", {}, numberSpan(st.weeks_before_start)),
                              el("td", {}, `${st.step}${st.basis ? ` ${st.basis}` : ""} `, cite(st.source))))));
  article.append(h2("brief-sources", "Sources cited in this brief"));
  if (b.sources.length) {
    article.append(el("ol", { class: "onramp-footnotes" }, ...b.sources.map((n) => el("li", { id: `brief-src-${n.n}` },
      /^https?:\/\//i.test(n.url) ? el("a", { href: n.url, rel: "nofollow noopener" }, n.title) : n.title, " ",
      el("span", { class: "onramp-url" }, n.url)))));
  } else {
    article.append(el("p", {}, el("span", { class: "onramp-none" }, "Every figure here is the template's estimate.")));
  }
  return article;
}

function fillForm(form, options, payload) {
  const f = form.elements;
  f.template.value = options.template || "";
  f.community.value = options.community || "";
  f.profile.value = options.profile || "";
  f.place.value = options.place || payload.default_place;
  f.cohort.value = options.cohort ?? "";
  f.weeks.value = options.weeks ?? "";
}

function drop(form) {
  // Empty fields stay out of the address, so a shared link says only what was chosen.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (String(value).trim() !== "") params.append(key, value);
    const today = new URLSearchParams(window.location.search).get("today");
    if (today) params.set("today", today);
    window.location.assign(`?${params}`);
  });
}

export function start() {
  const form = document.getElementById("onramp-design");
  const result = document.getElementById("onramp-design-result");
  const problemsBox = document.getElementById("onramp-design-problems");
  if (!form || !result) return;
  Promise.all([fetch(form.dataset.design).then((r) => r.json()), fetch(form.dataset.facts).then((r) => r.json()).then(unpackFacts)])
    .then(([payload, facts]) => {
      drop(form);
      form.dataset.ready = "true";
      const { options, problems, today } = readDesignQuery(window.location.search, payload);
      fillForm(form, options, payload);
      if (problems.length) {
        problemsBox.replaceChildren(el("div", { class: "admonition warning" },
          el("p", { class: "admonition-title" }, "Some of the address could not be used"),
          el("ul", {}, ...problems.map((p) => el("li", {}, p)))));
      }
      if (!options.template) {
        if (Object.keys(options).length) result.replaceChildren(el("p", {}, "Choose a template to make the brief for this gap."));
        return;
      }
      const day = today || new Date().toISOString().slice(0, 10);
      let b;
      try {
        b = brief(payload, facts, options, day);
      } catch (error) {
        if (!(error instanceof DesignError)) throw error;
        result.replaceChildren(el("p", { role: "alert" }, error.message));
        return;
      }
      window.onramp.lastBrief = b;
      const print = el("button", { type: "button", class: "md-button onramp-noprint" }, "Print or save as PDF");
      print.addEventListener("click", () => window.print());
      result.replaceChildren(el("p", { class: "onramp-noprint" }, print), renderBrief(b, payload.words, form.dataset.base));
      document.title = `Design brief: ${b.template.name} - Onramp`;
    })
    .catch((error) => {
      result.replaceChildren(el("p", { role: "alert" }, `The catalog's data could not be loaded (${error.message}).`));
    });
}
