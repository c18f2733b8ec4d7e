"""The matcher: which programs and program formats fit a candidate's constraints, and why.

The rules are pure functions over plain data (a program's `Facts` and a `Candidate`), one per
hard constraint, each returning a `Check`: a conflict (its sentence and the smallest change to the
profile that removes it) or None, a reason when it fits, and the unknown facts it met. `Matcher`
runs them over a catalog; the CLI only formats what it returns. docs/matching.md explains them.
Reading a profile (flags, a YAML file, CSV rows) is `profile`'s concern.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

from .facts import FULL_TIME_HOURS, Facts, Rates, is_short, least_hours, monthly_usd
from .profile import Profile

WORLDWIDE_AT_LEAST = 200  # a region set this large is shown as "worldwide"
# How the lists are ordered, in words: the CLI prints it and the Find page shows it, so that no
# number has to be explained. The sort key in `Matcher.match` is the same rule as code.
ORDER_RULE = ("Programs that fit on known facts come first, then those that fit only because a fact is unknown; "
              "paused programs come after running ones. Within each group, programs that offer more of what you "
              "asked for come first: made for your community, covering your interests, paying a known stipend "
              "(more for more), part-time, open for applications now. Ties go to the program with fewer facts to "
              "check, then by id.")


# -- the candidate --------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A profile with what the rules compare computed once: lower-case city, USD a month needed."""

    profile: Profile
    city: str | None
    codes: frozenset[str]  # the country lived in and every citizenship
    need_usd_month: float | None
    need_unit_usd_month: float | None  # what one unit of the needed currency and period is worth
    need_text: str = ""  # "you need at least 1,000", said once per candidate


def prepare(profile: Profile, rates: Rates) -> Candidate:
    need = unit = None
    if profile.min_stipend:
        need = monthly_usd(profile.min_stipend, None, rates)
        unit = monthly_usd({**profile.min_stipend, "amount": 1}, None, rates)
    c = Candidate(profile, profile.city.casefold() if profile.city else None,
                  frozenset((profile.country, *profile.citizenship)), need, unit)
    return replace(c, need_text=_need_text(c)) if need is not None else c


# -- the hard rules -------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    rule: str
    text: str  # what does not fit, e.g. "needs at least 20 h/week; you have 10"
    change: dict[str, Any]  # the smallest profile change that removes it
    suggestion: str  # the change in words, e.g. "fits if you could give 20 h/week instead of 10"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Check(NamedTuple):
    conflict: Conflict | None
    reason: str | None
    unknowns: tuple[str, ...]


SILENT = Check(None, None, ())


def _fits(reason: str | None = None, *unknowns: str) -> Check:
    return Check(None, reason, unknowns)


@lru_cache(maxsize=1024)  # most unknown sentences are fixed texts: one Check each, shared
def _unknown(text: str) -> Check:
    return Check(None, None, (text,))


def rule_relocation(f: Facts, c: Candidate) -> Check:
    """An on-site program outside the candidate's city needs relocation for its on-site weeks."""
    if f.mode == "remote":
        return _fits("remote: you take part from where you live")
    if f.relocation == "optional":
        return _fits("attending on site is optional")
    movable = c.profile.relocate == "yes"  # where and how long do not matter to someone who can move
    if f.mode is None:
        return _fits("you can relocate") if movable else _unknown("whether it is remote or on site is not stated")
    if f.locations is None:
        return _fits("you can relocate") if movable else _unknown("where it is held is not stated")
    if not f.locations:
        return _fits("not tied to one place: it can run where you live")
    country_only = False
    for city, country in f.locations:
        if country == c.profile.country:
            if city is None:
                country_only = True
            elif c.city is not None and city.casefold() == c.city:
                return _fits(f"held in {city}, where you live")
    where = _places(f.locations)
    if movable:
        return _fits(f"held in {where}; you can relocate")
    if f.mode == "hybrid":
        least = most = f.in_person_weeks
        if most == 0:
            return _fits("hybrid with no whole weeks on site")
    else:
        least, most = f.weeks_min, f.weeks_max
    if country_only:
        return _unknown(f"held in {where}, but the city is not stated: it may be where you live")
    relocate, away = c.profile.relocate, c.profile.max_weeks_away
    if most is None and least is None:
        if f.mode == "hybrid" or relocate == "short":
            return _unknown(f"held in {where}; how many weeks you must be there is not stated")
        return Check(Conflict("relocation", f"held in {where}; you cannot relocate", {"relocate": "yes"},
                              f"fits if you could move to {where} (for a length not stated)"), None, ())
    if relocate == "short" and most is not None and most <= away:
        return _fits(f"asks {_weeks(most)} in {where}; you can be away {_weeks(away)}")
    if relocate == "short" and most is None:
        if least > away:
            return Check(Conflict("relocation", f"asks at least {_n(least)} weeks in {where}; you can be away "
                                  f"at most {_n(away)}", {"relocate": "yes"},
                                  f"fits if you could move to {where} for the whole program"), None, ())
        return _unknown(f"held in {where} for at least {_n(least)} weeks; the longest stay is not stated")
    if most is None:  # relocate == none
        return Check(Conflict("relocation", f"asks at least {_n(least)} weeks in {where}; you cannot relocate",
                              {"relocate": "yes"}, f"fits if you could move to {where} for the whole program"),
                     None, ())
    had = "you cannot relocate" if relocate == "none" else f"you can be away at most {_n(away)}"
    change = {"relocate": "short", "max_weeks_away": most} if relocate == "none" else {"max_weeks_away": most}
    return Check(Conflict("relocation", f"asks {_weeks(most)} in {where}; {had}", change,
                          f"fits if you could spend {_weeks(most)} in {_cities(f.locations)}"), None, ())


def rule_hours(f: Facts, c: Candidate) -> Check:
    """The program's minimum weekly hours must not exceed the candidate's (equality fits).

    A program its organiser calls full-time but that gives no figure asks FULL_TIME_HOURS.
    """
    have = c.profile.hours_per_week
    if have is None:
        return SILENT
    least = least_hours(f)
    if least is None:
        said = {"part_time": " (described as part-time)", "flexible": " (described as flexible)"}.get(
            f.commitment or "", "")
        return _unknown(f"weekly hours are not stated{said}")
    if f.hours_min is None:  # full-time, no figure
        if least > have:
            return Check(Conflict("hours", f"is full-time (taken as at least {_n(least)} h/week); you have "
                                           f"{_n(have)}", {"hours_per_week": least},
                                  f"fits if you could work full-time ({_n(least)} h/week) instead of {_n(have)}"),
                         None, ())
        return _fits(f"full-time; you have {_n(have)} h/week")
    if least > have:
        return Check(Conflict("hours", f"needs at least {_n(least)} h/week; you have {_n(have)}",
                              {"hours_per_week": least},
                              f"fits if you could give {_n(least)} h/week instead of {_n(have)}"), None, ())
    return _fits(f"asks {_span(f.hours_min, f.hours_max)} h/week; you have {_n(have)}")


def rule_duration(f: Facts, c: Candidate) -> Check:
    """The program's shortest length must fit in the weeks the candidate has."""
    have = c.profile.weeks
    if have is None:
        return SILENT
    if f.weeks_min is None:
        if f.weeks_max is not None and f.weeks_max <= have:
            return _fits(f"lasts at most {_n(f.weeks_max)} weeks; you have {_n(have)}")
        return _unknown("how many weeks it lasts is not stated")
    if f.weeks_min > have:
        return Check(Conflict("duration", f"lasts at least {_n(f.weeks_min)} weeks; you have {_n(have)}",
                              {"weeks": f.weeks_min},
                              f"fits if you had {_n(f.weeks_min)} weeks instead of {_n(have)}"), None, ())
    return _fits(f"lasts {_span(f.weeks_min, f.weeks_max)} weeks; you have {_n(have)}")


def rule_stipend(f: Facts, c: Candidate) -> Check:
    """A needed stipend, compared in USD a month through the dated rate table."""
    need = c.need_usd_month
    if need is None:
        return SILENT
    wanted = c.need_text
    if f.paid is None:
        return _unknown("whether it pays a stipend is not stated")
    if f.paid is False:
        return Check(Conflict("stipend", f"pays no stipend; {wanted}", {"min_stipend": None},
                              "fits if you could take part without a stipend"), None, ())
    if f.stipend_usd_month is None:
        return _unknown("it pays a stipend, but the amount is not stated in a form that can be compared")
    pays = _pays_text(f)
    if f.stipend_usd_month + 0.005 < need:
        offer = _in_terms_of(f.stipend_usd_month, c)
        return Check(Conflict("stipend", f"{pays}; {wanted}", {"min_stipend": offer},
                              f"fits if you could accept {_money(offer)}"), None, ())
    return _fits(f"{pays}; {wanted}")


def rule_fee(f: Facts, c: Candidate) -> Check:
    """A participant fee the candidate cannot pay."""
    if not c.profile.no_fee:
        return SILENT
    if f.fee is None:
        return _unknown("whether participants pay a fee is not stated")
    if f.fee:
        return Check(Conflict("fee", "charges participants a fee; you cannot pay one", {"no_fee": False},
                              "fits if you could pay the participant fee"), None, ())
    return _fits("no participant fee")


def rule_region(f: Facts, c: Candidate) -> Check:
    """The country lived in, or a citizenship, must be among the eligible countries."""
    if f.regions is None:
        return _unknown("which countries may apply is not stated")
    if len(f.regions) >= WORLDWIDE_AT_LEAST:
        return _fits("open worldwide")
    held = sorted(c.codes & f.regions)
    if held:
        return _fits(f"open to applicants from {', '.join(held)}")
    first = min(f.regions)
    return Check(Conflict("region", f"open only to applicants from {_codes(f.regions)}; you are in "
                                    f"{c.profile.country}" + _also(c.profile.citizenship),
                          {"citizenship": sorted({*c.profile.citizenship, first})},
                          f"fits if you were a citizen or resident of {_codes(f.regions, 'or')}"), None, ())


def rule_stage(f: Facts, c: Candidate) -> Check:
    """The candidate's career stage must be one the program takes."""
    stage = c.profile.stage
    if stage is None:
        return SILENT
    if f.stages is None:
        return _unknown("which career stages may apply is not stated")
    if stage in f.stages:
        return _fits(f"takes {stage} applicants")
    allowed = sorted(f.stages)
    return Check(Conflict("stage", f"takes only {_list(allowed, 'and')} applicants; you are {stage}",
                          {"stage": allowed[0]}, f"fits for {_list(allowed, 'or')} applicants"), None, ())


def rule_age(f: Facts, c: Candidate) -> Check:
    """A minimum age above the candidate's."""
    age = c.profile.age
    if age is None:
        return SILENT
    if f.min_age is None:
        return _unknown("the minimum age is not stated")
    if age >= f.min_age:
        return SILENT
    return Check(Conflict("age", f"applicants must be at least {_n(f.min_age)}; you are {_n(age)}",
                          {"age": f.min_age}, f"fits once you are {_n(f.min_age)}"), None, ())


HARD_RULES = (rule_relocation, rule_hours, rule_duration, rule_stipend, rule_fee, rule_region, rule_stage,
              rule_age)
RULE_NAMES = tuple(rule.__name__.removeprefix("rule_") for rule in HARD_RULES)  # as Conflict.rule names them


# Everything each rule reads of the candidate. Two candidates with the same key get the same Check
# from a rule for every program, so a batch (or the gap map's hundreds of runs) works each out once;
# a test holds the cached matcher to an uncached one. A key of None: the rule is SILENT for everyone.
RULE_KEYS = {
    rule_relocation: lambda c: (c.profile.relocate, c.profile.country, c.city, c.profile.max_weeks_away),
    rule_hours: lambda c: c.profile.hours_per_week,
    rule_duration: lambda c: c.profile.weeks,
    rule_stipend: lambda c: None if c.need_usd_month is None else tuple(sorted(c.profile.min_stipend.items())),
    rule_fee: lambda c: c.profile.no_fee or None,
    rule_region: lambda c: (c.profile.country, c.profile.citizenship),
    rule_stage: lambda c: c.profile.stage,
    rule_age: lambda c: c.profile.age,
}
CACHED_KEYS = 2048  # at most this many (rule, key) rows of Checks are kept (a row is one per program)


# -- the soft preferences -------------------------------------------------------------------

def preferences(f: Facts, c: Candidate, today: dt.date) -> tuple[float, list[str], tuple[str, ...]]:
    """Points for what the candidate would like, their reasons, and status unknowns."""
    score, reasons, unknowns = 0.0, [], ()
    p = c.profile
    shared = f.communities and p.communities and sorted(f.communities.intersection(p.communities))
    if shared:
        score += 3
        reasons.append(f"made for your community: {', '.join(shared)}")
    areas = f.areas and p.interests and sorted(f.areas.intersection(p.interests))
    if areas:
        score += 2 * min(len(areas), 2)
        reasons.append(f"covers your interests: {', '.join(areas)}")
    if f.stipend_usd_month:
        score += 1 + min(f.stipend_usd_month / (c.need_usd_month or 1000), 4) / 4
        if c.need_usd_month is None:
            reasons.append(_pays_text(f))
    if f.commitment in ("part_time", "flexible") or (f.hours_max is not None and f.hours_max < FULL_TIME_HOURS):
        score += 1
        reasons.append("part-time: it fits beside work or study")
    closes = _open_window(f.windows, today)
    if closes:
        score += 2
        reasons.append(f"applications open now (closes {closes})")
    if f.status == "paused":
        reasons.append("paused for now: check when it resumes")
    elif f.status is None:
        unknowns = ("whether it still runs is not stated",)
    return score, reasons, unknowns


def open_window(f: Facts, today: dt.date) -> str | None:
    """The closing date of the earliest window that is open or upcoming on `today`."""
    return _open_window(f.windows, today)


@lru_cache(maxsize=8192)
def _open_window(windows: tuple, today: dt.date) -> str | None:
    day = today.isoformat()
    return min((closes for _, _, closes in windows if closes >= day), default=None)


# -- running the rules over a catalog -------------------------------------------------------

@dataclass
class Result:
    profile: Profile
    matches: list[dict] = field(default_factory=list)
    near_misses: list[dict] = field(default_factory=list)
    formats: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile.to_dict(), "matches": self.matches, "near_misses": self.near_misses,
                "formats": self.formats}

    def compact(self) -> dict[str, Any]:
        """The result in brief, for one line of a batch (docs/matching.md shows the shape): each
        match as [id, score, number of unknowns], each near miss as [id, rule, change], formats' ids."""
        return {"name": self.profile.name,
                "matches": [[m["id"], _short(m["score"]), len(m["unknowns"])] for m in self.matches],
                "near_misses": [[m["id"], m["rule"], m["change"]] for m in self.near_misses],
                "formats": [m["id"] for m in self.formats]}


def evaluate(f: Facts, c: Candidate) -> tuple[list[Conflict], list[str], list[str]]:
    """Every hard rule on one program: its conflicts, the reasons it fits, and the unknowns met."""
    conflicts, reasons, unknowns = [], [], []
    for rule in HARD_RULES:
        check = rule(f, c)
        if check.conflict is not None:
            conflicts.append(check.conflict)
        elif check.reason:
            reasons.append(check.reason)
        unknowns.extend(check.unknowns)
    return conflicts, reasons, unknowns


class Matcher:
    """The catalog's programs and templates, ordered once; `match` runs one profile against them."""

    def __init__(self, facts: Iterable[Facts], rates: Rates) -> None:
        ordered = sorted(facts, key=lambda f: f.id)
        # Ended programs never match and cannot be made to: they are left out up front.
        self.programs = [f for f in ordered if f.kind == "program" and f.status != "ended"]
        self.templates = [f for f in ordered if f.kind == "template"]
        self.rates = rates
        self.by_id = {f.id: f for f in ordered}
        self.paused = frozenset(f.id for f in ordered if f.status == "paused")
        self._checks: dict[tuple, list[Check | None]] = {}

    def _rows(self, c: Candidate, template: bool) -> list[tuple[Any, str, list[Check | None]]]:
        """(rule, name, cached Checks by program position) for each rule that can speak to c."""
        rows, size = [], len(self.templates if template else self.programs)
        for rule, name in zip(HARD_RULES, RULE_NAMES, strict=True):
            key = RULE_KEYS[rule](c)
            if key is None:
                continue
            slot = (template, name, key)
            row = self._checks.get(slot)
            if row is None:
                if len(self._checks) >= CACHED_KEYS:
                    self._checks.clear()  # a batch of wildly varied candidates: start again, memory stays flat
                row = self._checks[slot] = [None] * size
            rows.append((rule, name, row))
        return rows

    @classmethod
    def of(cls, catalog: Any) -> Matcher:
        return cls(catalog.facts.values(), catalog.rates)

    def match(self, profile: Profile, today: dt.date) -> Result:
        c = prepare(profile, self.rates)
        result = Result(profile)
        rules = self._rows(c, template=False)
        for i, f in enumerate(self.programs):
            entry = self._entry(f, i, c, today, rules)
            if entry is None:
                continue
            (result.near_misses if "conflict" in entry else result.matches).append(entry)
        served = {com for m in result.matches for com in self.by_id[m["id"]].communities}
        rules = self._rows(c, template=True)
        for i, f in enumerate(self.templates):
            entry = self._entry(f, i, c, today, rules, near=False)
            if entry is not None:
                unserved = sorted(f.communities.intersection(profile.communities) - served)
                if unserved:
                    entry["reasons"].append(f"nobody runs this format for your community ({', '.join(unserved)}) "
                                            "yet")
                result.formats.append(entry)
        paused = self.paused
        for entries in (result.matches, result.near_misses, result.formats):
            # ORDER_RULE as a sort key
            entries.sort(key=lambda e: (bool(e["unknown_rules"]), e["id"] in paused, -e["score"], len(e["unknowns"]),
                                        e["id"]))
        return result

    def _entry(self, f: Facts, i: int, c: Candidate, today: dt.date, rules: Sequence[tuple[Any, str, list]],
               near: bool = True) -> dict | None:
        conflict, reasons, unknowns, unknown_rules = None, [], [], []
        for rule, name, row in rules:
            check = row[i]
            if check is None:
                check = row[i] = rule(f, c)
            found, reason, unknown = check
            if found is not None:
                if conflict is not None or not near:
                    return None  # two conflicts: neither a match nor a near miss
                conflict = found
            elif reason:
                reasons.append(reason)
            if unknown:
                unknowns.extend(unknown)
                unknown_rules.append(name)
        score, liked, status_unknowns = preferences(f, c, today)
        unknowns.extend(status_unknowns)
        # unknown_rules: the hard constraints it fits only because a fact is unknown (the gap
        # map's "possible" fits); a status unknown is no constraint of the candidate's.
        # score: points for what the candidate asked for (never negative); the reasons that earn
        # them come first, then the constraints it fits.
        entry = {"id": f.id, "kind": f.kind, "score": round(score, 2),
                 "reasons": liked + reasons, "unknowns": [_to_check(u) for u in unknowns],
                 "unknown_rules": unknown_rules}
        if conflict is not None:
            entry.update(rule=conflict.rule, conflict=conflict.text, change=conflict.change,
                         suggestion=conflict.suggestion)
        return entry


def bare_hard_constraints(programs: Sequence[Facts], candidates: Sequence[Candidate]) -> int:
    """The bench baseline: every hard rule on every pair, nothing else. Returns the pairs that fit."""
    fitting = 0
    for c in candidates:
        for f in programs:
            if all(rule(f, c).conflict is None for rule in HARD_RULES):
                fitting += 1
    return fitting


@lru_cache(maxsize=4096)  # a few hundred distinct sentences recur across a batch
def _to_check(unknown: str) -> str:
    return unknown + ": check with the organiser"


# -- batches --------------------------------------------------------------------------------

class DemandSummary:
    """Unmet demand, accumulated one result at a time so a batch never holds every result.

    A candidate with no fitting program is counted under each constraint that is the single
    conflict of one of their near misses (relaxing it would give them a program), or under
    `several` when every program fails two or more constraints. `no_confirmed_fit` also counts
    candidates whose every match rests on an unknown fact: while records are thin, unknowns let
    most programs through, and this is the figure that still shows where demand is unmet for sure.
    """

    def __init__(self) -> None:
        self.candidates = self.unmet = self.unconfirmed = 0
        self.blocked: Counter[str] = Counter()
        self.blocked_confirmed: Counter[str] = Counter()
        self.by_community: dict[str, dict[str, int]] = {}

    def add(self, r: Result) -> None:
        self.candidates += 1
        fits = bool(r.matches)
        confirmed = any(not m["unknowns"] for m in r.matches)
        self.unconfirmed += not confirmed
        for com in r.profile.communities or ("(none given)",):
            row = self.by_community.setdefault(com, {"candidates": 0, "no_fit": 0, "no_confirmed_fit": 0})
            row["candidates"] += 1
            row["no_fit"] += not fits
            row["no_confirmed_fit"] += not confirmed
        if not fits:
            self.unmet += 1
            self.blocked.update({n["rule"] for n in r.near_misses} or {"several"})
        if not confirmed:  # which one change would give a program that fits on known facts
            self.blocked_confirmed.update({n["rule"] for n in r.near_misses if not n["unknowns"]}
                                          or {"several or unknown"})

    def to_dict(self, bad_rows: int = 0) -> dict[str, Any]:
        return {"candidates": self.candidates, "bad_rows": bad_rows, "no_fit": self.unmet,
                "no_confirmed_fit": self.unconfirmed,
                "blocked_by": _by_count(self.blocked),
                "no_confirmed_fit_blocked_by": _by_count(self.blocked_confirmed),
                "by_community": dict(sorted(self.by_community.items()))}


def _short(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _by_count(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def demand_summary(results: Iterable[Result], bad_rows: int = 0) -> dict[str, Any]:
    """DemandSummary over a sequence of results (see there for what is counted)."""
    summary = DemandSummary()
    for r in results:
        summary.add(r)
    return summary.to_dict(bad_rows)


# -- sentences ------------------------------------------------------------------------------

def _weeks(value: float) -> str:
    return f"{_n(value)} week" + ("" if value == 1 else "s")


def _usd(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


@lru_cache(maxsize=4096)  # the same few figures recur in every sentence of a batch
def _n(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _span(low: float | None, high: float | None) -> str:
    if high is None or high == low:
        return f"{_n(low)}" if high == low else f"at least {_n(low)}"
    return f"{_n(low)}-{_n(high)}"


def _list(items: Sequence[str], word: str) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} {items[-1]}"


def _codes(codes: Iterable[str], word: str = "and") -> str:
    ordered = sorted(codes)
    if len(ordered) <= 6:
        return _list(ordered, word)
    many = f"{len(ordered)} countries ({', '.join(ordered[:5])}, ...)"
    return f"one of {many}" if word == "or" else many


def _also(citizenship: Sequence[str]) -> str:
    return f" with citizenship of {', '.join(citizenship)}" if citizenship else ""


def _places(locations: Sequence[tuple[str | None, str]]) -> str:
    return _list([f"{city} ({country})" if city else country for city, country in locations], "or")


def _cities(locations: Sequence[tuple[str | None, str]]) -> str:
    return _list([city or country for city, country in locations], "or")


def _money(money: dict) -> str:
    return f"{_n(money['amount'])} {money['currency']} a {money['period']}"


def _need_text(c: Candidate) -> str:
    money = c.profile.min_stipend
    text = f"you need at least {_n(money['amount'])}"
    if money["currency"] == "USD" and money["period"] == "month":
        return text
    return f"{text} {money['currency']} a {money['period']} (about {_usd(c.need_usd_month)} USD a month)"


def _pays_text(f: Facts) -> str:
    """What it pays in the organiser's terms, with a monthly USD figure only where that is fair: a
    program shorter than a month is said in total for its length ("1,500 GBP for 1 week")."""
    if f.stipend_text.endswith("USD a month") or is_short(f):
        return f"pays {f.stipend_text}"
    return f"pays {f.stipend_text} (about {_usd(f.stipend_usd_month)} USD a month)"


def _in_terms_of(usd_month: float, c: Candidate) -> dict:
    """A monthly USD figure in the currency and period of the candidate's need, rounded down."""
    return {**c.profile.min_stipend, "amount": math.floor(usd_month / c.need_unit_usd_month)}
