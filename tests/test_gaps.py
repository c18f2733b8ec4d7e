"""The gap map: counts on a small fixture catalog worked out by hand, invariants against the
matcher on the real catalog, the data files' checks, and `onramp gaps`."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onramp.catalog import load_catalog
from onramp.gaps import GapProfile, GapSettings, gap_map, read_gap_settings
from onramp.match import Matcher, evaluate, prepare

from .conftest import FIXTURES, ROOT, TODAY, examples
from .test_cli import run
from .test_match import BASE, merged, write

# Each program is the base fixture program (remote, 5-10 h/week, 8-12 weeks, 1,000 USD a month,
# no fee, worldwide) changed where its name says; none names a community unless its name does.
PROGRAMS = {
    "open-remote": {"communities": []},
    "osint-only": {"communities": ["osint"], "open_to_all": False},
    "hours-unknown": {"communities": [], "format": {"hours_per_week": "unknown"}},
    "stipend-unknown": {"communities": [], "funding": {"stipend": "unknown"}, "eligibility": {"regions": ["NG"]}},
    "london-12w": {"communities": [],
                   "format": {"mode": "in_person", "locations": [{"city": "London", "country": "GB"}],
                              "relocation": "required", "duration_weeks": {"min": 12, "max": 12}},
                   "funding": {"stipend": {"amount": 1000, "currency": "GBP", "period": "month"}}},
    "ended-open": {"communities": [], "status": "ended"},
}
PROFILES = """\
# yaml-language-server: $schema=../schemas/gap-profiles.schema.json
stipend_basis:
  hourly: {amount: 7.25, currency: USD}
  text: a fixture basis
  sources:
    - {url: https://example.org/wage, accessed: 2026-06-01}
profiles:
  - id: home-5-unpaid
    label: stays home, 5 h/week, unpaid
    short: [home, 5 h, unpaid]
    sentence: Cannot move; five hours a week; no stipend needed.
    candidate: {relocate: none, hours_per_week: 5}
    why: fixture
  - id: home-20-paid
    label: stays home, 20 h/week, needs 1,200 USD a month
    short: [home, 20 h, paid]
    sentence: Cannot move; twenty hours a week; needs 1,200 USD a month.
    candidate:
      {relocate: none, hours_per_week: 20, min_stipend: {amount: 1200, currency: USD, period: month}, no_fee: true}
    basis: fixture
    why: fixture
"""
PLACES = """\
# yaml-language-server: $schema=../schemas/gap-places.schema.json
default: NG
groups:
  - id: hubs
    name: Hubs
    why: fixture
    places:
      - {country: GB, city: London, name: London}
  - id: elsewhere
    name: Elsewhere
    why: fixture
    places:
      - {country: NG, name: Nigeria}
      - {country: US, name: United States}
"""


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gaps-catalog")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "data").mkdir()
    shutil.copy(ROOT / "data" / "exchange-rates.yaml", root / "data")
    (root / "data" / "gap-profiles.yaml").write_text(PROFILES, "utf-8")
    (root / "data" / "gap-places.yaml").write_text(PLACES, "utf-8")
    community = yaml.safe_load((FIXTURES / "valid" / "base-community.yaml").read_text("utf-8"))
    for cid in ("osint", "debaters"):
        write(root / "communities" / f"{cid}.yaml", "../schemas/community.schema.json", {**community, "id": cid})
    for pid, change in PROGRAMS.items():
        data = merged({**BASE, "id": pid}, change)
        if not data["communities"]:
            data.pop("open_to_all")
        write(root / "programs" / f"{pid}.yaml", "../schemas/program.schema.json", data)
    return root


@pytest.fixture(scope="module")
def small(fixture_root):
    catalog = load_catalog(fixture_root, TODAY)
    found, problems = read_gap_settings(fixture_root, catalog.schemas, catalog.rates)
    assert problems == []
    return gap_map(catalog, found, TODAY)


def ids(entries: list[dict]) -> dict[str, str]:
    return {e["id"]: e["serves"] for e in entries}


# Worked out by hand from the programs above. home-5-unpaid in Nigeria: everything remote fits;
# london-12w asks 12 weeks in London of someone who cannot move; the stipend cannot matter.
# home-20-paid needs 1,200 USD a month: 1,000 USD is too little, 1,000 GBP (1,365.59 USD) is
# enough; the unknown stipend fits only as a possibility, and only in Nigeria (its one region).
HAND = {
    ("osint", "home-5-unpaid", "NG"): ({"osint-only": "targeted", "open-remote": "open", "stipend-unknown": "open"},
                                       {"hours-unknown": "open"}, []),
    ("debaters", "home-5-unpaid", "NG"): ({"open-remote": "open", "stipend-unknown": "open"},
                                          {"hours-unknown": "open"}, ["nobody_targets"]),
    ("debaters", "home-5-unpaid", "GB"): ({"open-remote": "open", "london-12w": "open"}, {"hours-unknown": "open"},
                                          ["nobody_targets"]),
    ("debaters", "home-5-unpaid", "US"): ({"open-remote": "open"}, {"hours-unknown": "open"},
                                          ["one_provider", "nobody_targets"]),
    ("osint", "home-5-unpaid", "US"): ({"osint-only": "targeted", "open-remote": "open"}, {"hours-unknown": "open"},
                                       []),
    ("debaters", "home-20-paid", "NG"): ({}, {"stipend-unknown": "open"}, ["unconfirmed", "nobody_targets"]),
    ("debaters", "home-20-paid", "GB"): ({"london-12w": "open"}, {}, ["one_provider", "nobody_targets"]),
    ("debaters", "home-20-paid", "US"): ({}, {}, ["no_fit"]),
    ("osint", "home-20-paid", "US"): ({}, {}, ["no_fit"]),
}


@pytest.mark.parametrize("key", sorted(HAND))
def test_cell_counts_worked_out_by_hand(small, key) -> None:
    confirmed, possible, kinds = HAND[key]
    cell = small.cell(*key)
    assert ids(cell.confirmed) == confirmed
    assert ids(cell.possible) == possible
    assert cell.kinds == kinds


def test_every_cell_of_the_fixture_map_exists_and_ended_programs_never_appear(small) -> None:
    assert len(small.cells) == 2 * 2 * 3  # communities x profiles x places
    for cell in small.cells.values():
        listed = cell.confirmed + cell.possible + cell.near_misses
        assert "ended-open" not in {e["id"] for e in listed}
        assert all(e["id"] != "osint-only" for e in listed) or cell.community == "osint"


def test_a_gap_names_the_near_misses_and_the_one_change_each_needs(small) -> None:
    nothing = small.cell("debaters", "home-20-paid", "US")
    changes = {n["id"]: n["rule"] for n in nothing.near_misses}
    # made for osint only, so not a near miss for a debater; every other program is one change away
    assert changes == {"london-12w": "relocation", "open-remote": "stipend", "hours-unknown": "stipend",
                       "stipend-unknown": "region"}
    london = next(n for n in nothing.near_misses if n["id"] == "london-12w")
    assert london["suggestion"] == "fits if you could spend 12 weeks in London"
    assert small.cell("debaters", "home-5-unpaid", "NG").near_misses == []  # covered: no gap to fill


def test_ranking_puts_the_community_nobody_targets_first_with_its_reason(small) -> None:
    ranked = small.ranked()
    assert [e["community"] for e in ranked] == ["debaters", "osint"]
    debaters, osint = ranked
    # debaters: no confirmed fit in (home-20-paid, NG) and (home-20-paid, US); osint: only in US
    assert (debaters["uncovered_cells"], debaters["no_fit_cells"], debaters["nobody_targets"]) == (2, 1, True)
    assert (osint["uncovered_cells"], osint["no_fit_cells"], osint["targeted_by"]) == (2, 1, ["osint-only"])
    assert debaters["worst_profiles"][0] == {"profile": "home-20-paid", "uncovered_places": ["NG", "US"]}
    assert "no fitting program is made for them" in debaters["reason"]


def test_after_program_counts_what_fitting_programs_say(small) -> None:
    rows = {r["community"]: r for r in small.after_program()}
    # The base program says extensions: none, funding: none, job_placement: unknown.
    assert rows["debaters"]["fitting_programs"] == 4  # open-remote, hours-unknown, stipend-unknown, london-12w
    assert (rows["debaters"]["offers"], rows["debaters"]["says_none"], rows["debaters"]["says_nothing"]) == (0, 4, 0)
    assert rows["osint"]["fitting_programs"] == 5


# -- invariants on the real catalog ---------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    catalog = load_catalog(ROOT)
    found, problems = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    assert problems == []
    return catalog, found, Matcher.of(catalog)


relocations = st.sampled_from([{"relocate": "none"}, {"relocate": "yes"},
                               {"relocate": "short", "max_weeks_away": 2}, {"relocate": "short", "max_weeks_away": 8}])


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(relocate=relocations, hours=st.sampled_from([None, 3, 5, 10, 20, 40]),
       stipend=st.sampled_from([None, 100, 314, 1500, 5000]), no_fee=st.booleans(),
       weeks=st.sampled_from([None, 4, 12, 52]), place=st.integers(0, 15), community=st.integers(0, 20))
def test_cells_agree_with_the_matcher(real, relocate, hours, stipend, no_fee, weeks, place, community) -> None:
    """No confirmed program breaks a hard rule or rests on an unknown; confirmed and possible
    together are what `onramp match` returns, less only the programs made for another community."""
    catalog, found, matcher = real
    fields = {**relocate, **({"hours_per_week": hours} if hours else {}), **({"weeks": weeks} if weeks else {}),
              **({"min_stipend": {"amount": stipend, "currency": "USD", "period": "month"}} if stipend else {}),
              **({"no_fee": True} if no_fee else {})}
    profile = GapProfile("random", "random", ("r",), "random", "random", None, fields)
    one = GapSettings((profile,), found.places, found.groups, found.default_place, found.stipend_basis)
    where = found.places[place % len(found.places)]
    com = catalog.communities[community % len(catalog.communities)]
    gmap = gap_map(catalog, one, TODAY, communities=[com.id], places=[where.country], matcher=matcher)
    cell = gmap.cell(com.id, "random", where.country)
    candidate = prepare(gmap.runs[("random", where.country)].profile, catalog.rates)
    for entry in cell.confirmed:
        conflicts, _, unknowns = evaluate(catalog.facts[entry["id"]], candidate)
        assert conflicts == [] and unknowns == [], entry["id"]
    matched = {m["id"] for m in matcher.match(candidate.profile, TODAY).matches}
    other = {i for i in matched if com.id not in catalog.facts[i].communities and not catalog.facts[i].open_to_all}
    assert {e["id"] for e in cell.confirmed + cell.possible} == matched - other


def test_real_map_covers_every_community_profile_and_place(real) -> None:
    catalog, found, matcher = real
    gmap = gap_map(catalog, found, TODAY, matcher=matcher)
    assert {c for c, _, _ in gmap.cells} == {r.id for r in catalog.communities}
    assert len(gmap.cells) == len(catalog.communities) * len(found.profiles) * len(found.places)
    assert [e["community"] for e in gmap.ranked()].count("debaters") == 1
    oversight = next(a for a in gmap.areas() if a["area"] == "automated-research-oversight")
    assert oversight["templates"] == ["automated-research-oversight-fellowship"]


def test_paid_profiles_state_the_figure_their_basis_gives() -> None:
    data = yaml.safe_load((ROOT / "data" / "gap-profiles.yaml").read_text("utf-8"))
    hourly = data["stipend_basis"]["hourly"]["amount"]
    paid = [p for p in data["profiles"] if "min_stipend" in p["candidate"]]
    assert len(paid) == len(data["profiles"]) // 2
    for p in paid:
        c = p["candidate"]
        assert c["min_stipend"]["amount"] == round(c["hours_per_week"] * 52 / 12 * hourly), p["id"]
        assert f"rounded to {c['min_stipend']['amount']} USD a month" in p["basis"]


# -- the data files are checked like records ------------------------------------------------

def copy_catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    for sub in ("schemas", "data", "programs", "communities"):
        shutil.copytree(ROOT / sub, root / sub)
    return root


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("gap-profiles.yaml", "  - id: home-5h-paid\n", "  - id: home-5h-unpaid\n",
     "data/gap-profiles.yaml:36:9: E202 profiles[1].id is 'home-5h-unpaid', a profile id used twice"),
    ("gap-profiles.yaml", "currency: USD, period: month}, no_fee: true}\n",
     "currency: NGN, period: month}, no_fee: true}\n", "data/gap-profiles.yaml:39:89: E214 profiles[1].candidate"),
    ("gap-profiles.yaml", "candidate: {relocate: none, hours_per_week: 5}",
     "candidate: {relocate: short, hours_per_week: 5}",
     "data/gap-profiles.yaml:32:16: E101 missing required field 'max_weeks_away' in profiles[0].candidate; "
     "expected max_weeks_away: a number of weeks"),
    ("gap-places.yaml", "default: NG", "default: FR", "data/gap-places.yaml:10:10: E203 default is 'FR', which no "
                                                      "place lists"),
])
def test_a_bad_data_file_is_a_positioned_problem(tmp_path, file, old, new, expected) -> None:
    root = copy_catalog(tmp_path)
    path = root / "data" / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    for command in (["validate"], ["gaps"]):
        result = run(*command, "--root", str(root), cwd=root)
        assert result.returncode == 1, result.stderr
        assert expected in result.stdout, result.stdout
        assert "Traceback" not in result.stdout + result.stderr


# -- onramp gaps -------------------------------------------------------------------------------

def test_gaps_text_ranks_with_the_rule_stated_and_names_formats_and_near_misses() -> None:
    result = run("gaps", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ranking: Communities are ranked by the number of profile x place cells" in out
    assert "Largest gaps" in out and "formats that would fill it:" in out and "nearest: " in out
    assert "[debaters]" in out


def test_gaps_json_has_the_documented_keys_and_the_filters_narrow_it() -> None:
    result = run("gaps", "--json", "--community", "debaters", "--profile", "home-10h-paid", "--place", "ng",
                 "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"profiles", "places", "communities", "cells", "gaps", "ranking_rule"} <= set(data)
    assert [p["id"] for p in data["profiles"]] == ["home-10h-paid"]
    assert data["profiles"][0]["candidate"]["min_stipend"] == {"amount": 314, "currency": "USD", "period": "month"}
    assert data["communities"] == ["debaters"] and [p["country"] for p in data["places"]] == ["NG"]
    (cell,) = data["cells"]
    assert {"community", "profile", "place", "confirmed", "possible", "kinds"} <= set(cell)
    assert all(e["serves"] in ("targeted", "open") for e in cell["confirmed"] + cell["possible"])


def test_gaps_csv_is_one_row_a_cell() -> None:
    result = run("gaps", "--format", "csv", "--place", "NG", "--profile", "home-5h-unpaid", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    catalog = load_catalog(ROOT)
    assert [r["community"] for r in rows] == [c.id for c in catalog.communities]
    assert all(r["place"] == "NG" and int(r["confirmed"]) == len(r["confirmed_ids"].split(";")) for r in rows
               if r["confirmed_ids"])


@pytest.mark.parametrize(("args", "flag"), [(("--community", "debater"), "--community"),
                                            (("--place", "XX"), "--place"), (("--profile", "nope"), "--profile"),
                                            (("--format", "xml"), "--format")])
def test_gaps_bad_filter_is_a_usage_error(args, flag) -> None:
    result = run("gaps", *args)
    assert result.returncode == 2
    assert flag in result.stderr and "Traceback" not in result.stderr
