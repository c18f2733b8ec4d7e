"""Design briefs: a template made concrete for one gap (community, constraint profile, place),
cohort size and length: format and why it fits, staff, an itemised and sourced budget, risks,
run-only-if conditions, evaluation, the next steps its alumni have, and a launch timeline.

`design_payload` reduces the catalog to the plain data a brief needs; `brief` computes a brief from
that payload alone, so the Python and the JavaScript port (web/src/design.js) read the same inputs
and conformance vectors hold them together. The format's fit and the alumni's next steps come from
the matcher's own rules. Every figure is a record's (with its source) or the template's stated
estimate; an unknown stays unknown and is listed, never priced.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .facts import WEEKS_PER_MONTH, Facts
from .gaps import GapSettings, candidate_of
from .match import Matcher, evaluate, prepare
from .profile import Profile
from .webdata import facts_from_dict

UNKNOWN = "unknown"
NEXT_STEPS_SHOWN = 8
# The words each unit and moment is shown with (the CLI, the pages and the JavaScript use these).
PER_WORDS = {
    "participant_hour": "per participant-hour", "participant_week": "per participant-week",
    "participant_month": "per participant-month", "participant": "per participant",
    "mentor_hour": "per mentor-hour", "facilitator_hour": "per facilitator-hour",
    "operations_hour": "per operations-hour", "lead_hour": "per lead-hour", "reviewer_hour": "per reviewer-hour",
    "week": "per week", "edition": "per edition",
}
WHEN_WORDS = {"before": "before it starts", "end": "at the end", "6_months": "6 months after",
              "12_months": "12 months after"}
CITED_WORDS = {"estimate": "the template's estimate", "typical": "a typical lead time"}
ROLE_WORDS = {"mentor": "Mentors", "facilitator": "Facilitators", "operations": "Operations",
              "lead": "Program lead", "reviewer": "Reviewers"}
ITEM_WORDS = {"stipends": "Stipends", "mentor_time": "Mentor time", "facilitator_time": "Facilitator time",
              "operations": "Operations", "lead": "Program lead", "review": "Review", "venue": "Venue",
              "travel": "Travel", "accommodation": "Accommodation", "meals": "Meals", "compute": "Compute",
              "materials": "Materials", "other": "Other"}
VERDICT_WORDS = {"fits": "fits on known facts", "possible": "fits only if the unknown facts work out",
                 "no": "does not fit"}


def words() -> dict[str, dict[str, str]]:
    """The vocabularies a brief is shown with, for the page templates and the browser."""
    return {"per_words": PER_WORDS, "when_words": WHEN_WORDS, "cited_words": CITED_WORDS, "role_words": ROLE_WORDS,
            "item_words": ITEM_WORDS, "verdict_words": VERDICT_WORDS}


class DesignError(ValueError):
    """An option the brief cannot be made with (an unknown id, say): a usage error."""


# -- the inputs ----------------------------------------------------------------------------------

def design_payload(catalog: Catalog, settings: GapSettings) -> dict[str, Any]:
    """Everything a brief reads besides the matcher's facts, as JSON-ready data."""
    templates = {}
    for r in catalog.templates:
        d = r.data
        templates[r.id] = {
            "id": r.id, "name": r.name, "summary": d["summary"], "format": d["format"],
            "stipend": d["funding"]["stipend"], "communities": d["communities"], "areas": d["research_areas"],
            "design": d["design"], "after_program": d["after_program"],
            "sources": [{"url": s["url"], "title": s.get("title", s["url"])} for s in d["sources"]],
        }
    costs = []
    for r in catalog.programs:
        cost = r.data.get("cost_per_participant")
        if cost:
            title = next((s.get("title") for s in r.data["sources"] if s["url"] == cost["source"]), cost["source"])
            costs.append({"id": r.id, "name": r.name, **cost, "title": title})
    return {
        "templates": templates, "costs": costs,
        "rates": {"as_of": catalog.rates.as_of, "usd_per_unit": catalog.rates.usd_per_unit},
        "places": [p.to_dict() for p in settings.places], "default_place": settings.default_place,
        "profiles": [{"id": p.id, "label": p.label, "candidate": p.candidate} for p in settings.profiles],
        "communities": {r.id: r.name for r in catalog.communities},
    }


def check_options(payload: dict, template: str, community: str | None = None, profile: str | None = None,
                  place: str | None = None, cohort: int | None = None, weeks: float | None = None) -> None:
    """Raise DesignError naming the first option the payload does not know, and what it expects."""
    def one_of(flag: str, value: str, allowed: list[str]) -> None:
        if value not in allowed:
            raise DesignError(f"{flag}: {value!r} is not one of the catalog's values; expected one of: "
                              f"{', '.join(allowed)}")
    one_of("TEMPLATE", template, sorted(payload["templates"]))
    if community is not None:
        one_of("--community", community, sorted(payload["communities"]))
    if profile is not None:
        one_of("--profile", profile, [p["id"] for p in payload["profiles"]])
    if place is not None:
        one_of("--place", place, [p["country"] for p in payload["places"]])
    if cohort is not None and not (1 <= cohort <= 10000):
        raise DesignError(f"--cohort: {cohort} is out of range; expected a whole number from 1 to 10000")
    if weeks is not None and not (0 < weeks <= 520):
        raise DesignError(f"--weeks: {weeks} is out of range; expected a number of weeks above 0, at most 520")


# -- ranges: [low, high], either None when unknown ---------------------------------------------

def span(value: Any) -> list | None:
    """A number, a {min, max} range or 'unknown' as [low, high] (None when unknown)."""
    if isinstance(value, dict):
        return [_num(value.get("min")), _num(value.get("max"))]
    number = _num(value)
    return None if number is None else [number, number]


def _num(value: Any) -> float | None:
    return None if value is None or value == UNKNOWN else float(value)


def times(a: list | None, b: list | None) -> list | None:
    if a is None or b is None:
        return None
    return [None if x is None or y is None else x * y for x, y in zip(a, b, strict=True)]


def rounded(value: list | None) -> list | None:
    return None if value is None else [None if x is None else round(x, 2) for x in value]


# -- the brief ------------------------------------------------------------------------------------

def brief(payload: dict, facts: dict[str, Any], template: str, community: str | None = None,
          profile: str | None = None, place: str | None = None, cohort: int | None = None,
          weeks: float | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """The brief for one template and gap. `facts` is the Find page's facts payload (its records are
    the matcher's facts); the options are checked first (DesignError)."""
    check_options(payload, template, community, profile, place, cohort, weeks)
    t = payload["templates"][template]
    design = t["design"]
    place_data = next(p for p in payload["places"] if p["country"] == (place or payload["default_place"]))
    profile_data = next((p for p in payload["profiles"] if p["id"] == profile), None)
    size = cohort if cohort is not None else design["cohort"]["size"]
    length = [float(weeks), float(weeks)] if weeks is not None else span(t["format"]["duration_weeks"])
    hours = span(t["format"]["hours_per_week"])
    staff = staffing(design["staffing"]["ratios"], size)
    lines = budget_lines(design["budget"], staff, size, hours, length, payload["rates"])
    out = {
        "template": {"id": t["id"], "name": t["name"], "summary": t["summary"]},
        "settings": {
            "community": community, "community_name": payload["communities"].get(community) if community else None,
            "profile": profile, "profile_label": profile_data["label"] if profile_data else None,
            "place": place_data["country"], "place_name": place_data["name"], "place_given": place is not None,
            "cohort": size, "cohort_given": cohort is not None, "cohort_basis": design["cohort"]["basis"],
            "cohort_source": design["cohort"]["source"], "weeks": length, "weeks_given": weeks is not None,
        },
        "format": format_section(t, facts, payload, place_data, profile_data, community, weeks, hours, length),
        "staffing": staff,
        "budget": {**totals(lines, size), "lines": lines, "rates_as_of": payload["rates"]["as_of"],
                   "compare": compare(payload)},
        "risks": design["risks"],
        "run_only_if": design["run_only_if"],
        "evaluation": [{**e, "when": [w for w in WHEN_WORDS if w in e["when"]]} for e in design["evaluation"]],
        "after_program": after_program(t, facts, place_data, profile_data, community, today),
        "timeline": sorted(({"step": s["step"], "weeks_before_start": span(s["weeks_before_start"]),
                             "basis": s.get("basis"), "source": s["source"]} for s in design["timeline"]),
                           key=lambda s: -max((x for x in s["weeks_before_start"] if x is not None), default=0)),
    }
    out["sources"] = footnotes(out, t)
    return out


def staffing(ratios: list[dict], size: int) -> list[dict]:
    """One row per role: how many people the cohort needs, from the template's ratio."""
    rows = []
    for r in ratios:
        if "participants_per" in r:
            count = math.ceil(size / r["participants_per"])
            ratio = f"one per {_plain(r['participants_per'])} participants"
        else:
            count = r["count"]
            ratio = f"fixed: {count}, whatever the cohort size"
        rows.append({"role": r["role"], "count": count, "ratio": ratio, "hours_per_week": span(r["hours_per_week"]),
                     "basis": r["basis"], "source": r["source"]})
    return rows


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def quantity(per: str, staff: list[dict], size: int, hours: list | None, length: list | None) -> list | None:
    """How many of the line's unit one edition needs: [low, high], or None when unknown."""
    people = [float(size), float(size)]
    if per == "participant_hour":
        return times(times(people, hours), length)
    if per == "participant_week":
        return times(people, length)
    if per == "participant_month":
        return times(people, times(length, [1 / WEEKS_PER_MONTH, 1 / WEEKS_PER_MONTH]))
    if per == "participant":
        return people
    if per == "week":
        return length
    if per == "edition":
        return [1.0, 1.0]
    role = per.removesuffix("_hour")
    rows = [s for s in staff if s["role"] == role]
    if not rows:
        return None
    count = float(sum(s["count"] for s in rows))
    each = rows[0]["hours_per_week"]
    return times(times([count, count], each), length)


def budget_lines(budget: list[dict], staff: list[dict], size: int, hours: list | None, length: list | None,
                 rates: dict) -> list[dict]:
    lines = []
    for line in budget:
        unit = span(line["amount"])
        qty = quantity(line["per"], staff, size, hours, length)
        amount = times(unit, qty)
        rate = rates["usd_per_unit"].get(line["currency"])
        usd = times(amount, [rate, rate]) if rate is not None else None
        lines.append({"item": line["item"], "label": line.get("label"), "unit": rounded(unit),
                      "currency": line["currency"], "per": line["per"], "quantity": rounded(qty),
                      "amount": rounded(amount), "usd": rounded(usd), "basis": line["basis"],
                      "source": line["source"]})
    return lines


def totals(lines: list[dict], size: int) -> dict[str, Any]:
    """The total and the cost per participant in USD over the lines with a known figure; the lines
    left out are named, so the total is read as a floor."""
    low = high = 0.0
    high_known = True
    unknown = []
    for line in lines:
        usd = line["usd"]
        if usd is None or usd[0] is None:
            unknown.append(line["label"] or ITEM_WORDS[line["item"]])
            continue
        low += usd[0]
        if usd[1] is None:
            high_known = False
        else:
            high += usd[1]
    total = [round(low, 2), round(high, 2) if high_known else None]
    each = [round(low / size, 2), round(high / size, 2) if high_known else None]
    return {"total_usd": total, "per_participant_usd": each, "unknown": unknown}


def compare(payload: dict) -> list[dict]:
    """Real programs' reported cost per participant, in USD at the same rates."""
    out = []
    for cost in payload["costs"]:
        rate = payload["rates"]["usd_per_unit"].get(cost["currency"])
        amount = span(cost["amount"])
        out.append({"id": cost["id"], "name": cost["name"], "year": cost["year"], "amount": amount,
                    "currency": cost["currency"], "usd": rounded(times(amount, [rate, rate])) if rate else None,
                    "basis": cost["basis"], "source": cost["source"]})
    return sorted(out, key=lambda c: (c["usd"][0] if c["usd"] and c["usd"][0] is not None else math.inf, c["id"]))


# -- format and after the program: the matcher's rules ----------------------------------------

def template_facts(facts: dict, template: str, weeks: float | None) -> Any:
    """The template's matcher facts, for the brief's length: a total stipend is paid at the
    template's rate for the chosen weeks, so it is compared (and said) as its monthly figure."""
    f = _facts(next(r for r in facts["records"] if r["id"] == template))
    if weeks is None:
        return f
    text = f.stipend_text if f.stipend_usd_month is None else f"about {f.stipend_usd_month:,.0f} USD a month"
    return replace(f, weeks_min=float(weeks), weeks_max=float(weeks), stipend_text=text)


def _facts(record: dict) -> Facts:
    """Matcher facts from a facts-payload record (which also carries the name and links to show)."""
    return facts_from_dict({k: v for k, v in record.items() if k in Facts.__dataclass_fields__})


def where_text(fmt: dict, place: dict) -> str:
    locations = fmt["locations"]
    if fmt["mode"] == "remote":
        return "online, from wherever participants live"
    if isinstance(locations, list) and locations:
        return "in " + ", ".join(f"{loc['city']} ({loc['country']})" if loc.get("city") else loc["country"]
                                 for loc in locations)
    if fmt["mode"] not in ("in_person", "hybrid"):
        return "not stated"
    near = place["city"] or place["name"]
    if fmt["mode"] == "in_person":
        return f"in person, in or near {near} (each edition chooses its city)"
    return f"online, with in-person parts held in or near {near} (each edition chooses its city)"


def format_section(t: dict, facts: dict, payload: dict, place: dict, profile: dict | None, community: str | None,
                   weeks: float | None, hours: list | None, length: list | None) -> dict[str, Any]:
    f = template_facts(facts, t["id"], weeks)
    rates = _rates(facts)
    verdicts: dict[str, list] = {"fits": [], "possible": [], "no": []}
    chosen = None
    for p in payload["profiles"]:
        c = prepare(_candidate(p, place, community), rates)
        conflicts, reasons, unknowns = evaluate(f, c)
        verdict = "no" if conflicts else "possible" if unknowns else "fits"
        verdicts[verdict].append({"id": p["id"], "label": p["label"],
                                  "why": conflicts[0].text if conflicts else None})
        if profile is not None and p["id"] == profile["id"]:
            chosen = {"profile": p["id"], "label": p["label"], "verdict": verdict, "reasons": reasons,
                      "conflicts": [x.text for x in conflicts], "unknowns": unknowns}
    fmt = t["format"]
    return {"mode": fmt["mode"], "hours": hours, "weeks": length, "where": where_text(fmt, place),
            "relocation": fmt["relocation"], "in_person_weeks": _num(fmt.get("in_person_weeks", UNKNOWN)),
            "stipend": f.stipend_text, "note": fmt.get("note"), "chosen": chosen, "profiles": verdicts}


def _rates(facts: dict) -> Any:
    from .facts import Rates

    return Rates(facts["rates"]["as_of"], "", facts["rates"]["usd_per_unit"])


def _candidate(p: dict, place: dict, community: str | None) -> Profile:
    from .gaps import GapProfile, Place

    gp = GapProfile(p["id"], p["label"], (), "", "", None, p["candidate"])
    return candidate_of(gp, Place(place["country"], place["name"], place["city"], place["group"]),
                        (community,) if community else ())


def alumni_profile(t: dict, place: dict, profile: dict | None, community: str | None) -> Profile:
    """Who the alumni are for the matcher: living in the place, with the profile's constraints when
    one is given, in the community, interested in the template's research areas."""
    base = _candidate(profile, place, community) if profile else Profile.from_dict(
        {"country": place["country"], "city": place["city"], "communities": [community] if community else []})
    return replace(base, interests=tuple(t["areas"]), name="alumni")


def after_program(t: dict, facts: dict, place: dict, profile: dict | None, community: str | None,
                  today: dt.date | None) -> dict[str, Any]:
    matcher = Matcher([_facts(r) for r in facts["records"]], _rates(facts))
    alumni = alumni_profile(t, place, profile, community)
    result = matcher.match(alumni, today or dt.date.today())
    names = {r["id"]: r["name"] for r in facts["records"]}
    steps = [{"id": m["id"], "name": names[m["id"]], "confirmed": not m["unknown_rules"]} for m in result.matches]
    shown = steps[:NEXT_STEPS_SHOWN]
    unpaid = [s for s in shown if matcher.by_id[s["id"]].paid is None]
    unknown = []
    if unpaid:
        unknown.append(f"{len(unpaid)} of the {len(shown)} next steps shown do not say whether they pay a stipend")
    possible = sum(1 for s in steps if not s["confirmed"])
    if possible:
        unknown.append(f"{possible} of the {len(steps)} fitting programs fit only because a fact is unknown")
    for key in ("extensions", "funding", "job_placement"):
        if t["after_program"][key] == UNKNOWN:
            unknown.append(f"the template's {key.replace('_', ' ')}: not yet known")
    assumed = ("relocation not given, so assumed they can relocate" if "relocate" in alumni.assumed else None)
    return {"alumni": alumni.to_dict(), "assumed": assumed, "next_steps": shown, "fitting": len(steps),
            "confirmed": len(steps) - possible, "extensions": t["after_program"]["extensions"],
            "funding": t["after_program"]["funding"], "job_placement": t["after_program"]["job_placement"],
            "unknown": unknown}


def footnotes(out: dict, t: dict) -> list[dict]:
    """Every URL the brief cites, numbered in the order a reader meets them."""
    titles = {s["url"]: s["title"] for s in t["sources"]}
    cited = [out["settings"]["cohort_source"]]
    cited += [s["source"] for s in out["staffing"]] + [line["source"] for line in out["budget"]["lines"]]
    cited += [c["source"] for c in out["budget"]["compare"]] + [s["source"] for s in out["timeline"]]
    compared = {c["source"]: c["name"] for c in out["budget"]["compare"]}
    seen: list[str] = []
    for url in cited:
        if url not in CITED_WORDS and url not in seen:
            seen.append(url)
    return [{"n": i + 1, "url": url, "title": titles.get(url) or compared.get(url, url)} for i, url in enumerate(seen)]


def brief_for(catalog: Catalog, settings: GapSettings, template: str, **options: Any) -> dict[str, Any]:
    """A brief straight from a catalog (the CLI's and the site's entry point)."""
    from .webdata import facts_payload

    return brief(design_payload(catalog, settings), facts_payload(catalog), template, **options)



# -- the brief in words: markdown to print and share, or plain text for a terminal ---------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|!"} | {"&": "&amp;"})


def money_span(value: list | None, currency: str) -> str:
    """[1000, 2000] -> '1,000-2,000 USD'; an unknown end shows as '?'; None is 'unknown'."""
    if value is None or value[0] is None:
        return "unknown"
    low, high = value
    shown = _short(low) if high == low else f"{_short(low)}-{_short(high)}"
    return f"{shown} {currency}"


def number_span(value: list | None) -> str:
    if value is None or value[0] is None:
        return "unknown"
    low, high = (_short(x) for x in value)
    return low if low == high else f"{low}-{high}"


def _short(x: float | None) -> str:
    """Whole numbers from 100 up (1,563), up to two decimals below (31.25, 0.5); '?' when unknown."""
    if x is None:
        return "?"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def render(b: dict, markdown: bool = True) -> str:
    """The brief as markdown (escaped: record text never becomes markup) or as plain text."""
    esc = (lambda s: str(s).translate(_MD_SPECIAL)) if markdown else str
    strong = (lambda s: f"**{s}**") if markdown else (lambda s: s)
    note = {s["url"]: s["n"] for s in b["sources"]}

    def cite(source: str) -> str:
        return f"[{note[source]}]" if source in note else f"({CITED_WORDS[source]})"

    def heading(text: str, level: int = 2) -> list[str]:
        if markdown:
            return ["", "#" * level + " " + esc(text), ""]
        return ["", text, ("=" if level == 1 else "-") * len(text), ""]

    s, f, bud, after = b["settings"], b["format"], b["budget"], b["after_program"]
    out = heading(f"Design brief: {b['template']['name']}", 1)[1:]
    out += [esc(b["template"]["summary"]), ""]
    who = s["community_name"] or "any community"
    profile = s["profile_label"] or "any constraint profile"
    out.append(f"For {esc(who)}; {esc(profile)}; living in {esc(s['place_name'])}. "
               f"Cohort of {s['cohort']} ({'given' if s['cohort_given'] else 'the template default'}); "
               f"{number_span(s['weeks'])} weeks ({'given' if s['weeks_given'] else 'the template default'}).")
    out += heading("Format")
    out.append(f"- {strong('Mode')}: {esc(f['mode'])}, {number_span(f['hours'])} h a week for "
               f"{number_span(f['weeks'])} weeks, {esc(f['where'])}.")
    out.append(f"- {strong('Pays')}: {esc(f['stipend'])}.")
    if f["chosen"]:
        c = f["chosen"]
        verdict = VERDICT_WORDS[c["verdict"]]
        out.append(f"- {strong('Why this format fits the gap')} ({esc(c['label'])}): {verdict}.")
        out += [f"  - {esc(r)}" for r in c["reasons"]]
        out += [f"  - does not fit: {esc(x)}" for x in c["conflicts"]]
        out += [f"  - to check: {esc(u)}" for u in c["unknowns"]]
    v = f["profiles"]
    out.append(f"- {strong('Across the constraint profiles')} in {esc(s['place_name'])}: fits on known facts for "
               f"{len(v['fits'])}, possibly for {len(v['possible'])}, not for {len(v['no'])} of "
               f"{len(v['fits']) + len(v['possible']) + len(v['no'])}.")
    for p in v["no"][:3]:
        out.append(f"  - not for {esc(p['label'])}: {esc(p['why'])}")
    out += heading("Staffing")
    for r in b["staffing"]:
        hours = "hours unknown" if r["hours_per_week"] is None else f"{number_span(r['hours_per_week'])} h a week"
        out.append(f"- {strong(ROLE_WORDS[r['role']])}: {r['count']} ({esc(r['ratio'])}; {hours}). "
                   f"{esc(r['basis'])} {cite(r['source'])}")
    out += heading("Budget")
    out.append(f"One edition, in each line's currency and in USD at the rates of {esc(bud['rates_as_of'])}.")
    out.append("")
    for line in bud["lines"]:
        name = line["label"] or ITEM_WORDS[line["item"]]
        unit = money_span(line["unit"], line["currency"])
        worked = (f"{unit} {PER_WORDS[line['per']]} x {number_span(line['quantity'])} = "
                  f"{money_span(line['amount'], line['currency'])}")
        if line["currency"] != "USD" and line["usd"] is not None:
            worked += f" ({money_span(line['usd'], 'USD')})"
        out.append(f"- {strong(esc(name))}: {worked}. {esc(line['basis'])} {cite(line['source'])}")
    out.append("")
    out.append(f"{strong('Total')}: {money_span(bud['total_usd'], 'USD')}; {strong('per participant')}: "
               f"{money_span(bud['per_participant_usd'], 'USD')}.")
    if bud["unknown"]:
        out.append(f"Not priced, because no source gives a figure: {esc(', '.join(bud['unknown']))}. "
                   "The total is a floor.")
    if bud["compare"]:
        out.append("")
        out.append("Reported cost per participant of real programs:")
        for c in bud["compare"]:
            out.append(f"- {esc(c['name'])} ({c['year']}): {money_span(c['usd'], 'USD')}. {esc(c['basis'])} "
                       f"{cite(c['source'])}")
    out += heading("Risks and safeguards")
    for r in b["risks"]:
        out.append(f"- {strong('Risk')}: {esc(r['risk'])} {strong('Safeguard')}: {esc(r['safeguard'])}")
    out += heading("Run it only if")
    out += [f"- [ ] {esc(c)}" for c in b["run_only_if"]]
    out += heading("Evaluation plan")
    for e in b["evaluation"]:
        when = ", ".join(WHEN_WORDS[w] for w in e["when"])
        out.append(f"- {strong(esc(e['measure']))} When: {when}. How: {esc(e['how'])}")
    out += heading("After the program")
    out.append(f"{after['fitting']} programs in the catalog fit the alumni ({after['confirmed']} on known facts)"
               + (f"; {esc(after['assumed'])}" if after["assumed"] else "") + ". The first in the matcher's order:")
    out += [f"- {esc(x['name'])}" + ("" if x["confirmed"] else " (if the unknown facts work out)")
            for x in after["next_steps"]]
    out.append("")
    for key, label in (("extensions", "Extensions"), ("funding", "Funding routes"), ("job_placement", "Jobs")):
        out.append(f"- {strong(label)}: {esc(after[key])}")
    out += [f"- {strong('Unknown')}: {esc(u)}" for u in after["unknown"]]
    out += heading("Timeline")
    for step in b["timeline"]:
        basis = f" {esc(step['basis'])}" if step.get("basis") else ""
        out.append(f"- {strong(number_span(step['weeks_before_start']) + ' weeks before the start')}: "
                   f"{esc(step['step'])}{basis} {cite(step['source'])}")
    out += heading("Sources")
    out += [f"{n['n']}. {esc(n['title'])}: {esc(n['url'])}" for n in b["sources"]]
    return "\n".join(out) + "\n"


# -- conformance vectors: the JavaScript port (web/src/design.js) is held to these --------------

DESIGN_VECTORS_FILE = Path("web") / "test" / "design-vectors.json"


def edge_template(payload: dict, facts: dict) -> tuple[dict, dict]:
    """A template the real catalog lacks but the arithmetic must handle, made from a real one:
    a range with an unknown end, another currency, a monthly unit, a fixed role with hours as a range,
    a line per an hour of a role nobody holds, and a timeline range."""
    base_id = sorted(payload["templates"])[0]
    t = json.loads(json.dumps(payload["templates"][base_id]))
    t["id"], t["name"] = "edge-template", "Edge template"
    d = t["design"]
    d["cohort"]["size"] = 7
    d["staffing"]["ratios"] = [
        {"role": "mentor", "participants_per": 2.5, "hours_per_week": {"min": 1, "max": 1.5}, "basis": "b",
         "source": "estimate"},
        {"role": "operations", "count": 2, "hours_per_week": {"min": 3, "max": "unknown"}, "basis": "b",
         "source": "estimate"}]
    d["budget"] = [
        {"item": "stipends", "amount": {"min": 0, "max": 1170}, "currency": "USD", "per": "participant_month",
         "basis": "b", "source": "estimate"},
        {"item": "venue", "amount": {"min": 100, "max": "unknown"}, "currency": "GBP", "per": "week",
         "basis": "b", "source": "estimate"},
        {"item": "mentor_time", "amount": 33.3, "currency": "EUR", "per": "mentor_hour", "basis": "b",
         "source": "estimate"},
        {"item": "operations", "amount": 20, "currency": "USD", "per": "operations_hour", "basis": "b",
         "source": "estimate"},
        {"item": "review", "amount": 50, "currency": "USD", "per": "reviewer_hour", "basis": "b",
         "source": "estimate"},
        {"item": "other", "label": "Once", "amount": 999.99, "currency": "ZAR", "per": "edition", "basis": "b",
         "source": "estimate"}]
    d["timeline"] = [{"step": "a", "weeks_before_start": 2, "source": "typical"},
                     {"step": "b", "weeks_before_start": {"min": 1, "max": 9}, "source": "typical"},
                     {"step": "c", "weeks_before_start": 9, "source": "typical"}]
    record = {**next(r for r in facts["records"] if r["id"] == base_id), "id": "edge-template"}
    return t, record


def design_vectors(catalog: Catalog, settings: GapSettings, today: dt.date) -> dict[str, Any]:
    from .webdata import facts_payload

    payload, facts = design_payload(catalog, settings), facts_payload(catalog)
    edge, record = edge_template(payload, facts)
    payload["templates"]["edge-template"] = edge
    facts["records"].append(record)
    communities = sorted(payload["communities"])
    profiles = [p["id"] for p in payload["profiles"]]
    places = [p["country"] for p in payload["places"]]
    cases = []
    for i, template in enumerate(sorted(payload["templates"])):
        cases.append({"template": template})
        chosen = payload["templates"][template]["communities"] or communities
        cases.append({"template": template, "community": chosen[i % len(chosen)],
                      "profile": profiles[(5 * i) % len(profiles)], "place": places[(3 * i) % len(places)],
                      "cohort": (1, 7, 35, 120)[i % 4], "weeks": (None, 3, 26.5, 1)[i % 4]})
    for case in cases:
        options = {k: v for k, v in case.items() if v is not None}
        case.clear()
        case.update(options)
    return {"today": today.isoformat(), "payload": payload, "facts": facts,
            "cases": [{"options": c, "expected": brief(payload, facts, **c, today=today)} for c in cases]}
