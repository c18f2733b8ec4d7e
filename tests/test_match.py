"""The matcher: each rule on a small fixture catalog, invariants over the real one, personas, the CLI."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onramp.catalog import load_catalog
from onramp.match import (
    Matcher,
    demand_summary,
    evaluate,
    prepare,
    rule_hours,
    rule_relocation,
    rule_stipend,
)
from onramp.profile import Profile

from .conftest import FIXTURES, ROOT, TODAY, examples
from .test_cli import run

MATCH = FIXTURES / "match"
BASE = yaml.safe_load((FIXTURES / "valid" / "base-program.yaml").read_text("utf-8"))
UNKNOWN_FORMAT = {"mode": "unknown", "locations": "unknown", "relocation": "unknown", "hours_per_week": "unknown",
                  "commitment": "unknown", "duration_weeks": "unknown"}
# Each fixture program is the base program (remote, 5-10 h/week for 8-12 weeks, 1,000 USD a month,
# no fee, worldwide, early-career, 18+) changed where its name says.
PROGRAMS = {
    "base-known": {},
    "fee-unknown": {"funding": {"participant_cost": "unknown"}},
    "ten-hours": {"format": {"hours_per_week": {"min": 10, "max": 20}}},
    "euro-stipend": {"funding": {"stipend": {"amount": 1000, "currency": "EUR", "period": "month"}}},
    "london-twelve-weeks": {"format": {"mode": "in_person", "locations": [{"city": "London", "country": "GB"}],
                                       "relocation": "required", "duration_weeks": {"min": 12, "max": 12}},
                            "funding": {"stipend": {"amount": 1000, "currency": "GBP", "period": "month"}}},
    "unpaid-with-fee": {"funding": {"stipend": "none",
                                    "participant_cost": {"amount": 200, "currency": "USD", "period": "total"}}},
    "all-unknown": {"status": "unknown", "format": UNKNOWN_FORMAT,
                    "funding": {"stipend": "unknown", "participant_cost": "unknown"},
                    "eligibility": {"regions": "unknown", "career_stages": "unknown", "min_age": "unknown"}},
    "us-only": {"eligibility": {"regions": ["US"]}},
    "full-time-no-figure": {"format": {"hours_per_week": "unknown", "commitment": "full_time"}},
    "ended-program": {"status": "ended"},
}


def merged(base: dict, change: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in change.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write(path: Path, pragma: str, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# yaml-language-server: $schema={pragma}\n" + yaml.safe_dump(data, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("match-catalog")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "data", root / "data")
    community = yaml.safe_load((FIXTURES / "valid" / "base-community.yaml").read_text("utf-8"))
    for cid in ("osint", "debaters"):
        write(root / "communities" / f"{cid}.yaml", "../schemas/community.schema.json", {**community, "id": cid})
    for pid, change in PROGRAMS.items():
        write(root / "programs" / f"{pid}.yaml", "../schemas/program.schema.json",
              merged({**BASE, "id": pid}, change))
    template = yaml.safe_load((ROOT / "programs" / "templates" / "debate-oversight-league.yaml").read_text("utf-8"))
    template = merged(template, {"id": "remote-format", "communities": ["debaters"]})
    template["design"]["examples"] = ["base-known"]
    write(root / "programs" / "templates" / "remote-format.yaml", "../../schemas/template.schema.json", template)
    return root


@pytest.fixture(scope="module")
def small(fixture_root):
    return load_catalog(fixture_root, TODAY)


def candidate(catalog, **fields):
    return prepare(Profile(**{"country": "NG", **fields}), catalog.rates)


def usd(amount, currency="USD", period="month"):
    return {"amount": amount, "currency": currency, "period": period}


# -- each rule on the fixture catalog -------------------------------------------------------

def test_hours_equality_fits_and_one_less_names_the_change(small) -> None:
    facts = small.facts["ten-hours"]
    assert rule_hours(facts, candidate(small, hours_per_week=10)).conflict is None
    conflict = rule_hours(facts, candidate(small, hours_per_week=9)).conflict
    assert conflict.change == {"hours_per_week": 10}
    assert conflict.suggestion == "fits if you could give 10 h/week instead of 9"


def test_stipend_compared_after_currency_conversion(small) -> None:
    euro = small.facts["euro-stipend"]  # 1,000 EUR a month = 1,169.9 USD at the table's rate
    assert rule_stipend(euro, candidate(small, min_stipend=usd(1169))).conflict is None
    assert rule_stipend(euro, candidate(small, min_stipend=usd(1000, "EUR"))).conflict is None  # equality
    conflict = rule_stipend(euro, candidate(small, min_stipend=usd(1170))).conflict
    assert conflict.text == "pays 1,000 EUR a month (about 1,170 USD a month); you need at least 1,170"
    assert conflict.change == {"min_stipend": usd(1169)}
    weekly = rule_stipend(euro, candidate(small, min_stipend=usd(300, "GBP", "week"))).conflict
    assert weekly.change == {"min_stipend": usd(197, "GBP", "week")}  # 1,169.9 / (1.36559 * 52/12), rounded down


def test_unpaid_program_conflicts_with_a_needed_stipend(small) -> None:
    c = candidate(small, min_stipend=usd(1))
    conflicts, _, _ = evaluate(small.facts["unpaid-with-fee"], c)
    assert [x.rule for x in conflicts] == ["stipend"]
    conflicts, _, _ = evaluate(small.facts["unpaid-with-fee"], candidate(small, min_stipend=usd(1), no_fee=True))
    assert [x.rule for x in conflicts] == ["stipend", "fee"]


def test_relocation_city_match_short_stay_and_the_smallest_change(small) -> None:
    london = small.facts["london-twelve-weeks"]
    assert rule_relocation(london, candidate(small, country="GB", city="LONDON", relocate="none")).conflict is None
    assert rule_relocation(london, candidate(small, relocate="short", max_weeks_away=12)).conflict is None
    conflict = rule_relocation(london, candidate(small, city="Lagos", relocate="none")).conflict
    assert conflict.text == "asks 12 weeks in London (GB); you cannot relocate"
    assert conflict.change == {"relocate": "short", "max_weeks_away": 12}
    assert conflict.suggestion == "fits if you could spend 12 weeks in London"
    short = rule_relocation(london, candidate(small, relocate="short", max_weeks_away=11)).conflict
    assert short.change == {"max_weeks_away": 12}


def test_unknown_facts_never_exclude_and_are_named(small) -> None:
    strict = candidate(small, city="Lagos", relocate="none", hours_per_week=1, weeks=1, min_stipend=usd(9000),
                       no_fee=True, stage="senior", age=16)
    conflicts, _, unknowns = evaluate(small.facts["all-unknown"], strict)
    assert conflicts == []
    assert "weekly hours are not stated" in unknowns
    assert len(unknowns) == 8  # mode, hours, weeks, stipend, fee, regions, stages, minimum age
    assert "the minimum age is not stated" in unknowns
    result = Matcher.of(small).match(strict.profile, TODAY)
    assert [m["id"] for m in result.matches] == ["all-unknown"]


def test_an_unknown_fact_ranks_below_an_equally_good_known_match(small) -> None:
    result = Matcher.of(small).match(Profile(country="NG", no_fee=True, hours_per_week=10), TODAY)
    order = [m["id"] for m in result.matches]
    assert order.index("base-known") < order.index("fee-unknown")
    scores = {m["id"]: m["score"] for m in result.matches}
    assert scores["base-known"] == scores["fee-unknown"] >= 0  # the same offer; the unknown fee orders it
    assert result.to_dict()["matches"][order.index("fee-unknown")]["unknowns"] == [
        "whether participants pay a fee is not stated: check with the organiser"]


def test_region_stage_and_age(small) -> None:
    us_only = small.facts["us-only"]
    conflict = evaluate(us_only, candidate(small))[0][0]
    assert (conflict.rule, conflict.change) == ("region", {"citizenship": ["US"]})
    assert evaluate(us_only, candidate(small, citizenship=("US",)))[0] == []
    base = small.facts["base-known"]
    assert [(c.rule, c.suggestion) for c in evaluate(base, candidate(small, age=17))[0]] == [
        ("age", "fits once you are 18")]
    assert [c.change for c in evaluate(base, candidate(small, stage="senior"))[0]] == [{"stage": "early-career"}]


def test_ended_programs_never_match_or_nearly_match(small) -> None:
    result = Matcher.of(small).match(Profile(country="US"), TODAY)
    ids = {m["id"] for m in result.matches + result.near_misses}
    assert "ended-program" not in ids and "base-known" in ids


def test_near_miss_and_format_for_an_unserved_community(small) -> None:
    profile = Profile(country="NG", city="Lagos", relocate="none", hours_per_week=5, communities=("debaters",))
    result = Matcher.of(small).match(profile, TODAY)
    near = {m["id"]: m["suggestion"] for m in result.near_misses}
    assert near["ten-hours"] == "fits if you could give 10 h/week instead of 5"
    assert near["london-twelve-weeks"] == "fits if you could spend 12 weeks in London"
    assert [f["id"] for f in result.formats] == ["remote-format"]
    assert "nobody runs this format for your community (debaters) yet" in result.formats[0]["reasons"]
    assert set(result.to_dict()) == {"profile", "matches", "near_misses", "formats"}


# -- invariants over random profiles and the real catalog ---------------------------------

# The real catalog is checked against the real date: a record whose source was accessed today is
# valid. TODAY stays the reference date for matching, so that "open now" does not vary by the day.
REAL = load_catalog(ROOT)
REAL_MATCHER = Matcher.of(REAL)
PROGRAM_FACTS = {f.id: f for f in REAL_MATCHER.programs}
COUNTRIES = ["NG", "GB", "US", "DE", "IN", "BR", "ZA", "AR", "AU", "KE"]

profiles = st.builds(
    lambda country, city, relocate, away, hours, weeks, need, no_fee, stage, age, citizenship: Profile(
        country=country, city=city, relocate=relocate, max_weeks_away=away if relocate == "short" else None,
        hours_per_week=hours, weeks=weeks, min_stipend=need, no_fee=no_fee, stage=stage, age=age,
        citizenship=citizenship),
    st.sampled_from(COUNTRIES), st.sampled_from([None, "London", "Berkeley", "Lagos", "Cambridge", "Oxford"]),
    st.sampled_from(["none", "short", "yes"]), st.integers(0, 30), st.one_of(st.none(), st.integers(0, 60)),
    st.one_of(st.none(), st.integers(0, 60)),
    st.one_of(st.none(), st.builds(usd, st.integers(0, 9000), st.sampled_from(["USD", "EUR", "GBP", "INR"]),
                                   st.sampled_from(["week", "month", "year"]))),
    st.booleans(), st.sampled_from([None, "undergraduate", "early-career", "mid-career", "senior"]),
    st.one_of(st.none(), st.integers(14, 70)), st.sampled_from([(), ("US",), ("GB", "IN")]))

RELAXATIONS = [
    lambda p: p.apply({"relocate": "yes", "max_weeks_away": None}),
    lambda p: p.apply({"relocate": "short", "max_weeks_away": 1000}) if p.relocate != "yes" else p,
    lambda p: p.apply({"hours_per_week": None}),
    lambda p: p.apply({"hours_per_week": p.hours_per_week + 5}) if p.hours_per_week is not None else p,
    lambda p: p.apply({"weeks": None}),
    lambda p: p.apply({"min_stipend": None}),
    lambda p: p.apply({"min_stipend": {**p.min_stipend, "amount": p.min_stipend["amount"] // 2}})
    if p.min_stipend else p,
    lambda p: p.apply({"no_fee": False}),
    lambda p: p.apply({"stage": None, "age": None}),
    lambda p: p.apply({"citizenship": [*p.citizenship, "US"]}) if "US" not in p.citizenship else p,
]

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(profiles)
def test_no_match_violates_a_hard_constraint(profile) -> None:
    c = prepare(profile, REAL.rates)
    for m in REAL_MATCHER.match(profile, TODAY).matches:
        assert evaluate(PROGRAM_FACTS[m["id"]], c)[0] == [], m["id"]


@SETTINGS
@given(profiles, profiles)
def test_the_matchers_cache_of_rule_verdicts_never_changes_a_result(warm, profile) -> None:
    """The matcher keeps each rule's Checks per the candidate fields that rule reads (RULE_KEYS); a
    key missing a field the rule reads would hand one candidate another's verdict. The shared
    matcher, warmed by every profile hypothesis has tried, must answer as a fresh one does."""
    REAL_MATCHER.match(warm, TODAY)
    assert REAL_MATCHER.match(profile, TODAY).to_dict() == Matcher.of(REAL).match(profile, TODAY).to_dict()


def test_the_cache_is_bounded_and_a_full_cache_starts_again(monkeypatch) -> None:
    monkeypatch.setattr("onramp.match.CACHED_KEYS", 5)
    matcher = Matcher.of(REAL)
    for hours in range(40):
        result = matcher.match(Profile(country="NG", relocate="none", hours_per_week=hours), TODAY)
        assert len(matcher._checks) <= 5
    assert result.to_dict() == Matcher.of(REAL).match(Profile(country="NG", relocate="none", hours_per_week=39),
                                                      TODAY).to_dict()


@SETTINGS
@given(profiles, st.sampled_from(RELAXATIONS))
def test_relaxing_a_constraint_never_removes_a_match(profile, relax) -> None:
    before = {m["id"] for m in REAL_MATCHER.match(profile, TODAY).matches}
    after = {m["id"] for m in REAL_MATCHER.match(relax(profile), TODAY).matches}
    assert before <= after


@SETTINGS
@given(profiles)
def test_every_near_miss_has_one_conflict_and_its_change_makes_it_fit(profile) -> None:
    c = prepare(profile, REAL.rates)
    for near in REAL_MATCHER.match(profile, TODAY).near_misses:
        facts = PROGRAM_FACTS[near["id"]]
        conflicts = evaluate(facts, c)[0]
        assert [x.text for x in conflicts] == [near["conflict"]]
        changed = prepare(profile.apply(near["change"]), REAL.rates)
        assert evaluate(facts, changed)[0] == [], (near["id"], near["change"])


# -- personas on the real catalog (each id set checked against the records) ----------------

def persona(**fields):
    return REAL_MATCHER.match(Profile(**fields), TODAY)


def test_debater_in_lagos_part_time_needs_a_stipend_cannot_relocate() -> None:
    result = persona(country="NG", city="Lagos", relocate="none", hours_per_week=10, min_stipend=usd(1000),
                     communities=("debaters",))
    ids = {m["id"] for m in result.matches}
    # Remote programs that may pay (stipend unknown) or pay enough, and those whose place is unknown.
    assert {"spar", "ai-safety-camp", "bluedot-courses", "pan-african-ai-ethics-fellowship",
            "crs-s-risk-fellowship"} <= ids
    assert "tarbell-fellowship" not in ids  # its placements are full-time, and 10 h/week is not
    # MATS is in person and needs 40 h/week; ARENA is in London and unpaid; both fail twice.
    assert not ids & {"mats", "arena", "base-fellowship", "cooperative-ai-fellowship", "horizon-fellowship"}
    near = {m["id"]: m for m in result.near_misses}
    assert near["base-fellowship"]["suggestion"] == "fits if you could give 20 h/week instead of 10"
    assert near["cooperative-ai-fellowship"]["suggestion"] == "fits if you could spend 14 weeks in Cape Town"
    assert near["code-for-africa-ai-ethics-fellowship"]["conflict"] == \
        "pays 500 USD a month; you need at least 1,000"
    assert "mats" not in near
    # Independently of the rules' code: every running remote program that takes NG, asks at most
    # 10 h and is not known to pay less than needed fits; nothing held elsewhere on site does.
    facts = [f for f in REAL_MATCHER.programs if f.status != "ended"]
    clear = {f.id for f in facts if f.mode == "remote" and f.hours_min is not None and f.hours_min <= 10
             and f.paid is not False and (f.stipend_usd_month is None or f.stipend_usd_month >= 1000)
             and f.regions is not None and "NG" in f.regions}
    assert clear and clear <= ids
    onsite_elsewhere = {f.id for f in facts if f.mode == "in_person" and f.locations
                        and all(city != "Lagos" for city, _ in f.locations) and f.relocation == "required"}
    assert not ids & onsite_elsewhere


def test_quant_trader_in_london_full_time_for_twelve_weeks_can_relocate() -> None:
    result = persona(country="GB", city="London", relocate="yes", hours_per_week=40, weeks=12,
                     communities=("quant-traders",))
    ids = {m["id"] for m in result.matches}
    assert {"mats", "arena", "lasr-labs", "pivotal-fellowship", "iaps-policy-fellowship"} <= ids
    near = {m["id"]: m["suggestion"] for m in result.near_misses}
    assert near["spar"] == "fits if you had 13 weeks instead of 12"
    assert near["astra-fellowship"] == "fits if you had 18 weeks instead of 12"
    formats = {f["id"]: f["reasons"] for f in result.formats}
    assert "nobody runs this format for your community (quant-traders) yet" in formats["quant-evals-residency"]
    # Can relocate and work full-time: only duration, money, fee, eligibility or status can exclude.
    too_long = {f.id for f in REAL_MATCHER.programs if f.weeks_min is not None and f.weeks_min > 12}
    assert not ids & too_long
    assert not {m["id"] for m in result.matches if REAL_MATCHER.by_id[m["id"]].status == "ended"}


def test_historian_with_five_hours_and_no_need_for_money() -> None:
    result = persona(country="DE", city="Berlin", relocate="none", hours_per_week=5, communities=("historians",))
    ids = {m["id"] for m in result.matches}
    assert {"bluedot-courses", "crs-s-risk-fellowship", "spar", "clr-spi-fundamentals"} <= ids
    assert not ids & {"ai-safety-camp", "fig-fellowship", "mats"}  # 10 h, 8 h, 40 h in person
    near = {m["id"]: m["suggestion"] for m in result.near_misses}
    assert near["ai-safety-camp"] == "fits if you could give 10 h/week instead of 5"
    needs_more_hours = {f.id for f in REAL_MATCHER.programs if f.hours_min is not None and f.hours_min > 5}
    assert not ids & needs_more_hours


def test_founder_who_will_not_leave_their_company() -> None:
    result = persona(country="US", city="San Francisco", relocate="none", hours_per_week=4,
                     communities=("founders",))
    ids = {m["id"] for m in result.matches}
    # def/acc is held in San Francisco, where the founder lives; its record gives no weekly hours,
    # so it is not excluded, but the founder is told to check them (and it ranks below known fits)
    defacc = next(m for m in result.matches if m["id"] == "def-acc")
    assert "weekly hours are not stated: check with the organiser" in defacc["unknowns"]
    assert not ids & {"bluedot-courses", "base-fellowship", "horizon-fellowship"}
    # def/acc is made for founders, so the founder format no longer says nobody runs it for them
    assert "made for your community: founders" in defacc["reasons"]
    formats = {f["id"]: f["reasons"] for f in result.formats}
    assert not any(r.startswith("nobody runs this format") for r in formats["founder-safety-weekends"])
    # Will not leave the company: no match asks to move, or more than 4 hours a week.
    for m in result.matches:
        f = REAL_MATCHER.by_id[m["id"]]
        assert f.hours_min is None or f.hours_min <= 4
        assert not (f.mode == "in_person" and f.locations and f.relocation == "required"
                    and all((city or "").casefold() != "san francisco" for city, _ in f.locations)), f.id


def test_demand_summary_groups_by_blocking_constraint_and_community(small) -> None:
    known = Matcher([f for f in small.facts.values() if f.id != "all-unknown"], small.rates)
    results = [known.match(Profile(country="NG", hours_per_week=1, communities=("debaters",)), TODAY),
               known.match(Profile(country="NG", hours_per_week=1, weeks=1, communities=("debaters",)), TODAY),
               known.match(Profile(country="NG", communities=("osint",)), TODAY)]
    summary = demand_summary(results, bad_rows=1)
    assert summary == {"candidates": 3, "bad_rows": 1, "no_fit": 2, "no_confirmed_fit": 2,
                       "blocked_by": {"hours": 1, "several": 1},
                       "no_confirmed_fit_blocked_by": {"hours": 1, "several or unknown": 1},
                       "by_community": {"debaters": {"candidates": 2, "no_fit": 2, "no_confirmed_fit": 2},
                                        "osint": {"candidates": 1, "no_fit": 0, "no_confirmed_fit": 0}}}


# -- the command -----------------------------------------------------------------------------

def test_cli_flags_json_has_exactly_the_documented_keys() -> None:
    result = run("match", "--country", "NG", "--city", "Lagos", "--relocate", "none", "--hours", "10",
                 "--min-stipend", "1000 USD/month", "--community", "debaters", "--today", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"profile", "matches", "near_misses", "formats"}
    assert set(payload["matches"][0]) == {"id", "kind", "score", "reasons", "unknowns", "unknown_rules"}
    assert payload["profile"]["min_stipend"] == usd(1000)
    # the command prints exactly what the library returns for the same profile
    library = persona(country="NG", city="Lagos", relocate="none", hours_per_week=10, min_stipend=usd(1000),
                      communities=("debaters",))
    assert [m["id"] for m in payload["matches"]] == [m["id"] for m in library.matches]
    assert payload["near_misses"] == library.near_misses


def test_cli_human_output_names_programs_and_changes() -> None:
    result = run("match", "--country", "NG", "--city", "Lagos", "--relocate", "none", "--hours", "10",
                 "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert "fits if you could give 20 h/week instead of 10" in result.stdout
    assert "SPAR (Supervised Program for Alignment Research) [spar]" in result.stdout


@pytest.mark.parametrize("args", [("--country", "XX"), ("--country", "NG", "--min-stipend", "lots"),
                                  ("--country", "NG", "--max-weeks-away", "3"),
                                  ("--country", "NG", "--relocate", "short"),
                                  ("--country", "NG", "--community", "no-such-community"),
                                  ("--country", "NG", "--stage", "boss"), ("--relocate", "maybe"), ()])
def test_cli_bad_flags_are_usage_errors(args) -> None:
    result = run("match", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_cli_profile_file_and_a_positioned_error() -> None:
    good = run("match", "--profile", str(MATCH / "lagos-debater.yaml"), "--today", "2026-12-01", "--json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["profile"]["name"] == "Debater in Lagos"
    bad = run("match", "--profile", str(MATCH / "bad-relocate.yaml"))
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "tests/fixtures/match/bad-relocate.yaml:4:11: E105 relocate is 'sometimes'; expected one of: none, short, yes"]


def test_cli_batch_reports_a_bad_row_and_still_counts_the_others() -> None:
    result = run("match", "--batch", str(MATCH / "batch.csv"), "--today", "2026-12-01")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "tests/fixtures/match/batch.csv:4:26: E010 hours_per_week: 'ten' is not a number; expected a plain decimal "
        "number such as 1500")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["line"] for r in rows] == ["2", "3", "5"]
    lagos = persona(country="NG", city="Lagos", relocate="none", hours_per_week=10, min_stipend=usd(1000),
                    no_fee=True, communities=("debaters",))
    assert rows[0]["matches"] == str(len(lagos.matches)) and rows[0]["best"] == lagos.matches[0]["id"]
    assert "3 candidates matched, 1 bad rows" in result.stderr
    lines = run("match", "--batch", str(MATCH / "batch.csv"), "--today", "2026-12-01", "--json").stdout.splitlines()
    summary = json.loads(lines[-1])["summary"]
    assert (summary["candidates"], summary["bad_rows"]) == (3, 1)
    hermit = json.loads(lines[2])  # 1 h/week for 1 week, 9,000 USD a month: only unknowns let anything through
    assert hermit["line"] == 5 and hermit["name"] == "hermit"
    assert hermit["matches"] and all(unknowns for _, _, unknowns in hermit["matches"])
    # matched only through unknown facts: no confirmed fit, which the summary must not hide
    assert summary["by_community"]["historians"] == {"candidates": 1, "no_fit": 0, "no_confirmed_fit": 1}
    # on the real catalog the grouping by blocking constraint is not empty: it counts the hermit
    assert sum(summary["no_confirmed_fit_blocked_by"].values()) >= summary["no_confirmed_fit"] >= 1


def test_profile_problems_are_sorted_by_position(tmp_path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("country: NG\nhours_per_week: -3\nrelocate: maybe\n")
    result = run("match", "--profile", str(profile))
    assert result.returncode == 1
    lines = [line.split(": ")[0] for line in result.stdout.splitlines()]
    assert lines == [f"{profile}:2:17", f"{profile}:3:11"]


def test_full_time_without_a_figure_asks_full_time_hours(small) -> None:
    full_time = small.facts["full-time-no-figure"]
    conflict = rule_hours(full_time, candidate(small, hours_per_week=10)).conflict
    assert conflict.text == "is full-time (taken as at least 30 h/week); you have 10"
    assert conflict.change == {"hours_per_week": 30.0}
    assert rule_hours(full_time, candidate(small, hours_per_week=30)).conflict is None  # equality fits
    assert rule_hours(full_time, candidate(small, hours_per_week=40)).reason == "full-time; you have 40 h/week"


# -- hardening: numbers, dates, hostile batches, what reaches a terminal or a spreadsheet ---

PLAIN = "expected a plain decimal number such as 1500"


@pytest.mark.parametrize(("args", "error"), [
    (("--hours", "nan"), f"Invalid value for '--hours': 'nan' is not a number (NaN); {PLAIN}"),
    (("--hours", "inf"), f"Invalid value for '--hours': 'inf' is an infinity; {PLAIN}"),
    (("--weeks", "1e400"), "Invalid value for '--weeks': '1e400' is too large; expected a number of at most "
                           "1,000,000,000,000,000"),
    (("--age", "1_000"), f"Invalid value for '--age': '1_000' is a number with '_' separators; {PLAIN}"),
    (("--relocate", "short", "--max-weeks-away", "-Infinity"),
     f"Invalid value for '--max-weeks-away': '-Infinity' is an infinity; {PLAIN}"),
    (("--hours", "168.5"), "Invalid value for '--hours': 168.5 is out of range; expected a number from 0 to 168"),
    (("--age", "-1"), "Invalid value for '--age': -1 is out of range; expected a number from 0 to 120"),
    (("--min-stipend", "nan USD/month"), f"Invalid value for --min-stipend: the amount 'nan' is not a number (NaN); "
                                         f"{PLAIN}"),
])
def test_cli_number_flags_follow_the_one_definition_of_a_number(args, error) -> None:
    result = run("match", "--country", "NG", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == f"Error: {error}"


def test_cli_today_moves_deadlines_and_never_invalidates_the_catalog(fixture_root, tmp_path) -> None:
    """A source accessed today is valid today, whatever date --today asks about."""
    import datetime as dt

    root = tmp_path / "catalog"
    shutil.copytree(fixture_root, root)
    path = root / "programs" / "base-known.yaml"
    record = yaml.safe_load(path.read_text("utf-8"))
    record["sources"][0]["accessed"] = record["last_verified"] = dt.date.today().isoformat()
    write(path, "../schemas/program.schema.json", record)

    def reasons(day: str) -> list[str]:
        result = run("match", "--root", str(root), "--country", "NG", "--today", day, "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        return next(m for m in json.loads(result.stdout)["matches"] if m["id"] == "base-known")["reasons"]

    assert "applications open now (closes 2026-02-01)" in reasons("2026-01-15")
    assert not [r for r in reasons("2026-03-01") if r.startswith("applications open now")]


def test_cli_batch_reads_a_spreadsheet_file_and_positions_each_bad_row(tmp_path) -> None:
    content = ("name,country,city,hours_per_week\r\n"
               "ada,NG,Lagos,10\r\n"
               '"two\r\nlines",NG,Lagos,inf\r\n'
               "bob,NG,Z\xe9rich,10\r\n"
               "cyd,NG,Lagos,10,surplus\r\n"
               f"dee,NG,{'x' * 1001},10\r\n"
               "eve,GB,London,40\r\n").encode("latin-1")  # é as one Latin-1 byte, which is not UTF-8
    (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf" + content)
    result = run("match", "--batch", "b.csv", "--today", "2026-12-01", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:4] == [
        f"b.csv:3:1: E010 hours_per_week: 'inf' is an infinity; {PLAIN}",
        "b.csv:5:8: E002 city has a byte that is not UTF-8 (0xE9, character 2 of the cell); expected UTF-8 text "
        "(a spreadsheet's 'CSV UTF-8')",
        "b.csv:6:17: E107 row has 5 cells; expected at most 4, one per column",
        "b.csv:7:8: E107 city has 1,001 characters; expected at most 1,000 in a cell"]
    assert result.stderr.splitlines()[4].startswith("2 candidates matched, 4 bad rows")
    assert [(r["line"], r["name"]) for r in csv.DictReader(io.StringIO(result.stdout))] == [("2", "ada"),
                                                                                            ("8", "eve")]


def test_cli_batch_csv_never_gives_a_spreadsheet_a_formula_or_a_control_character(tmp_path) -> None:
    names = ['=HYPERLINK("http://example.org","x")', "+1", "-1", "@SUM(A1)", "\t=1", "a\x1b[31mb\u2028c", "plain"]
    with (tmp_path / "b.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "country"])
        writer.writerows([name, "NG"] for name in names)
    result = run("match", "--batch", "b.csv", "--today", "2026-12-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u2028" not in result.stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(result.stdout))] == [
        '\'=HYPERLINK("http://example.org","x")', "'+1", "'-1", "'@SUM(A1)", "'=1", "a\\x1b[31mb\\u2028c", "plain"]


def test_cli_batch_json_lines_stay_compact(tmp_path) -> None:
    import random

    rng = random.Random(0)
    with (tmp_path / "b.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "country", "city", "relocate", "max_weeks_away", "hours_per_week", "weeks",
                         "min_stipend", "no_fee", "stage", "communities"])
        for i in range(300):
            relocate = rng.choice(["none", "short", "yes"])
            writer.writerow([f"c{i}", rng.choice(COUNTRIES), rng.choice(["", "London", "Lagos", "Berkeley"]),
                             relocate, rng.randint(0, 12) if relocate == "short" else "",
                             rng.choice(["", 5, 10, 20, 40]), rng.choice(["", 8, 12, 52]),
                             rng.choice(["", "1000 USD/month", "300 GBP/week"]), rng.choice(["", "true"]),
                             rng.choice(["", "early-career", "senior"]),
                             rng.choice(["debaters", "osint", "founders"])])
    result = run("match", "--batch", "b.csv", "--today", "2026-12-01", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 301 and json.loads(lines[-1])["summary"]["candidates"] == 300

    def no_constant(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    for number, line in enumerate(lines[:-1], 2):
        row = json.loads(line, parse_constant=no_constant)
        assert set(row) == {"line", "name", "matches", "near_misses", "formats"} and row["line"] == number
        entries = len(row["matches"]) + len(row["near_misses"]) + len(row["formats"])
        # each entry costs its id and a few figures, not its sentences: ~20 KB a line before
        assert len(line.encode()) <= 100 + 80 * entries, line
    assert sum(len(line) for line in lines[:-1]) / 300 < 4_000


def test_cli_terminal_output_escapes_what_a_profile_says() -> None:
    result = run("match", "--country", "NG", "--city", "Lag\x1b[31mos\nb.csv:1:1: E000 forged", "--today",
                 "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "Profile: Lag\\x1b[31mos\\nb.csv:1:1: E000 forged, NG; "
        "relocation not given, so assumed you can relocate (--relocate none or short if not)")
    assert "\x1b" not in result.stdout


def test_render_match_and_summary_escape_record_names_and_values(small) -> None:
    from dataclasses import replace
    from types import SimpleNamespace

    from onramp.cli import render_match, render_summary

    evil = "Evil\x1b[2J\nforged line\u2028\x85"
    records = dict(small.records)
    records["base-known"] = replace(records["base-known"], data={**records["base-known"].data, "name": evil})
    catalog = SimpleNamespace(get=records.get, rates=small.rates, facts=small.facts)
    result = Matcher.of(small).match(Profile(country="NG", city="Lagos\u202e"), TODAY)
    text = render_match(result, catalog, TODAY)
    line = next(line for line in text.split("\n") if "[base-known]" in line)
    assert line.split(". ", 1)[1].startswith("Evil\\x1b[2J\\nforged line\\u2028\\x85 [base-known]: fits on known facts")
    assert text.splitlines() == text.split("\n")[:-1]  # no character any reader takes for a line break
    assert not {"\x1b", "\u202e", "\x85"} & set(text)
    summary = demand_summary([result])
    summary["by_community"] = {"x\x1b[2J\ny": {"candidates": 1, "no_fit": 0, "no_confirmed_fit": 0}}
    assert "    x\\x1b[2J\\ny: 1, 0, 0" in render_summary(summary).split("\n")


def test_someone_who_can_move_fits_wherever_a_program_is_held(small) -> None:
    unknown_place = small.facts["all-unknown"]
    check = rule_relocation(unknown_place, candidate(small, relocate="yes"))
    assert (check.conflict, check.unknowns) == (None, ())
    assert rule_relocation(unknown_place, candidate(small, relocate="none")).unknowns == (
        "whether it is remote or on site is not stated",)


def test_matches_name_the_hard_rules_that_rest_on_an_unknown(small) -> None:
    result = Matcher.of(small).match(Profile(country="NG", no_fee=True, hours_per_week=10, relocate="none"), TODAY)
    rules = {m["id"]: m["unknown_rules"] for m in result.matches}
    assert rules["base-known"] == [] and rules["fee-unknown"] == ["fee"]
    assert rules["all-unknown"] == ["relocation", "hours", "fee", "region"]


def test_a_known_stipend_that_meets_the_need_ranks_above_an_unknown_one(small) -> None:
    result = Matcher.of(small).match(Profile(country="NG", min_stipend=usd(500)), TODAY)
    order = [m["id"] for m in result.matches]
    assert order.index("base-known") < order.index("all-unknown")
    assert all(m["score"] >= 0 for m in result.matches + result.near_misses + result.formats)
    first_unknown = next(i for i, m in enumerate(result.matches) if m["unknown_rules"])
    assert all(m["unknown_rules"] for m in result.matches[first_unknown:])  # known fits all come first


def test_text_answer_states_the_order_the_assumption_the_urls_and_pay_for_short_programs() -> None:
    result = run("match", "--country", "GB", "--city", "Cambridge", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "relocation not given, so assumed you can relocate" in out.splitlines()[0]
    assert "(Order: Programs that fit on known facts come first" in out
    assert "score" not in out
    caish = re.split(r"\n  \d", out.split("[caish-hardware-assurance]", 1)[1], maxsplit=1)[0]
    assert "https://caish.org/hardware" in caish and "pays 1,500 GBP for 1 week" in caish
    assert "USD a month" not in caish.split("pays 1,500 GBP for 1 week", 1)[1].split("\n", 1)[0]
