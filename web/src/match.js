// The matcher's rules, ported from scripts/onramp/match.py: the same hard rules, sentences,
// near misses, formats and order, over the facts Python already normalised (assets/onramp-facts.json).
// Pure functions, no DOM. Held to Python by the conformance vectors in web/test/vectors.json
// (node --test, and in Chromium by tests/test_find.py): any difference in a sentence fails.

/** @typedef {{id: string, kind: string, status: string|null, mode: string|null,
 *   locations: Array<[string|null, string]>|null, relocation: string|null, hours_min: number|null,
 *   hours_max: number|null, commitment: string|null, weeks_min: number|null, weeks_max: number|null,
 *   paid: boolean|null, stipend_usd_month: number|null, stipend_text: string, fee: boolean|null,
 *   regions: string[]|"worldwide"|null, stages: string[]|null, min_age: number|null,
 *   communities: string[], open_to_all: boolean|null, areas: string[],
 *   windows: Array<[string, string|null, string]>, in_person_weeks: number|null}} Facts */

/** @typedef {{country: string, city?: string, citizenship?: string[], relocate?: string,
 *   max_weeks_away?: number, hours_per_week?: number, weeks?: number,
 *   min_stipend?: {amount: number, currency: string, period: string}, no_fee?: boolean,
 *   stage?: string, age?: number, communities?: string[], interests?: string[]}} Profile */

const WEEKS_PER_MONTH = 52 / 12;

// -- numbers as Python formats them ------------------------------------------------------------

/** x rounded to d decimals as Python's round() does: correctly, and half to even on exact ties. */
/**
 * The facts file as the site ships it (records packed as columns and rows, see
 * scripts/onramp/webdata.py `packed`) turned back into one object per record; a payload whose
 * records are already objects (the conformance vectors) is returned as it is.
 * @param {{records: object[] | {columns: string[], rows: unknown[][]}}} data
 */
export function unpackFacts(data) {
  if (Array.isArray(data.records)) return data;
  const { columns, rows } = data.records;
  return { ...data, records: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))) };
}

export function pyRound(x, d) {
  const text = fixed(x, d);
  return Number(text);
}

/** x with d decimals as Python's f"{x:.{d}f}" writes it (exact ties go to the even digit). */
export function fixed(x, d) {
  const exact = x.toFixed(Math.min(100, d + 30));
  const tail = exact.slice(exact.length - 30);
  if (/^50*$/.test(tail)) {  // an exact tie: toFixed would round away from zero
    const down = exact.slice(0, exact.length - 30);
    const lastDigit = Number(down[down.length - 1]);
    if (lastDigit % 2 === 0) return d === 0 ? down.replace(/\.$/, "") : down;
  }
  return x.toFixed(d);
}

export function grouped(text) {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const [whole, frac] = body.split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + withCommas + (frac !== undefined ? "." + frac : "");
}

/** match.py's _n: 1234 -> "1,234", 2.5 -> "2.5", null -> "?". */
export function n(value) {
  if (value === null || value === undefined) return "?";
  return grouped(fixed(value, Number.isInteger(value) ? 0 : 1));
}

export function usd(value) {
  return value === null || value === undefined ? "?" : grouped(fixed(value, 0));
}

function weeksText(value) {
  return `${n(value)} week` + (value === 1 ? "" : "s");
}

function span(low, high) {
  if (high === null || high === low) return high === low ? `${n(low)}` : `at least ${n(low)}`;
  return `${n(low)}-${n(high)}`;
}

function list(items, word) {
  return items.length === 1 ? items[0] : items.slice(0, -1).join(", ") + ` ${word} ${items[items.length - 1]}`;
}

function pySorted(items) {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function codes(values, word = "and") {
  const ordered = pySorted(values);
  if (ordered.length <= 6) return list(ordered, word);
  const many = `${ordered.length} countries (${ordered.slice(0, 5).join(", ")}, ...)`;
  return word === "or" ? `one of ${many}` : many;
}

function also(citizenship) {
  return citizenship.length ? ` with citizenship of ${citizenship.join(", ")}` : "";
}

function places(locations) {
  return list(locations.map(([city, country]) => (city ? `${city} (${country})` : country)), "or");
}

function cities(locations) {
  return list(locations.map(([city, country]) => city || country), "or");
}

function money(m) {
  return `${n(m.amount)} ${m.currency} a ${m.period}`;
}

// -- money -------------------------------------------------------------------------------------

/** facts.py's monthly_usd for a candidate's need: {amount, currency, period} as USD a month. */
function monthlyUsd(m, rates) {
  const rate = rates.usd_per_unit[m.currency];
  if (rate === undefined) return null;
  const value = m.amount * rate;
  if (m.period === "month") return value;
  if (m.period === "week") return value * WEEKS_PER_MONTH;
  if (m.period === "year") return value / 12;
  return null;
}

function isShort(f, constants) {
  const longest = f.weeks_max !== null ? f.weeks_max : f.weeks_min;
  return longest !== null && longest < constants.short_weeks;
}

function paysText(f, constants) {
  if (f.stipend_text.endsWith("USD a month") || isShort(f, constants)) return `pays ${f.stipend_text}`;
  return `pays ${f.stipend_text} (about ${usd(f.stipend_usd_month)} USD a month)`;
}

// -- the candidate -----------------------------------------------------------------------------

/** A profile with defaults filled in, as profile.Profile holds it. */
export function normalProfile(p) {
  return {
    country: p.country, city: p.city ?? null, citizenship: p.citizenship ?? [], relocate: p.relocate ?? "yes",
    max_weeks_away: p.max_weeks_away ?? null, hours_per_week: p.hours_per_week ?? null, weeks: p.weeks ?? null,
    min_stipend: p.min_stipend ?? null, no_fee: p.no_fee ?? false, stage: p.stage ?? null, age: p.age ?? null,
    communities: p.communities ?? [], interests: p.interests ?? [],
  };
}

function prepare(profile, rates) {
  const p = normalProfile(profile);
  const c = { profile: p, city: p.city !== null ? p.city.toLowerCase() : null,
              codes: new Set([p.country, ...p.citizenship]), need: null, unit: null, needText: "" };
  if (p.min_stipend) {
    c.need = monthlyUsd(p.min_stipend, rates);
    c.unit = monthlyUsd({ ...p.min_stipend, amount: 1 }, rates);
    const m = p.min_stipend;
    const text = `you need at least ${n(m.amount)}`;
    c.needText = m.currency === "USD" && m.period === "month" ? text
      : `${text} ${m.currency} a ${m.period} (about ${usd(c.need)} USD a month)`;
  }
  return c;
}

// -- the hard rules ----------------------------------------------------------------------------

const fits = (reason = null, ...unknowns) => ({ conflict: null, reason, unknowns });
const unknown = (text) => ({ conflict: null, reason: null, unknowns: [text] });
const SILENT = { conflict: null, reason: null, unknowns: [] };
const conflict = (rule, text, change, suggestion) => ({ conflict: { rule, text, change, suggestion }, reason: null,
                                                        unknowns: [] });

function ruleRelocation(f, c) {
  if (f.mode === "remote") return fits("remote: you take part from where you live");
  if (f.relocation === "optional") return fits("attending on site is optional");
  const movable = c.profile.relocate === "yes";
  if (f.mode === null) return movable ? fits("you can relocate") : unknown("whether it is remote or on site is not stated");
  if (f.locations === null) return movable ? fits("you can relocate") : unknown("where it is held is not stated");
  if (f.locations.length === 0) return fits("not tied to one place: it can run where you live");
  let countryOnly = false;
  for (const [city, country] of f.locations) {
    if (country === c.profile.country) {
      if (city === null) countryOnly = true;
      else if (c.city !== null && city.toLowerCase() === c.city) return fits(`held in ${city}, where you live`);
    }
  }
  const where = places(f.locations);
  if (movable) return fits(`held in ${where}; you can relocate`);
  let least, most;
  if (f.mode === "hybrid") {
    least = most = f.in_person_weeks;
    if (most === 0) return fits("hybrid with no whole weeks on site");
  } else {
    [least, most] = [f.weeks_min, f.weeks_max];
  }
  if (countryOnly) return unknown(`held in ${where}, but the city is not stated: it may be where you live`);
  const { relocate, max_weeks_away: away } = c.profile;
  if (most === null && least === null) {
    if (f.mode === "hybrid" || relocate === "short") {
      return unknown(`held in ${where}; how many weeks you must be there is not stated`);
    }
    return conflict("relocation", `held in ${where}; you cannot relocate`, { relocate: "yes" },
                    `fits if you could move to ${where} (for a length not stated)`);
  }
  if (relocate === "short" && most !== null && most <= away) {
    return fits(`asks ${weeksText(most)} in ${where}; you can be away ${weeksText(away)}`);
  }
  if (relocate === "short" && most === null) {
    if (least > away) {
      return conflict("relocation", `asks at least ${n(least)} weeks in ${where}; you can be away at most ${n(away)}`,
                      { relocate: "yes" }, `fits if you could move to ${where} for the whole program`);
    }
    return unknown(`held in ${where} for at least ${n(least)} weeks; the longest stay is not stated`);
  }
  if (most === null) {
    return conflict("relocation", `asks at least ${n(least)} weeks in ${where}; you cannot relocate`,
                    { relocate: "yes" }, `fits if you could move to ${where} for the whole program`);
  }
  const had = relocate === "none" ? "you cannot relocate" : `you can be away at most ${n(away)}`;
  const change = relocate === "none" ? { relocate: "short", max_weeks_away: most } : { max_weeks_away: most };
  return conflict("relocation", `asks ${weeksText(most)} in ${where}; ${had}`, change,
                  `fits if you could spend ${weeksText(most)} in ${cities(f.locations)}`);
}

function leastHours(f, constants) {
  if (f.hours_min !== null) return f.hours_min;
  return f.commitment === "full_time" ? constants.full_time_hours : null;
}

function ruleHours(f, c, constants) {
  const have = c.profile.hours_per_week;
  if (have === null) return SILENT;
  const least = leastHours(f, constants);
  if (least === null) {
    const said = { part_time: " (described as part-time)", flexible: " (described as flexible)" }[f.commitment] ?? "";
    return unknown(`weekly hours are not stated${said}`);
  }
  if (f.hours_min === null) {
    if (least > have) {
      return conflict("hours", `is full-time (taken as at least ${n(least)} h/week); you have ${n(have)}`,
                      { hours_per_week: least },
                      `fits if you could work full-time (${n(least)} h/week) instead of ${n(have)}`);
    }
    return fits(`full-time; you have ${n(have)} h/week`);
  }
  if (least > have) {
    return conflict("hours", `needs at least ${n(least)} h/week; you have ${n(have)}`, { hours_per_week: least },
                    `fits if you could give ${n(least)} h/week instead of ${n(have)}`);
  }
  return fits(`asks ${span(f.hours_min, f.hours_max)} h/week; you have ${n(have)}`);
}

function ruleDuration(f, c) {
  const have = c.profile.weeks;
  if (have === null) return SILENT;
  if (f.weeks_min === null) {
    if (f.weeks_max !== null && f.weeks_max <= have) return fits(`lasts at most ${n(f.weeks_max)} weeks; you have ${n(have)}`);
    return unknown("how many weeks it lasts is not stated");
  }
  if (f.weeks_min > have) {
    return conflict("duration", `lasts at least ${n(f.weeks_min)} weeks; you have ${n(have)}`, { weeks: f.weeks_min },
                    `fits if you had ${n(f.weeks_min)} weeks instead of ${n(have)}`);
  }
  return fits(`lasts ${span(f.weeks_min, f.weeks_max)} weeks; you have ${n(have)}`);
}

function ruleStipend(f, c, constants) {
  const need = c.need;
  if (need === null) return SILENT;
  const wanted = c.needText;
  if (f.paid === null) return unknown("whether it pays a stipend is not stated");
  if (f.paid === false) {
    return conflict("stipend", `pays no stipend; ${wanted}`, { min_stipend: null },
                    "fits if you could take part without a stipend");
  }
  if (f.stipend_usd_month === null) {
    return unknown("it pays a stipend, but the amount is not stated in a form that can be compared");
  }
  const pays = paysText(f, constants);
  if (f.stipend_usd_month + 0.005 < need) {
    const offer = { ...c.profile.min_stipend, amount: Math.floor(f.stipend_usd_month / c.unit) };
    return conflict("stipend", `${pays}; ${wanted}`, { min_stipend: offer }, `fits if you could accept ${money(offer)}`);
  }
  return fits(`${pays}; ${wanted}`);
}

function ruleFee(f, c) {
  if (!c.profile.no_fee) return SILENT;
  if (f.fee === null) return unknown("whether participants pay a fee is not stated");
  if (f.fee) {
    return conflict("fee", "charges participants a fee; you cannot pay one", { no_fee: false },
                    "fits if you could pay the participant fee");
  }
  return fits("no participant fee");
}

function ruleRegion(f, c) {
  if (f.regions === null) return unknown("which countries may apply is not stated");
  if (f.regions === "worldwide") return fits("open worldwide");
  const held = pySorted(f.regions.filter((code) => c.codes.has(code)));
  if (held.length) return fits(`open to applicants from ${held.join(", ")}`);
  const first = pySorted(f.regions)[0];
  const { country, citizenship } = c.profile;
  return conflict("region", `open only to applicants from ${codes(f.regions)}; you are in ${country}` + also(citizenship),
                  { citizenship: pySorted([...new Set([...citizenship, first])]) },
                  `fits if you were a citizen or resident of ${codes(f.regions, "or")}`);
}

function ruleStage(f, c) {
  const stage = c.profile.stage;
  if (stage === null) return SILENT;
  if (f.stages === null) return unknown("which career stages may apply is not stated");
  if (f.stages.includes(stage)) return fits(`takes ${stage} applicants`);
  const allowed = pySorted(f.stages);
  return conflict("stage", `takes only ${list(allowed, "and")} applicants; you are ${stage}`, { stage: allowed[0] },
                  `fits for ${list(allowed, "or")} applicants`);
}

function ruleAge(f, c) {
  const age = c.profile.age;
  if (age === null) return SILENT;
  if (f.min_age === null) return unknown("the minimum age is not stated");
  if (age >= f.min_age) return SILENT;
  return conflict("age", `applicants must be at least ${n(f.min_age)}; you are ${n(age)}`, { age: f.min_age },
                  `fits once you are ${n(f.min_age)}`);
}

export const HARD_RULES = [["relocation", ruleRelocation], ["hours", ruleHours], ["duration", ruleDuration],
                           ["stipend", ruleStipend], ["fee", ruleFee], ["region", ruleRegion], ["stage", ruleStage],
                           ["age", ruleAge]];

// -- the soft preferences ----------------------------------------------------------------------

function openWindow(windows, day) {
  const open = windows.map((w) => w[2]).filter((closes) => closes >= day);
  return open.length ? pySorted(open)[0] : null;
}

function preferences(f, c, day, constants) {
  let score = 0;
  const reasons = [];
  let unknowns = [];
  const p = c.profile;
  const shared = pySorted(f.communities.filter((x) => p.communities.includes(x)));
  if (shared.length) {
    score += 3;
    reasons.push(`made for your community: ${shared.join(", ")}`);
  }
  const areas = pySorted(f.areas.filter((x) => p.interests.includes(x)));
  if (areas.length) {
    score += 2 * Math.min(areas.length, 2);
    reasons.push(`covers your interests: ${areas.join(", ")}`);
  }
  if (f.stipend_usd_month) {
    score += 1 + Math.min(f.stipend_usd_month / (c.need || 1000), 4) / 4;
    if (c.need === null) reasons.push(paysText(f, constants));
  }
  if (f.commitment === "part_time" || f.commitment === "flexible"
      || (f.hours_max !== null && f.hours_max < constants.full_time_hours)) {
    score += 1;
    reasons.push("part-time: it fits beside work or study");
  }
  const closes = openWindow(f.windows, day);
  if (closes) {
    score += 2;
    reasons.push(`applications open now (closes ${closes})`);
  }
  if (f.status === "paused") reasons.push("paused for now: check when it resumes");
  else if (f.status === null) unknowns = ["whether it still runs is not stated"];
  return [score, reasons, unknowns];
}

// -- running the rules over a catalog ----------------------------------------------------------

function entry(f, c, day, constants, near = true) {
  let found = null;
  const reasons = [];
  const unknowns = [];
  const unknownRules = [];
  for (const [name, rule] of HARD_RULES) {
    const check = rule(f, c, constants);
    if (check.conflict !== null) {
      if (found !== null || !near) return null;
      found = check.conflict;
    } else if (check.reason) {
      reasons.push(check.reason);
    }
    if (check.unknowns.length) {
      unknowns.push(...check.unknowns);
      unknownRules.push(name);
    }
  }
  const [score, liked, statusUnknowns] = preferences(f, c, day, constants);
  unknowns.push(...statusUnknowns);
  const out = { id: f.id, kind: f.kind, score: pyRound(score, 2),
                reasons: [...liked, ...reasons], unknowns: unknowns.map((u) => u + ": check with the organiser"),
                unknown_rules: unknownRules };
  if (found !== null) Object.assign(out, { rule: found.rule, conflict: found.text, change: found.change,
                                           suggestion: found.suggestion });
  return out;
}

/**
 * Every hard rule on one program or template, as match.py's evaluate: the conflicts (their
 * sentences), the reasons it fits, and the unknowns met.
 */
export function evaluate(data, f, profile) {
  const constants = { full_time_hours: data.full_time_hours, short_weeks: data.short_weeks };
  const c = prepare(profile, data.rates);
  const out = { conflicts: [], reasons: [], unknowns: [] };
  for (const [, rule] of HARD_RULES) {
    const check = rule(f, c, constants);
    if (check.conflict !== null) out.conflicts.push(check.conflict.text);
    else if (check.reason) out.reasons.push(check.reason);
    out.unknowns.push(...check.unknowns);
  }
  return out;
}

/**
 * The bench's baseline, as match.py's bare_hard_constraints: every hard rule on every pair of a
 * profile and a program that has not ended, nothing else (no reasons, ranking, near misses).
 * @returns {number} the pairs that fit
 */
export function bareHardRules(data, profiles) {
  const constants = { full_time_hours: data.full_time_hours, short_weeks: data.short_weeks };
  const programs = data.records.filter((f) => f.kind === "program" && f.status !== "ended");
  let fitting = 0;
  for (const profile of profiles) {
    const c = prepare(profile, data.rates);
    for (const f of programs) {
      if (HARD_RULES.every(([, rule]) => rule(f, c, constants).conflict === null)) fitting += 1;
    }
  }
  return fitting;
}

/** match.py's _rank (ORDER_RULE) as a comparator. */
function rank(a, b, byId) {
  const paused = (e) => (byId.get(e.id).status === "paused" ? 1 : 0);
  const ka = [a.unknown_rules.length > 0 ? 1 : 0, paused(a), -a.score, a.unknowns.length];
  const kb = [b.unknown_rules.length > 0 ? 1 : 0, paused(b), -b.score, b.unknowns.length];
  for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Match one profile against the catalog's facts, as onramp.match.Matcher.match does.
 * @param {{records: Facts[], rates: object, full_time_hours: number, short_weeks: number}} data
 * @param {Profile} profile
 * @param {string} today  YYYY-MM-DD
 * @returns {{matches: object[], near_misses: object[], formats: object[]}}
 */
export function match(data, profile, today) {
  const constants = { full_time_hours: data.full_time_hours, short_weeks: data.short_weeks };
  const ordered = [...data.records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(ordered.map((f) => [f.id, f]));
  const c = prepare(profile, data.rates);
  const result = { matches: [], near_misses: [], formats: [] };
  for (const f of ordered) {
    if (f.kind !== "program" || f.status === "ended") continue;
    const e = entry(f, c, today, constants);
    if (e === null) continue;
    (e.conflict !== undefined ? result.near_misses : result.matches).push(e);
  }
  const served = new Set(result.matches.flatMap((m) => byId.get(m.id).communities));
  for (const f of ordered) {
    if (f.kind !== "template") continue;
    const e = entry(f, c, today, constants, false);
    if (e === null) continue;
    const unserved = pySorted(f.communities.filter((x) => c.profile.communities.includes(x) && !served.has(x)));
    if (unserved.length) e.reasons.push(`nobody runs this format for your community (${unserved.join(", ")}) yet`);
    result.formats.push(e);
  }
  for (const entries of Object.values(result)) entries.sort((a, b) => rank(a, b, byId));
  return result;
}
