"""The gap map: for each community, constraint profile and place, which programs fit, and where nobody does.

Built on the matcher: one `Matcher.match` per (profile, place) gives the fitting programs, the
near misses and the formats; the community only decides whether a fitting program serves it (the
program targets the community, or it is open to all). So the map can never disagree with
`onramp match`. The profiles and places are data (data/gap-profiles.yaml, data/gap-places.yaml),
read and checked here like records; the /gaps/ page and docs/matching.md explain the map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .facts import Facts, Rates
from .load import load_file
from .match import Matcher, Result
from .problems import Finding, Problem, dotted
from .profile import Profile
from .schema import Schemas, show
from .validate import currency_findings, walk

PROFILES_FILE = Path("data") / "gap-profiles.yaml"
PLACES_FILE = Path("data") / "gap-places.yaml"
# The kinds of gap a cell can show, in the words the page and the CLI use for them.
GAP_KINDS = {
    "no_fit": "no fit at all: no program that serves the community fits, even on unknown facts",
    "unconfirmed": "unconfirmed: programs fit only because a fact is unknown (the data, not the world, may be the gap)",
    "one_provider": "one provider: exactly one program fits on known facts (a watch list)",
    "nobody_targets": "nobody targets: programs fit, but none is made for the community",
}
COVERAGE_GAPS = ("no_fit", "unconfirmed", "one_provider")  # the kinds that say too few programs fit
NEAR_MISSES_PER_GAP = 5
RANKING_RULE = ("Communities are ranked by the number of profile x place cells in which no program that serves "
                "them fits on known facts (more first); ties go first to communities for which no fitting program "
                "is made, then to larger communities where the record gives a size (sizes count different things, "
                "so they only break ties).")


# -- the settings: profiles and places ------------------------------------------------------

@dataclass(frozen=True)
class GapProfile:
    id: str
    label: str
    short: tuple[str, ...]
    sentence: str
    why: str
    basis: str | None
    candidate: dict[str, Any]  # candidate fields, schemas/candidate.schema.json names

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "sentence": self.sentence, "candidate": self.candidate,
                "basis": self.basis, "why": self.why}


@dataclass(frozen=True)
class Place:
    country: str
    name: str
    city: str | None
    group: str

    @property
    def id(self) -> str:
        return self.country.lower()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "country": self.country, "city": self.city, "name": self.name, "group": self.group}


@dataclass(frozen=True)
class GapSettings:
    profiles: tuple[GapProfile, ...]
    places: tuple[Place, ...]
    groups: tuple[dict[str, str], ...]  # {id, name, why}
    default_place: str  # a country code
    stipend_basis: dict[str, Any]

    def profile(self, profile_id: str) -> GapProfile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)

    def place(self, code: str) -> Place | None:
        return next((p for p in self.places if p.country == code.upper()), None)


def read_gap_settings(root: Path, schemas: Schemas, rates: Rates | None) -> tuple[GapSettings | None, list[Problem]]:
    """The profiles and places of the gap map, or their problems positioned like a record's."""
    problems: list[Problem] = []
    parts = []
    for name, schema, rules in ((PROFILES_FILE, "gap-profiles.schema.json", _profile_rules),
                                (PLACES_FILE, "gap-places.schema.json", _place_rules)):
        loaded = load_file(root / name, str(name))
        if not loaded.ok:
            problems += loaded.problems or [Problem(str(name), 1, 1, "E008", "top level is not a mapping; expected "
                                                                           "the mapping the file's schema describes")]
            continue
        findings = schemas.check_document(schema, loaded.data)
        if not findings:
            findings = list(rules(loaded.data, rates))
        problems += [loaded.problem(f.code, f.message, f.path, f.at_key) for f in findings]
        parts.append(loaded.data)
    if problems:
        return None, sorted(problems)
    profiles_data, places_data = parts
    profiles = tuple(GapProfile(p["id"], p["label"], tuple(p["short"]), p["sentence"], p["why"], p.get("basis"),
                                p["candidate"]) for p in profiles_data["profiles"])
    places = tuple(Place(pl["country"], pl["name"], pl.get("city"), g["id"])
                   for g in places_data["groups"] for pl in g["places"])
    groups = tuple({"id": g["id"], "name": g["name"], "why": g["why"]} for g in places_data["groups"])
    return GapSettings(profiles, places, groups, places_data["default"], profiles_data["stipend_basis"]), []


def _profile_rules(data: dict, rates: Rates | None) -> Iterator[Finding]:
    yield from _twice([p["id"] for p in data["profiles"]], ("profiles", "*", "id"), "profile id")
    yield from currency_findings(walk(data), rates)


def _place_rules(data: dict, rates: Rates | None) -> Iterator[Finding]:
    yield from _twice([g["id"] for g in data["groups"]], ("groups", "*", "id"), "group id")
    countries = [(gi, pi, pl["country"]) for gi, g in enumerate(data["groups"]) for pi, pl in enumerate(g["places"])]
    seen: set[str] = set()
    for gi, pi, code in countries:
        if code in seen:
            yield Finding("E202", f"groups[{gi}].places[{pi}].country '{code}' is listed twice; expected each country "
                                  "once (a place is a country)", ("groups", gi, "places", pi, "country"))
        seen.add(code)
    if data["default"] not in seen:
        yield Finding("E203", f"default is '{data['default']}', which no place lists; expected one of: "
                              f"{', '.join(sorted(seen))}", ("default",))


def _twice(values: list[str], pattern: tuple, what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            path = tuple(index if step == "*" else step for step in pattern)
            yield Finding("E202", f"{dotted(path)} is {show(value)}, a {what} used twice in this file; expected "
                                  "each once", path)
        seen.add(value)


# -- the map ----------------------------------------------------------------------------------

@dataclass
class Cell:
    """What the map says for members of one community with one profile in one place."""

    community: str
    profile: str
    place: str  # a country code
    confirmed: list[dict] = field(default_factory=list)  # {id, serves}
    possible: list[dict] = field(default_factory=list)  # {id, serves}; why: GapMap.unknown_rules
    templates: list[dict] = field(default_factory=list)  # {id, targets}
    near_misses: list[dict] = field(default_factory=list)  # {id, rule, change, suggestion}

    @cached_property
    def kinds(self) -> list[str]:
        out = []
        if not self.confirmed and not self.possible:
            out.append("no_fit")
        elif not self.confirmed:
            out.append("unconfirmed")
        elif len(self.confirmed) == 1:
            out.append("one_provider")
        if (self.confirmed or self.possible) and not any(m["serves"] == "targeted"
                                                         for m in self.confirmed + self.possible):
            out.append("nobody_targets")
        return out

    @property
    def level(self) -> str:
        """The cell's coverage in one word, for the heatmap's colour: none, unconfirmed, one or covered."""
        kinds = self.kinds
        return next((k for k in COVERAGE_GAPS if k in kinds), "covered").replace("no_fit", "none").replace(
            "one_provider", "one")

    @property
    def targeted(self) -> list[str]:
        return [m["id"] for m in self.confirmed + self.possible if m["serves"] == "targeted"]

    def to_dict(self) -> dict[str, Any]:
        return {"community": self.community, "profile": self.profile, "place": self.place,
                "confirmed": self.confirmed, "possible": self.possible, "kinds": self.kinds,
                "templates": self.templates, "near_misses": self.near_misses}


@dataclass
class GapMap:
    settings: GapSettings
    profiles: list[GapProfile]
    places: list[Place]
    communities: list[Any]  # community Records, in catalog order
    cells: dict[tuple[str, str, str], Cell]  # (community, profile, place) -> Cell
    runs: dict[tuple[str, str], Result]  # (profile, place) -> the matcher's result
    catalog: Catalog

    def cell(self, community: str, profile: str, place: str) -> Cell:
        return self.cells[(community, profile, place)]

    def ranked(self) -> list[dict]:
        """The communities, largest gap first (RANKING_RULE), each with the reason in words."""
        entries = [self._gap_of(c) for c in self.communities]
        entries.sort(key=lambda e: (-e["uncovered_cells"], not e["nobody_targets"], -(e["size"] or -1),
                                    e["community"]))
        for rank, entry in enumerate(entries, 1):
            entry["rank"] = rank
        return entries

    def _gap_of(self, community) -> dict[str, Any]:
        cells = [self.cells[(community.id, p.id, pl.country)] for p in self.profiles for pl in self.places]
        uncovered = [c for c in cells if not c.confirmed]
        targeted = sorted({i for c in cells for i in c.targeted})
        by_profile = []
        for p in self.profiles:
            missing = [pl.country for pl in self.places if not self.cells[(community.id, p.id, pl.country)].confirmed]
            if missing:
                by_profile.append({"profile": p.id, "uncovered_places": missing})
        by_profile.sort(key=lambda e: -len(e["uncovered_places"]))  # stable: profiles keep file order
        worst = by_profile[0] if by_profile else None
        example = None
        if worst:
            default = self.settings.default_place
            where = default if default in worst["uncovered_places"] else worst["uncovered_places"][0]
            example = self.cells[(community.id, worst["profile"], where)]
        size = _size_of(community)
        entry = {"community": community.id, "cells": len(cells), "uncovered_cells": len(uncovered),
                 "no_fit_cells": sum(1 for c in uncovered if not c.possible), "nobody_targets": not targeted,
                 "targeted_by": targeted, "size": size, "size_counts": community.data["size"]["what"],
                 "worst_profiles": by_profile[:3],
                 "templates": example.templates if example else [],
                 "near_misses": example.near_misses if example else []}
        entry["reason"] = self._reason(community, entry)
        return entry

    def _reason(self, community, e: dict) -> str:
        parts = [f"no program that serves {community.name} fits on known facts in {e['uncovered_cells']} of "
                 f"{e['cells']} profile x place cells ({e['no_fit_cells']} with no fit at all)"]
        parts.append("no fitting program is made for them" if e["nobody_targets"] else
                     f"programs made for them: {', '.join(e['targeted_by'])}")
        if e["worst_profiles"]:
            w = e["worst_profiles"][0]
            label = self.settings.profile(w["profile"]).label
            parts.append(f"largest: {label} (in {len(w['uncovered_places'])} of {len(self.places)} places)")
        return "; ".join(parts)

    def after_program(self) -> list[dict]:
        """For each community: of the programs that serve it and fit some cell, how many offer a known
        extension, funding or placement afterwards, how many say they offer none, how many say nothing."""
        out = []
        for community in self.communities:
            ids = sorted({m["id"] for p in self.profiles for pl in self.places
                          for m in self._fits(community.id, p.id, pl.country)})
            tally = {"offers": [], "says_none": [], "says_nothing": []}
            for pid in ids:
                tally[after_program_kind(self.catalog.records[pid].data["after_program"])].append(pid)
            out.append({"community": community.id, "fitting_programs": len(ids),
                        **{k: len(v) for k, v in tally.items()}, "programs": tally})
        return out

    def run(self, profile: str, place: str) -> dict[str, list[dict]]:
        """Every program and format of one (profile, place), whichever community it serves: the
        detail page of a column lists these once, and each community's row says which serve it."""
        result, by_id = self.runs[(profile, place)], self.catalog.facts

        def whom(pid: str) -> dict:
            f = by_id[pid]
            return {"open": bool(f.open_to_all), "made_for": sorted(f.communities)}

        return {
            "confirmed": [{"id": m["id"], **whom(m["id"])} for m in result.matches if not m["unknown_rules"]],
            "possible": [{"id": m["id"], "unknown": m["unknown_rules"], **whom(m["id"])}
                         for m in result.matches if m["unknown_rules"]],
            "near_misses": [{"id": n["id"], "suggestion": n["suggestion"], **whom(n["id"])}
                            for n in result.near_misses],
            "templates": [{"id": t["id"], "made_for": sorted(by_id[t["id"]].communities)} for t in result.formats],
        }

    def _fits(self, community: str, profile: str, place: str) -> list[dict]:
        cell = self.cells[(community, profile, place)]
        return cell.confirmed + cell.possible

    def areas(self) -> list[dict]:
        """How many running programs (and templates) train for each research area."""
        out = []
        live = [f for f in self.catalog.facts.values() if f.kind == "program" and f.status != "ended"]
        templates = [f for f in self.catalog.facts.values() if f.kind == "template"]
        for term in self.catalog.schemas.vocabulary("research_area"):
            programs = sorted(f.id for f in live if term["id"] in f.areas)
            out.append({"area": term["id"], "title": term.get("title", term["id"]), "programs": len(programs),
                        "program_ids": programs,
                        "templates": sorted(f.id for f in templates if term["id"] in f.areas)})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "profiles": [p.to_dict() for p in self.profiles],
            "places": [p.to_dict() for p in self.places],
            "communities": [c.id for c in self.communities],
            "gap_kinds": GAP_KINDS,
            "ranking_rule": RANKING_RULE,
            "stipend_basis": self.settings.stipend_basis,
            "cells": [c.to_dict() for c in self.cells.values()],
            "possible_because": [{"profile": p, "place": x, "unknown": {m["id"]: m["unknown_rules"] for m in r.matches
                                                                     if m["unknown_rules"]}}
                                 for (p, x), r in self.runs.items()],
            "gaps": self.ranked(),
            "after_program": self.after_program(),
            "research_areas": self.areas(),
        }


def after_program_kind(after: dict) -> str:
    """offers (some support is described), says_none (only 'none' and 'unknown'), says_nothing (all unknown)."""
    values = [after.get(k, "unknown") for k in ("extensions", "funding", "job_placement")]
    if any(v not in ("unknown", "none") for v in values):
        return "offers"
    return "says_none" if "none" in values else "says_nothing"


def _size_of(community) -> float | None:
    figure = community.data["size"]["figure"]
    if isinstance(figure, dict):
        figure = figure.get("min")
    return float(figure) if isinstance(figure, (int, float)) and not isinstance(figure, bool) else None


def gap_map(catalog: Catalog, settings: GapSettings, today: dt.date, communities: Sequence[str] | None = None,
            profiles: Sequence[str] | None = None, places: Sequence[str] | None = None,
            matcher: Matcher | None = None) -> GapMap:
    """The map for the chosen communities, profiles and places (default: all), in file order."""
    matcher = matcher or Matcher.of(catalog)
    chosen_communities = [c for c in catalog.communities if communities is None or c.id in communities]
    chosen_profiles = [p for p in settings.profiles if profiles is None or p.id in profiles]
    chosen_places = [p for p in settings.places if places is None or p.country in places]
    cells: dict[tuple[str, str, str], Cell] = {}
    runs: dict[tuple[str, str], Result] = {}
    for profile in chosen_profiles:
        for place in chosen_places:
            result = matcher.match(candidate_of(profile, place), today)
            runs[(profile.id, place.country)] = result
            for cell in _run_cells(result, [c.id for c in chosen_communities], profile, place, matcher):
                cells[(cell.community, profile.id, place.country)] = cell
    return GapMap(settings, chosen_profiles, chosen_places, chosen_communities, cells, runs, catalog)


def candidate_of(profile: GapProfile, place: Place, communities: Iterable[str] = ()) -> Profile:
    """The candidate a cell stands for: the profile's fields, living in the place."""
    data = {**profile.candidate, "country": place.country, "city": place.city, "communities": tuple(communities),
            "name": f"{profile.label} in {place.name}"}
    return Profile.from_dict(data)


def _run_cells(result: Result, communities: Sequence[str], profile: GapProfile, place: Place,
               matcher: Matcher) -> Iterator[Cell]:
    """The cells of one matcher run, one per community. The entries are made once per run and
    shared by the cells (they are never changed); a cell lists programs made for its community
    first, then those open to all, each in the matcher's order."""
    by_id = matcher.by_id
    confirmed, possible = _Split(), _Split()
    for m in result.matches:
        f = by_id[m["id"]]
        (possible if m["unknown_rules"] else confirmed).add(f)
    near = _Split(say_how=False)
    for n in result.near_misses:
        near.add(by_id[n["id"]], {"rule": n["rule"], "change": n["change"], "suggestion": n["suggestion"]})
    formats = [(t["id"], by_id[t["id"]].communities) for t in result.formats]
    # Communities that no program or format of this run names see the same lists: made once.
    named = {com for split in (confirmed, possible, near) for coms, _, _ in split.named for com in coms}
    named.update(com for _, coms in formats for com in coms)
    made: dict[str | None, Cell] = {}
    for community in communities:
        key = community if community in named else None
        if key not in made:
            made[key] = _cell(community, profile, place, confirmed, possible, near, formats)
        first = made[key]
        cell = Cell(community, profile.id, place.country, first.confirmed, first.possible, first.templates,
                    first.near_misses)
        yield cell


def _cell(community: str, profile: GapProfile, place: Place, confirmed: _Split, possible: _Split, near: _Split,
          formats: list[tuple[str, frozenset[str]]]) -> Cell:
    cell = Cell(community, profile.id, place.country, confirmed.serving(community), possible.serving(community))
    cell.templates = ([{"id": t, "targets": True} for t, coms in formats if community in coms]
                      + [{"id": t, "targets": False} for t, coms in formats if community not in coms])
    if set(cell.kinds) & set(COVERAGE_GAPS):
        cell.near_misses = near.serving(community, NEAR_MISSES_PER_GAP)
    return cell


class _Split:
    """Matcher entries split once: those naming no community serve every cell alike; only those
    naming communities are asked, per community, how they serve its members: made for them
    ("targeted"), open to all ("open"), or not at all (made for other communities, and not said to
    be open). Each entry is made once per run and shared by the cells (they are never changed)."""

    def __init__(self, say_how: bool = True) -> None:
        self.say_how = say_how  # whether entries carry "serves" (near misses do not)
        self.open: list[dict] = []  # naming no community
        self.named: list[tuple[frozenset[str], dict, dict | None]] = []  # (its communities, entry for them, for others)

    def add(self, f: Facts, extra: dict | None = None) -> None:
        def entry(how: str) -> dict:
            return {"id": f.id, "serves": how, **(extra or {})} if self.say_how else {"id": f.id, **(extra or {})}

        if f.communities:
            self.named.append((f.communities, entry("targeted"), entry("open") if f.open_to_all else None))
        else:
            self.open.append(entry("open"))

    def serving(self, community: str, limit: int | None = None) -> list[dict]:
        """Made for the community first, then open to all, each in the matcher's order; the first
        `limit` of them."""
        targeted, opened = [], []
        for communities, mine, anyone in self.named:
            if community in communities:
                targeted.append(mine)
            elif anyone is not None:
                opened.append(anyone)
        return (targeted + opened + self.open)[:limit]


# -- output -------------------------------------------------------------------------------------

CSV_COLUMNS = ("community", "profile", "place", "confirmed", "possible", "kinds", "confirmed_ids", "possible_ids",
               "templates", "near_misses")


def csv_rows(gmap: GapMap) -> Iterator[list[Any]]:
    """One row a cell, lists joined by ';' (a targeted program marked with a trailing '*')."""
    yield list(CSV_COLUMNS)
    for c in gmap.cells.values():
        yield [c.community, c.profile, c.place, len(c.confirmed), len(c.possible), ";".join(c.kinds),
               ";".join(_marked(m) for m in c.confirmed), ";".join(_marked(m) for m in c.possible),
               ";".join(t["id"] for t in c.templates), ";".join(n["id"] for n in c.near_misses)]


def _marked(entry: dict) -> str:
    return entry["id"] + ("*" if entry["serves"] == "targeted" else "")


def render_text(gmap: GapMap, limit: int = 10) -> str:
    """The largest gaps first, each with its reason, the formats that would fill it and the nearest
    programs. Communities whose cells are the same (no program is made for any of them) share one entry."""
    names = {r.id: r.name for r in gmap.catalog.records.values()}
    groups = same_gaps(gmap.ranked())
    out = [f"Gap map: {len(gmap.communities)} communities x {len(gmap.profiles)} profiles x {len(gmap.places)} places "
           f"({len(gmap.cells)} cells), computed with the rules of `onramp match`.",
           "A cell is confirmed when a program that serves the community fits on known facts, possible when it "
           "fits only because a fact is unknown.", "", "Ranking: " + RANKING_RULE, ""]
    out.append(f"Largest gaps ({min(limit, len(groups))} of {len(groups)}; --limit N for more, --json for every cell):")
    for group in groups[:limit]:
        e = group[0]
        ranks = f"{e['rank']}" if len(group) == 1 else f"{e['rank']}-{group[-1]['rank']}"
        who = ", ".join(f"{names[g['community']]} [{g['community']}]" for g in group)
        out.append(f"{ranks:>5}. {who}")
        out.append("       " + (e["reason"] if len(group) == 1 else _shared_reason(gmap, e, len(group))))
        if not e["worst_profiles"]:
            continue
        made_for = {t["id"]: [g["community"] for g in group if any(x["id"] == t["id"] and x["targets"]
                                                                     for x in g["templates"])]
                    for t in e["templates"]}
        if e["templates"]:
            shown = "; ".join(f"{names[t['id']]} [{t['id']}]" + (f" (made for {', '.join(made_for[t['id']])})"
                                                                  if made_for[t["id"]] else "")
                              for t in e["templates"][:3])
            out.append(f"       formats that would fill it: {shown}")
        else:
            out.append("       formats that would fill it: none in the catalog yet")
        for n in e["near_misses"][:3]:
            out.append(f"       nearest: {names[n['id']]} [{n['id']}]: {n['suggestion']}")
        if not e["near_misses"]:
            out.append("       nearest: no program is one change away")
    areas = {a["area"]: a for a in gmap.areas()}
    oversight = areas.get("automated-research-oversight")
    if oversight is not None:
        out += ["", f"Overseeing automated AI-safety research: {oversight['programs']} running program(s) train for "
                    f"it; {len(oversight['templates'])} template(s) describe one."]
    return "".join(line + "\n" for line in out)


def same_gaps(ranked: list[dict]) -> list[list[dict]]:
    """Consecutive ranked entries with the same gap (same counts, no program made for any of them)."""
    groups: list[list[dict]] = []
    for entry in ranked:
        key = _gap_key(entry)
        if groups and entry["nobody_targets"] and _gap_key(groups[-1][0]) == key:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _gap_key(e: dict) -> tuple:
    return (e["uncovered_cells"], e["no_fit_cells"], e["nobody_targets"],
            [(w["profile"], w["uncovered_places"]) for w in e["worst_profiles"]],
            [n["id"] for n in e["near_misses"]], sorted(t["id"] for t in e["templates"]))


def _shared_reason(gmap: GapMap, e: dict, count: int) -> str:
    text = (f"for each of these {count} communities, no program that serves it fits on known facts in "
            f"{e['uncovered_cells']} of {e['cells']} profile x place cells ({e['no_fit_cells']} with no fit at all); "
            "no fitting program is made for any of them")
    if e["worst_profiles"]:
        w = e["worst_profiles"][0]
        text += (f"; largest: {gmap.settings.profile(w['profile']).label} (in {len(w['uncovered_places'])} of "
                 f"{len(gmap.places)} places)")
    return text
