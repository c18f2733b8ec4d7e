// Design briefs, ported from scripts/onramp/design.py: the same payload in, the same brief out
// (web/test/design-vectors.json holds the two together). Pure functions: no DOM here.

import { evaluate, fixed, grouped, match, normalProfile, pyRound, usd } from "./match.js";

const WEEKS_PER_MONTH = 52 / 12;
const NEXT_STEPS_SHOWN = 8;
export const WHEN_WORDS = { before: "before it starts", end: "at the end", "6_months": "6 months after",
                            "12_months": "12 months after" };
export const PER_WORDS = {
  participant_hour: "per participant-hour", participant_week: "per participant-week",
  participant_month: "per participant-month", participant: "per participant", mentor_hour: "per mentor-hour",
  facilitator_hour: "per facilitator-hour", operations_hour: "per operations-hour", lead_hour: "per lead-hour",
  reviewer_hour: "per reviewer-hour", week: "per week", edition: "per edition",
};
export const CITED_WORDS = { estimate: "the template's estimate", typical: "a typical lead time" };
export const ITEM_WORDS = {
  stipends: "Stipends", mentor_time: "Mentor time", facilitator_time: "Facilitator time", operations: "Operations",
  lead: "Program lead", review: "Review", venue: "Venue", travel: "Travel", accommodation: "Accommodation",
  meals: "Meals", compute: "Compute", materials: "Materials", other: "Other",
};

export class DesignError extends Error {}

/** Throw DesignError for the first option the payload does not know, as check_options does. */
export function checkOptions(payload, o) {
  const oneOf = (flag, value, allowed) => {
    if (!allowed.includes(value)) {
      throw new DesignError(`${flag}: '${value}' is not one of the catalog's values; expected one of: `
                            + allowed.join(", "));
    }
  };
  oneOf("TEMPLATE", o.template, Object.keys(payload.templates).sort());
  if (o.community != null) oneOf("--community", o.community, Object.keys(payload.communities).sort());
  if (o.profile != null) oneOf("--profile", o.profile, payload.profiles.map((p) => p.id));
  if (o.place != null) oneOf("--place", o.place, payload.places.map((p) => p.country));
  if (o.cohort != null && !(Number.isInteger(o.cohort) && o.cohort >= 1 && o.cohort <= 10000)) {
    throw new DesignError(`--cohort: ${o.cohort} is out of range; expected a whole number from 1 to 10000`);
  }
  if (o.weeks != null && !(o.weeks > 0 && o.weeks <= 520)) {
    throw new DesignError(`--weeks: ${o.weeks} is out of range; expected a number of weeks above 0, at most 520`);
  }
}

// -- ranges: [low, high], either null when unknown -------------------------------------------

const num = (v) => (v === undefined || v === null || v === "unknown" ? null : Number(v));

export function span(value) {
  if (value !== null && typeof value === "object") return [num(value.min), num(value.max)];
  const x = num(value);
  return x === null ? null : [x, x];
}

function times(a, b) {
  if (a === null || b === null) return null;
  return a.map((x, i) => (x === null || b[i] === null ? null : x * b[i]));
}

const rounded = (v) => (v === null ? null : v.map((x) => (x === null ? null : pyRound(x, 2))));

// -- the brief ---------------------------------------------------------------------------------

/**
 * The brief for one template and gap, as design.py's brief().
 * @param {object} payload  design.py's design_payload
 * @param {object} facts    the Find page's facts payload
 * @param {{template: string, community?: string, profile?: string, place?: string, cohort?: number,
 *          weeks?: number}} o
 * @param {string} today  YYYY-MM-DD
 */
export function brief(payload, facts, o, today) {
  checkOptions(payload, o);
  const t = payload.templates[o.template];
  const design = t.design;
  const place = payload.places.find((p) => p.country === (o.place ?? payload.default_place));
  const profile = o.profile != null ? payload.profiles.find((p) => p.id === o.profile) : null;
  const community = o.community ?? null;
  const weeks = o.weeks ?? null;
  const size = o.cohort ?? design.cohort.size;
  const length = weeks !== null ? [weeks, weeks] : span(t.format.duration_weeks);
  const hours = span(t.format.hours_per_week);
  const staff = staffing(design.staffing.ratios, size);
  const lines = budgetLines(design.budget, staff, size, hours, length, payload.rates);
  const out = {
    template: { id: t.id, name: t.name, summary: t.summary },
    settings: {
      community, community_name: community ? payload.communities[community] ?? null : null,
      profile: profile ? profile.id : null, profile_label: profile ? profile.label : null,
      place: place.country, place_name: place.name, place_given: o.place != null,
      cohort: size, cohort_given: o.cohort != null, cohort_basis: design.cohort.basis,
      cohort_source: design.cohort.source, weeks: length, weeks_given: weeks !== null,
    },
    format: formatSection(t, facts, payload, place, profile, community, weeks, hours, length),
    staffing: staff,
    budget: { ...totals(lines, size), lines, rates_as_of: payload.rates.as_of, compare: compare(payload) },
    risks: design.risks,
    run_only_if: design.run_only_if,
    evaluation: design.evaluation.map((e) => ({ ...e, when: Object.keys(WHEN_WORDS).filter((w) => e.when.includes(w)) })),
    after_program: afterProgram(t, facts, place, profile, community, today),
    timeline: design.timeline.map((s) => ({ step: s.step, weeks_before_start: span(s.weeks_before_start),
                                            basis: s.basis ?? null, source: s.source }))
      .sort((a, b) => latest(b.weeks_before_start) - latest(a.weeks_before_start)),
  };
  out.sources = footnotes(out, t);
  return out;
}

const latest = (v) => Math.max(0, ...v.filter((x) => x !== null));

function plain(x) {
  return String(x);
}

export function staffing(ratios, size) {
  return ratios.map((r) => {
    let count;
    let ratio;
    if (r.participants_per !== undefined) {
      count = Math.ceil(size / r.participants_per);
      ratio = `one per ${plain(r.participants_per)} participants`;
    } else {
      count = r.count;
      ratio = `fixed: ${count}, whatever the cohort size`;
    }
    return { role: r.role, count, ratio, hours_per_week: span(r.hours_per_week), basis: r.basis, source: r.source };
  });
}

export function quantity(per, staff, size, hours, length) {
  const people = [size, size];
  if (per === "participant_hour") return times(times(people, hours), length);
  if (per === "participant_week") return times(people, length);
  if (per === "participant_month") return times(people, times(length, [1 / WEEKS_PER_MONTH, 1 / WEEKS_PER_MONTH]));
  if (per === "participant") return people;
  if (per === "week") return length;
  if (per === "edition") return [1, 1];
  const role = per.replace(/_hour$/, "");
  const rows = staff.filter((s) => s.role === role);
  if (!rows.length) return null;
  const count = rows.reduce((sum, s) => sum + s.count, 0);
  return times(times([count, count], rows[0].hours_per_week), length);
}

function budgetLines(budget, staff, size, hours, length, rates) {
  return budget.map((line) => {
    const unit = span(line.amount);
    const qty = quantity(line.per, staff, size, hours, length);
    const amount = times(unit, qty);
    const rate = rates.usd_per_unit[line.currency];
    const inUsd = rate !== undefined ? times(amount, [rate, rate]) : null;
    return { item: line.item, label: line.label ?? null, unit: rounded(unit), currency: line.currency,
             per: line.per, quantity: rounded(qty), amount: rounded(amount), usd: rounded(inUsd),
             basis: line.basis, source: line.source };
  });
}

export function totals(lines, size) {
  let low = 0;
  let high = 0;
  let highKnown = true;
  const unknown = [];
  for (const line of lines) {
    if (line.usd === null || line.usd[0] === null) {
      unknown.push(line.label || ITEM_WORDS[line.item]);
      continue;
    }
    low += line.usd[0];
    if (line.usd[1] === null) highKnown = false;
    else high += line.usd[1];
  }
  return { total_usd: [pyRound(low, 2), highKnown ? pyRound(high, 2) : null],
           per_participant_usd: [pyRound(low / size, 2), highKnown ? pyRound(high / size, 2) : null], unknown };
}

function compare(payload) {
  const out = payload.costs.map((cost) => {
    const rate = payload.rates.usd_per_unit[cost.currency];
    const amount = span(cost.amount);
    return { id: cost.id, name: cost.name, year: cost.year, amount, currency: cost.currency,
             usd: rate ? rounded(times(amount, [rate, rate])) : null, basis: cost.basis, source: cost.source };
  });
  const key = (c) => (c.usd && c.usd[0] !== null ? c.usd[0] : Infinity);
  return out.sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// -- format and after the program: the matcher's rules -------------------------------------------

function templateFacts(facts, id, weeks) {
  const f = facts.records.find((r) => r.id === id);
  if (weeks === null) return f;
  const text = f.stipend_usd_month === null ? f.stipend_text : `about ${usd(f.stipend_usd_month)} USD a month`;
  return { ...f, weeks_min: weeks, weeks_max: weeks, stipend_text: text };
}

export function whereText(fmt, place) {
  if (fmt.mode === "remote") return "online, from wherever participants live";
  const locations = fmt.locations;
  if (Array.isArray(locations) && locations.length) {
    return "in " + locations.map((l) => (l.city ? `${l.city} (${l.country})` : l.country)).join(", ");
  }
  if (fmt.mode !== "in_person" && fmt.mode !== "hybrid") return "not stated";
  const near = place.city || place.name;
  if (fmt.mode === "in_person") return `in person, in or near ${near} (each edition chooses its city)`;
  return `online, with in-person parts held in or near ${near} (each edition chooses its city)`;
}

function candidate(p, place, community) {
  return { ...p.candidate, country: place.country, city: place.city, communities: community ? [community] : [] };
}

function formatSection(t, facts, payload, place, profile, community, weeks, hours, length) {
  const f = templateFacts(facts, t.id, weeks);
  const verdicts = { fits: [], possible: [], no: [] };
  let chosen = null;
  for (const p of payload.profiles) {
    const e = evaluate(facts, f, candidate(p, place, community));
    const verdict = e.conflicts.length ? "no" : e.unknowns.length ? "possible" : "fits";
    verdicts[verdict].push({ id: p.id, label: p.label, why: e.conflicts.length ? e.conflicts[0] : null });
    if (profile && p.id === profile.id) {
      chosen = { profile: p.id, label: p.label, verdict, reasons: e.reasons, conflicts: e.conflicts,
                 unknowns: e.unknowns };
    }
  }
  const fmt = t.format;
  return { mode: fmt.mode, hours, weeks: length, where: whereText(fmt, place), relocation: fmt.relocation,
           in_person_weeks: num(fmt.in_person_weeks), stipend: f.stipend_text, note: fmt.note ?? null, chosen,
           profiles: verdicts };
}

function alumniProfile(t, place, profile, community) {
  const base = profile ? candidate(profile, place, community)
    : { country: place.country, city: place.city, communities: community ? [community] : [] };
  const assumed = base.relocate === undefined;
  return { profile: { ...normalProfile(base), interests: [...t.areas], name: "alumni" }, assumed };
}

function afterProgram(t, facts, place, profile, community, today) {
  const { profile: alumni, assumed } = alumniProfile(t, place, profile, community);
  const result = match(facts, alumni, today);
  const byId = new Map(facts.records.map((r) => [r.id, r]));
  const steps = result.matches.map((m) => ({ id: m.id, name: byId.get(m.id).name,
                                              confirmed: m.unknown_rules.length === 0 }));
  const shown = steps.slice(0, NEXT_STEPS_SHOWN);
  const unpaid = shown.filter((s) => byId.get(s.id).paid === null);
  const unknown = [];
  if (unpaid.length) {
    unknown.push(`${unpaid.length} of the ${shown.length} next steps shown do not say whether they pay a stipend`);
  }
  const possible = steps.filter((s) => !s.confirmed).length;
  if (possible) unknown.push(`${possible} of the ${steps.length} fitting programs fit only because a fact is unknown`);
  for (const key of ["extensions", "funding", "job_placement"]) {
    if (t.after_program[key] === "unknown") unknown.push(`the template's ${key.replace("_", " ")}: not yet known`);
  }
  return { alumni, assumed: assumed ? "relocation not given, so assumed they can relocate" : null,
           next_steps: shown, fitting: steps.length, confirmed: steps.length - possible,
           extensions: t.after_program.extensions, funding: t.after_program.funding,
           job_placement: t.after_program.job_placement, unknown };
}

function footnotes(out, t) {
  const titles = new Map(t.sources.map((s) => [s.url, s.title]));
  const compared = new Map(out.budget.compare.map((c) => [c.source, c.name]));
  const cited = [out.settings.cohort_source, ...out.staffing.map((s) => s.source),
                 ...out.budget.lines.map((l) => l.source), ...out.budget.compare.map((c) => c.source),
                 ...out.timeline.map((s) => s.source)];
  const seen = [];
  for (const url of cited) if (!(url in CITED_WORDS) && !seen.includes(url)) seen.push(url);
  return seen.map((url, i) => ({ n: i + 1, url, title: titles.get(url) || compared.get(url) || url }));
}

// -- numbers as design.py shows them -----------------------------------------------------------

/** design.py's _short: whole numbers from 100 up, up to two decimals below, "?" when unknown. */
export function short(x) {
  if (x === null) return "?";
  if (Math.abs(x) >= 100) return grouped(fixed(x, 0));
  return grouped(fixed(x, 2)).replace(/0+$/, "").replace(/\.$/, "");
}

export function numberSpan(value) {
  if (value === null || value[0] === null) return "unknown";
  const [low, high] = value.map(short);
  return low === high ? low : `${low}-${high}`;
}

export function moneySpan(value, currency) {
  if (value === null || value[0] === null) return "unknown";
  const [low, high] = value;
  const shown = high === low ? short(low) : `${short(low)}-${short(high)}`;
  return `${shown} ${currency}`;
}
