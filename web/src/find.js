// The Find page (/find/): the profile lives in the URL query, with the candidate schema's field
// names; the answer is the matcher's (./match.js) over the facts Python normalised. The only module
// here that reads the query and touches the page; every text goes in as text, never as markup.

import { deadlinesCalendar } from "./ics.js";
import { match, unpackFacts } from "./match.js";

const NUMBERS = { max_weeks_away: [0, 520], hours_per_week: [0, 168], weeks: [0, 520], age: [0, 120] };
const PERIODS = ["week", "month", "year"];
const STIPEND = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]{3})\s*\/\s*([A-Za-z]+)\s*$/;

/** The query as a profile, and what in it could not be used (said in words, never silently dropped). */
export function readQuery(search, data) {
  const params = new URLSearchParams(search);
  const problems = [];
  const profile = {};
  const country = (params.get("country") || "").trim().toUpperCase();
  if (!params.has("country")) return { profile: null, problems, today: null };
  if (!data.countries.includes(country)) {
    problems.push(`country: '${params.get("country")}' is not a country code; choose your country from the list`);
    return { profile: null, problems, today: null };
  }
  profile.country = country;
  const city = (params.get("city") || "").trim();
  if (city) profile.city = city.slice(0, 100);
  const relocate = params.get("relocate");
  if (relocate) {
    if (["none", "short", "yes"].includes(relocate)) profile.relocate = relocate;
    else problems.push(`relocate: '${relocate}' is not none, short or yes; left out`);
  }
  for (const [key, [low, high]] of Object.entries(NUMBERS)) {
    const text = (params.get(key) || "").trim();
    if (!text) continue;
    const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
    if (Number.isFinite(value) && value >= low && value <= high) profile[key] = value;
    else problems.push(`${key}: '${text}' is not a number from ${low} to ${high}; left out`);
  }
  if (profile.relocate === "short" && profile.max_weeks_away === undefined) {
    problems.push("relocate: short needs the longest time you can be away (max_weeks_away); taken as none");
    profile.relocate = "none";
  }
  if (profile.relocate !== "short") delete profile.max_weeks_away;
  const stipend = (params.get("min_stipend") || "").trim();
  if (stipend) {
    const found = STIPEND.exec(stipend);
    const currency = found ? found[2].toUpperCase() : "";
    const period = found ? found[3].toLowerCase() : "";
    if (found && data.rates.usd_per_unit[currency] !== undefined && PERIODS.includes(period)) {
      profile.min_stipend = { amount: Number(found[1]), currency, period };
    } else {
      problems.push(`min_stipend: '${stipend}' is not an amount, a listed currency and a period such as `
                    + "'300 USD/month'; left out");
    }
  }
  if (["true", "1", "yes", "on"].includes((params.get("no_fee") || "").toLowerCase())) profile.no_fee = true;
  const stage = params.get("stage");
  if (stage) {
    if (data.stages.some((s) => s.id === stage)) profile.stage = stage;
    else problems.push(`stage: '${stage}' is not a career stage; left out`);
  }
  for (const [key, known] of [["communities", data.communities], ["interests", data.areas]]) {
    const values = [];
    for (const value of params.getAll(key)) {
      if (known.some((k) => k.id === value)) { if (!values.includes(value)) values.push(value); }
      else problems.push(`${key}: '${value}' is not one of the catalog's ${key}; left out`);
    }
    if (values.length) profile[key] = values;
  }
  const today = params.get("today");
  return { profile, problems, today: /^\d{4}-\d{2}-\d{2}$/.test(today || "") ? today : null };
}

/** The form's fields as a query, with the candidate schema's names. */
export function formQuery(form) {
  const f = form.elements;
  const params = new URLSearchParams();
  const put = (name, value) => { if (value !== "" && value !== null && value !== undefined) params.append(name, value); };
  put("country", f.country.value);
  put("city", f.city.value.trim());
  const relocate = form.querySelector("input[name=relocate]:checked");
  if (relocate) put("relocate", relocate.value);
  if (relocate && relocate.value === "short") put("max_weeks_away", f.max_weeks_away.value);
  put("hours_per_week", f.hours_per_week.value);
  put("weeks", f.weeks.value);
  if (f.stipend_amount.value) put("min_stipend", `${f.stipend_amount.value} ${f.stipend_currency.value}/${f.stipend_period.value}`);
  if (f.no_fee.checked) put("no_fee", "true");
  put("stage", f.stage.value);
  put("age", f.age.value);
  for (const box of form.querySelectorAll("input[name=communities]:checked, input[name=interests]:checked")) {
    params.append(box.name, box.value);
  }
  return params;
}

function fillForm(form, profile) {
  const f = form.elements;
  f.country.value = profile.country;
  f.city.value = profile.city || "";
  for (const radio of form.querySelectorAll("input[name=relocate]")) radio.checked = radio.value === (profile.relocate || "yes");
  for (const key of ["max_weeks_away", "hours_per_week", "weeks", "age"]) f[key].value = profile[key] ?? "";
  if (profile.min_stipend) {
    f.stipend_amount.value = profile.min_stipend.amount;
    f.stipend_currency.value = profile.min_stipend.currency;
    f.stipend_period.value = profile.min_stipend.period;
  }
  f.no_fee.checked = Boolean(profile.no_fee);
  f.stage.value = profile.stage || "";
  for (const box of form.querySelectorAll("input[name=communities], input[name=interests]")) {
    box.checked = (profile[box.name] || []).includes(box.value);
  }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function webUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** facts.py's window_outlook, word for word (the vectors' outlooks hold it to Python). */
export function windowOutlook(record, today) {
  const windows = [...record.windows].sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const ahead = windows.filter((w) => w[2] >= today);
  if (ahead.length) {
    const [label, opens, closes] = ahead[0];
    return `next window: ${label}, ` + (opens ? `opens ${opens}, ` : "") + `closes ${closes}`;
  }
  const check = " - check the organiser's site";
  if (record.pattern) return `no window announced yet; ${record.pattern}${check}`;
  if (windows.length) {
    const [label, , closes] = windows[windows.length - 1];
    return `no window announced yet; the last recorded one (${label}) closed ${closes}${check}`;
  }
  return `no application window is recorded${check}`;
}

function windowsText(record, today) {
  const text = windowOutlook(record, today);
  return text[0].toUpperCase() + text.slice(1) + ".";
}

function item(entry, kind, byId, base, today) {
  const record = byId.get(entry.id);
  const section = entry.kind === "template" ? "templates" : "programs";
  const li = el("li", { "data-id": entry.id, "data-result": kind, class: "onramp-result" });
  const title = el("h3", {}, el("a", { href: `${base}${section}/${entry.id}/` }, record.name));
  li.append(title);
  if (kind === "match") {
    li.append(el("p", { class: "onramp-fit" }, entry.unknown_rules.length
      ? `Fits only if the facts to check work out (${entry.unknown_rules.join(", ")}).` : "Fits on known facts."));
  }
  if (kind === "near-miss") {
    li.append(el("p", { class: "onramp-fit" }, `Nearly fits: ${entry.conflict}. `, el("strong", {}, entry.suggestion), "."));
  }
  if (entry.reasons.length) li.append(el("ul", { class: "onramp-reasons" }, ...entry.reasons.map((r) => el("li", {}, r))));
  if (entry.unknowns.length) {
    li.append(el("p", { class: "onramp-check" }, "To check with the organiser:"),
              el("ul", { class: "onramp-unknowns" }, ...entry.unknowns.map((u) => el("li", {}, u.replace(/: check with the organiser$/, "")))));
  }
  if (entry.kind === "program") li.append(el("p", { class: "onramp-windows" }, windowsText(record, today)));
  const site = record.url && webUrl(record.url);
  if (site) li.append(el("p", {}, el("a", { href: site, rel: "nofollow noopener" }, `${record.organiser || "Organiser"}: ${new URL(site).host}`)));
  return li;
}

function section(id, heading, intro, entries, kind, byId, base, today) {
  const box = el("section", { "aria-labelledby": id });
  box.append(el("h2", { id, tabindex: "-1" }, heading));
  if (intro) box.append(el("p", { class: "onramp-note" }, intro));
  if (entries.length) box.append(el("ol", { class: "onramp-results" }, ...entries.map((e) => item(e, kind, byId, base, today))));
  return box;
}

function calendarButton(result, byId, today) {
  const programs = [...result.matches, ...result.near_misses].map((e) => byId.get(e.id));
  const { text, events } = deadlinesCalendar(programs, today);
  if (!events) return el("p", { class: "onramp-note" }, "None of these programs has a known application window ahead, so there is no calendar to add.");
  const href = URL.createObjectURL(new Blob([text], { type: "text/calendar" }));
  return el("p", {}, el("a", { href, download: "onramp-deadlines.ics", class: "md-button", id: "onramp-ics" },
                        `Add these deadlines to my calendar (${events} window${events === 1 ? "" : "s"} ahead, .ics)`));
}

/** The whole answer for one profile, as elements. */
export function renderAnswer(data, profile, today, base) {
  const byId = new Map(data.records.map((r) => [r.id, r]));
  const result = match(data, profile, today);
  const fragment = document.createDocumentFragment();
  const summary = `${result.matches.length} program${result.matches.length === 1 ? "" : "s"} fit, `
    + `${result.near_misses.length} nearly fit, ${result.formats.length} program format${result.formats.length === 1 ? "" : "s"} would.`;
  fragment.append(el("p", { role: "status", id: "onramp-summary" }, summary));
  if (!("relocate" in profile)) {
    fragment.append(el("p", { class: "onramp-note" }, "You did not say whether you can relocate, so the answer assumes you can."));
  }
  fragment.append(calendarButton(result, byId, today));
  fragment.append(section("onramp-matches", result.matches.length ? `Programs that fit (${result.matches.length})` : "No program fits",
                          result.matches.length ? `The order: ${data.order_rule}` : "", result.matches, "match", byId, base, today));
  fragment.append(section("onramp-near", `Nearly fit: one change away (${result.near_misses.length})`, "", result.near_misses,
                          "near-miss", byId, base, today));
  fragment.append(section("onramp-formats", `Program formats that would fit (${result.formats.length})`,
                          "Templates an organiser could run for people like you.", result.formats, "format", byId, base, today));
  return { fragment, result };
}

/** Wire the page: read the query, fill the form, show the answer; the form's submit sets the query. */
export function start() {
  const form = document.getElementById("onramp-find");
  const answer = document.getElementById("onramp-answer");
  if (!form || !answer) return;
  const base = form.dataset.base;
  fetch(form.dataset.facts)
    .then((response) => response.json())
    .then(unpackFacts)
    .then((data) => {
      window.onramp.data = data;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const today = new URLSearchParams(window.location.search).get("today");
        const params = formQuery(form);
        if (today) params.set("today", today);
        window.location.assign(`?${params}`);
      });
      const { profile, problems, today } = readQuery(window.location.search, data);
      const day = today || new Date().toISOString().slice(0, 10);
      answer.replaceChildren();
      if (problems.length) {
        answer.append(el("div", { class: "admonition warning", role: "alert" },
                         el("p", { class: "admonition-title" }, "Some of the address could not be used"),
                         el("ul", {}, ...problems.map((p) => el("li", {}, p)))));
      }
      if (!profile) return;
      fillForm(form, profile);
      answer.append(renderAnswer(data, profile, day, base).fragment);
      document.getElementById("onramp-matches").focus();
      form.closest("details")?.removeAttribute("open");
    })
    .catch((error) => {
      answer.replaceChildren(el("p", { role: "alert" }, `The catalog's facts could not be loaded (${error.message}).`));
    });
}
