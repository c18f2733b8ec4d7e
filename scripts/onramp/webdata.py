"""What the browser reads: the normalised facts the matcher uses, as JSON, and the conformance
vectors that hold the JavaScript port of the rules (web/src/match.js) to the Python ones.

The Find page fetches `facts_payload` (built with the site as assets/onramp-facts.json), so the
port covers only the rules and the ranking, never YAML or money normalisation. The vectors carry
their own snapshot of the facts: `python -m onramp.webdata` regenerates them from the real catalog,
and `make test` checks both Python (tests/test_webdata.py) and JavaScript (node and Chromium) against
them, so a change to either side's rules fails until the other agrees.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .facts import FULL_TIME_HOURS, SHORT_WEEKS, WEEKS_PER_MONTH, Facts, Rates, window_outlook, window_pattern
from .match import ORDER_RULE, WORLDWIDE_AT_LEAST, Matcher
from .profile import Profile

VERSION = 1
VECTORS_FILE = Path("web") / "test" / "vectors.json"
DESIGN_VECTORS_FILE = Path("web") / "test" / "design-vectors.json"
VECTORS_TODAY = dt.date(2026, 12, 1)  # vectors pin their own date: open windows depend on it


def fact_dict(f: Facts) -> dict[str, Any]:
    """A program's or template's facts as JSON: a region set as large as the world is 'worldwide'
    (all the rules need to know), so that the file stays small."""
    out = f.to_dict()
    if f.regions is not None and len(f.regions) >= WORLDWIDE_AT_LEAST:
        out["regions"] = "worldwide"
    return out


def facts_from_dict(data: dict[str, Any]) -> Facts:
    """The inverse of fact_dict (a 'worldwide' set is every code it stood for, as far as the rules see)."""
    values = dict(data)
    for key in ("communities", "areas", "stages"):
        if values.get(key) is not None:
            values[key] = frozenset(values[key])
    regions = values.get("regions")
    values["regions"] = (None if regions is None else
                         frozenset(f"W{i:03d}" for i in range(WORLDWIDE_AT_LEAST)) if regions == "worldwide"
                         else frozenset(regions))
    values["locations"] = None if values["locations"] is None else tuple(tuple(x) for x in values["locations"])
    values["windows"] = tuple(tuple(w) for w in values["windows"])
    return Facts(**values)


def packed(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the site ships it: records as one list of column names and a row of values
    per record, which halves the file (every record has the same keys). web/src/match.js's
    unpackFacts turns it back into the records `facts_payload` made."""
    records = payload["records"]
    columns = list(records[0]) if records else []
    return {**payload, "records": {"columns": columns, "rows": [[r[c] for c in columns] for r in records]}}


def constants() -> dict[str, Any]:
    return {"worldwide_at_least": WORLDWIDE_AT_LEAST, "full_time_hours": FULL_TIME_HOURS,
            "short_weeks": SHORT_WEEKS, "weeks_per_month": WEEKS_PER_MONTH, "order_rule": ORDER_RULE}


def facts_payload(catalog: Catalog) -> dict[str, Any]:
    """Everything the Find page needs: the facts, the rate table, the names and links to show, and
    the vocabularies its form offers."""
    records = []
    for f in sorted(catalog.facts.values(), key=lambda f: f.id):
        record = catalog.records[f.id]
        records.append({**fact_dict(f), "name": record.name, "url": record.data.get("url"),
                        "organiser": record.data.get("organiser")})
    schemas = catalog.schemas
    return {
        "version": VERSION,
        "rates": {"as_of": catalog.rates.as_of, "usd_per_unit": catalog.rates.usd_per_unit},
        **constants(),
        "records": records,
        "communities": [{"id": r.id, "name": r.name} for r in catalog.communities],
        "areas": [{"id": t["id"], "title": t.get("title", t["id"])} for t in schemas.vocabulary("research_area")],
        "stages": [{"id": t["id"], "title": t.get("title", t["id"])} for t in schemas.vocabulary("career_stage")],
        "countries": schemas.defs["country"]["enum"],
    }


# -- conformance vectors -------------------------------------------------------------------------

def vector_profiles(catalog: Catalog) -> list[dict[str, Any]]:
    """Profiles that exercise every rule: personas, then boundaries read off the catalog's own
    facts (exact hours, exact stipends in other currencies and periods, exact short stays, region
    groups), so that a port that is off by one somewhere disagrees somewhere."""
    out: list[dict[str, Any]] = [
        {"name": "no constraints", "country": "US"},
        {"name": "lagos debater", "country": "NG", "city": "Lagos", "relocate": "none", "hours_per_week": 10,
         "min_stipend": {"amount": 300, "currency": "USD", "period": "month"}, "communities": ["debaters"]},
        {"name": "london quant", "country": "GB", "city": "London", "relocate": "yes", "hours_per_week": 40,
         "weeks": 12, "communities": ["quant-traders"], "interests": ["interpretability", "evaluations"]},
        {"name": "nairobi student short stays", "country": "KE", "relocate": "short", "max_weeks_away": 2,
         "hours_per_week": 20, "stage": "undergraduate", "age": 19, "no_fee": True},
        {"name": "manila part-timer in pesos-free euros", "country": "PH", "relocate": "none", "hours_per_week": 5,
         "min_stipend": {"amount": 200, "currency": "EUR", "period": "month"}, "interests": ["ai-governance"]},
        {"name": "everything strict", "country": "BR", "city": "Sao Paulo", "relocate": "none", "hours_per_week": 1,
         "weeks": 1, "min_stipend": {"amount": 9000, "currency": "USD", "period": "month"}, "no_fee": True,
         "stage": "senior", "age": 16, "communities": ["osint", "historians"]},
        {"name": "weekly pounds", "country": "DE", "citizenship": ["GB"], "relocate": "short", "max_weeks_away": 8,
         "min_stipend": {"amount": 250, "currency": "GBP", "period": "week"}},
        {"name": "yearly rand", "country": "ZA", "city": "Cape Town", "relocate": "none",
         "min_stipend": {"amount": 60000, "currency": "ZAR", "period": "year"}},
        {"name": "sixteen", "country": "US", "age": 16},
        {"name": "cannot pay a fee", "country": "US", "no_fee": True},
        {"name": "nairobi two weeks", "country": "KE", "relocate": "short", "max_weeks_away": 2, "hours_per_week": 10},
        {"name": "mumbai stays home", "country": "IN", "city": "Mumbai", "relocate": "none", "stage": "undergraduate",
         "age": 20, "min_stipend": {"amount": 500, "currency": "USD", "period": "month"}},
        {"name": "accra student", "country": "GH", "stage": "undergraduate", "age": 22, "relocate": "none"},
        {"name": "senior", "country": "US", "stage": "senior", "no_fee": True},
        {"name": "short stay of one week", "country": "IN", "relocate": "short", "max_weeks_away": 1,
         "min_stipend": {"amount": 100, "currency": "USD", "period": "week"}},
    ]
    facts = sorted(catalog.facts.values(), key=lambda f: f.id)
    for f in facts:
        if f.hours_min is not None:
            out.append({"name": f"hours = {f.id}", "country": "US", "hours_per_week": f.hours_min})
            if f.hours_min > 0:
                out.append({"name": f"hours below {f.id}", "country": "US", "hours_per_week": f.hours_min - 0.5})
        if f.stipend_usd_month:
            # every program at its exact figure in one currency and period, in turn
            turn = sum(1 for g in facts[:facts.index(f)] if g.stipend_usd_month) % 3
            for currency, period in ((("USD", "month"), ("EUR", "week"), ("GBP", "year"))[turn],):
                unit = catalog.rates.usd_per_unit[currency] * {"month": 1, "week": WEEKS_PER_MONTH,
                                                                "year": 1 / 12}[period]
                amount = round(f.stipend_usd_month / unit, 2)
                out.append({"name": f"stipend at {f.id} in {currency}/{period}", "country": "US",
                            "min_stipend": {"amount": amount, "currency": currency, "period": period}})
        if f.weeks_max is not None and f.mode in ("in_person", "hybrid"):
            out += [{"name": f"away exactly {f.id}", "country": "NG", "relocate": "short",
                     "max_weeks_away": f.weeks_max},
                    {"name": f"away one less {f.id}", "country": "NG", "relocate": "short",
                     "max_weeks_away": max(f.weeks_max - 1, 0)}]
        if f.weeks_min is not None and facts.index(f) % 2 == 0:  # half of them: the rule is one comparison
            out.append({"name": f"weeks = {f.id}", "country": "US", "weeks": f.weeks_min})
        if f.regions is not None and len(f.regions) < WORLDWIDE_AT_LEAST:
            inside, outside = min(f.regions), "AQ" if "AQ" not in f.regions else "BV"
            out += [{"name": f"inside {f.id}", "country": inside},
                    {"name": f"outside {f.id}", "country": outside, "citizenship": [inside] if len(f.regions) > 1
                     else []}]
    return out


def edge_facts(catalog: Catalog) -> list[Facts]:
    """Programs the real catalog lacks but the rules must handle, made from a real one: a fee, a
    hybrid stay, a country with no city, a short total, a paused program, a region group."""
    from dataclasses import replace

    base = catalog.facts[min(i for i, f in catalog.facts.items() if f.kind == "program")]
    edge = functools.partial(replace, base, kind="program", status="active", communities=frozenset(),
                             open_to_all=True, windows=(("2027 round", "2026-11-01", "2027-01-10"),))
    return [
        edge(id="edge-fee", fee=True, mode="remote", locations=(), regions=None,
             windows=(("2024 round", None, "2024-06-10"), ("2025 round", "2025-05-01", "2025-06-01")),
             pattern=window_pattern(["2024-06-10", "2025-06-01"])),
        edge(id="edge-hybrid", mode="hybrid", locations=(("Nairobi", "KE"),), in_person_weeks=2.0, weeks_min=10.0,
             weeks_max=10.0, hours_min=10.0, hours_max=10.0),
        edge(id="edge-country-only", mode="in_person", locations=((None, "IN"),), relocation="required",
             weeks_min=3.0, weeks_max=3.0, paid=True, stipend_usd_month=2000.0, stipend_text="1,500 USD for 3 weeks"),
        edge(id="edge-paused", status="paused", mode="remote", locations=(), paid=True, stipend_usd_month=800.0,
             stipend_text="800 USD a month", commitment="part_time", hours_min=None, hours_max=None),
        edge(id="edge-region-group", mode="remote", locations=(), regions=catalog.schemas.region_members["africa"],
             stages=frozenset({"undergraduate", "graduate-student"}), min_age=21.0),
    ]


def vectors(catalog: Catalog, today: dt.date = VECTORS_TODAY) -> dict[str, Any]:
    facts = sorted([*catalog.facts.values(), *edge_facts(catalog)], key=lambda f: f.id)
    matcher = Matcher(facts, catalog.rates)
    cases = []
    for data in vector_profiles(catalog):
        profile = Profile.from_dict(data)
        result = matcher.match(profile, today).to_dict()
        cases.append({"profile": data, "expected": {k: result[k] for k in ("matches", "near_misses", "formats")}})
    outlooks = {f.id: window_outlook(f, today) for f in facts if f.kind == "program"}
    return {"version": VERSION, "today": today.isoformat(), "outlooks": outlooks,
            "rates": {"as_of": catalog.rates.as_of, "usd_per_unit": catalog.rates.usd_per_unit}, **constants(),
            "records": [fact_dict(f) for f in facts], "cases": cases}


def matcher_of_vectors(data: dict[str, Any]) -> Matcher:
    rates = Rates(data["rates"]["as_of"], "", data["rates"]["usd_per_unit"])
    return Matcher([facts_from_dict(r) for r in data["records"]], rates)


def main(argv: list[str] | None = None) -> None:
    """python -m onramp.webdata [PATH]: write the conformance vectors (default web/test/vectors.json)."""
    from .catalog import load_catalog

    root = Path(__file__).resolve().parents[2]
    target = Path((argv or sys.argv[1:] or [str(root / VECTORS_FILE)])[0])
    data = vectors(load_catalog(root))
    target.parent.mkdir(parents=True, exist_ok=True)
    # One case a line: small enough to keep in the repository, and a diff shows which cases changed.
    lines = json.dumps({k: v for k, v in data.items() if k != "cases"}, ensure_ascii=False, allow_nan=False)
    cases = ",\n".join(json.dumps(c, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                       for c in data["cases"])
    target.write_text(lines[:-1] + ', "cases": [\n' + cases + "\n]}\n", "utf-8")
    print(f"wrote {len(data['cases'])} cases to {target}", file=sys.stderr)
    write_design_vectors(root, root / DESIGN_VECTORS_FILE if not argv else target.with_name("design-vectors.json"))


def write_design_vectors(root: Path, target: Path) -> None:
    """The design briefs' vectors, one case a line like the matcher's."""
    from .catalog import load_catalog
    from .design import design_vectors
    from .gaps import read_gap_settings

    catalog = load_catalog(root)
    settings, problems = read_gap_settings(root, catalog.schemas, catalog.rates)
    if problems:
        raise SystemExit("\n".join(p.format() for p in problems))
    data = design_vectors(catalog, settings, VECTORS_TODAY)
    head = json.dumps({k: v for k, v in data.items() if k != "cases"}, ensure_ascii=False, allow_nan=False)
    cases = ",\n".join(json.dumps(c, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                       for c in data["cases"])
    target.write_text(head[:-1] + ', "cases": [\n' + cases + "\n]}\n", "utf-8")
    print(f"wrote {len(data['cases'])} design cases to {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
