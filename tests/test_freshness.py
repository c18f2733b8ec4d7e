"""Freshness: which records need checking, in which order, with which source and hints, on the small
fixture catalog in tests/fixtures/stale/ whose dates are worked out by hand (today is pinned to
2026-12-01), and `onramp stale` over it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil

import pytest

from onramp.catalog import load_catalog
from onramp.freshness import STALE_AFTER_DAYS, render_text, stale_records

from .conftest import FIXTURES, ROOT, TODAY
from .test_cli import run

# What each fixture record shows, and its age on 2026-12-01 (the older of last_verified and, for a
# program, its newest dated evidence):
#   old-evidence       verified 2026-10-01 (61), a source published 2024-11-01 (760): stale by evidence;
#                      its 2024 cohort is undated, so the 2023 cohort is not called the last one
#   past-cohort        verified 2026-11-15 (16), Winter 2025 ended 2025-03-01 (640), active, no window
#   active-old-window  verified 2026-09-01 (91), its only window closed 2025-06-01 (548)
#   osint (community)  verified 2025-10-27 (400), its size figure is as of 2023-05-01
#   fresh              verified 2026-11-01 (30), its window closed 2025-12-01: 365 days, not more
#   old-design (tmpl)  verified 2026-05-15 (200); cites a 2019 page, which does not age a design
#   undated            verified 2026-11-21 (10), no dated evidence at all, active with rolling admission
NO_EVIDENCE = "no dated evidence: no source gives a publication date and no window or cohort is dated"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("stale") / "catalog"
    shutil.copytree(FIXTURES / "stale", root)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "data", root / "data")
    return load_catalog(root, today=TODAY)  # raises CatalogError if a fixture record is invalid


def test_the_fixture_catalog_holds_what_the_table_above_says(catalog) -> None:
    assert sorted((r.kind, r.id) for r in catalog.records.values()) == [
        ("community", "osint"), ("program", "active-old-window"), ("program", "fresh"), ("program", "old-evidence"),
        ("program", "past-cohort"), ("program", "undated"), ("template", "old-design")]


def test_stale_records_oldest_first_with_ages_worked_out_by_hand(catalog) -> None:
    found = stale_records(catalog, TODAY)
    assert [(s.id, s.kind, s.path, s.last_verified, s.newest_evidence, s.age_days) for s in found] == [
        ("old-evidence", "program", "programs/old-evidence.yaml", "2026-10-01", "2024-11-01", 760),
        ("past-cohort", "program", "programs/past-cohort.yaml", "2026-11-15", "2025-03-01", 640),
        ("active-old-window", "program", "programs/active-old-window.yaml", "2026-09-01", "2025-06-01", 548),
        ("osint", "community", "communities/osint.yaml", "2025-10-27", None, 400),
        ("undated", "program", "programs/undated.yaml", "2026-11-21", None, 10),  # no date: its check's age
    ]


def test_recheck_is_the_applications_source_else_the_first_primary_else_the_first(catalog) -> None:
    assert {s.id: s.recheck for s in stale_records(catalog, TODAY)} == {
        "old-evidence": "https://example.org/old-evidence/announcement",  # no primary source: the first
        "past-cohort": "https://example.org/past-cohort/about",  # none backs applications: the primary one
        "active-old-window": "https://example.org/active-old-window/apply",  # backs status, though secondary
        "osint": "https://example.org/forum",  # a community: its primary source
        "undated": "https://example.org/undated",
    }


def test_hints_say_what_is_probably_out_of_date(catalog) -> None:
    assert {s.id: s.hints for s in stale_records(catalog, TODAY)} == {
        "old-evidence": (),  # status unknown; a later cohort is listed, undated
        "past-cohort": ("status is active but no application window is recorded",
                        "the last recorded cohort (Winter 2025) ended 2025-03-01 and no later cohort is recorded"),
        "active-old-window": ("status is active but no application window closed in the last 12 months or is open "
                              "(the last recorded one closed 2025-06-01)",),
        "osint": ("the size figure dates from 2023-05-01",),
        "undated": (NO_EVIDENCE,),  # rolling admission: no window is expected
    }


def test_older_than_changes_the_set(catalog) -> None:
    def ids(days: int) -> list[str]:
        return [s.id for s in stale_records(catalog, TODAY, older_than=days)]

    assert ids(600) == ["old-evidence", "past-cohort", "undated"]  # undated is listed whatever the threshold
    assert ids(364) == ["old-evidence", "past-cohort", "active-old-window", "osint", "fresh", "undated"]
    # the template is listed on its own last_verified only: 200 days, never its 2019 source
    assert ids(150) == ["old-evidence", "past-cohort", "active-old-window", "osint", "fresh", "old-design", "undated"]
    design = stale_records(catalog, TODAY, older_than=150)[5]
    assert (design.age_days, design.newest_evidence, design.hints) == (200, None, ())
    assert ids(2000) == ["undated"]


def test_a_later_today_ages_every_record(catalog) -> None:
    later = stale_records(catalog, TODAY + dt.timedelta(days=100))
    assert [(s.id, s.age_days) for s in later][:3] == [("old-evidence", 860), ("past-cohort", 740),
                                                       ("active-old-window", 648)]
    fresh = next(s for s in later if s.id == "fresh")  # its window closed 465 days before: now suspect
    assert (fresh.age_days, fresh.hints) == (465, (
        "status is active but no application window closed in the last 12 months or is open (the last recorded "
        "one closed 2025-12-01)",))
    assert "old-design" not in {s.id for s in later}  # verified 300 days before


def test_to_dict_is_plain_json(catalog) -> None:
    entry = stale_records(catalog, TODAY)[1].to_dict()
    assert json.loads(json.dumps(entry)) == entry
    assert entry["id"] == "past-cohort" and isinstance(entry["hints"], list) and len(entry["hints"]) == 2


def test_render_text_one_block_per_record(catalog) -> None:
    text = render_text(stale_records(catalog, TODAY, older_than=364)[2:5], 364, TODAY)
    assert text == (
        "programs/active-old-window.yaml: active-old-window (program) last verified 2026-09-01, newest evidence "
        "2025-06-01 (548 days)\n"
        "  name: Active, last window closed 2025-06-01\n"
        "  re-check: https://example.org/active-old-window/apply\n"
        "  - status is active but no application window closed in the last 12 months or is open (the last "
        "recorded one closed 2025-06-01)\n"
        "communities/osint.yaml: osint (community) last verified 2025-10-27 (400 days)\n"
        "  name: OSINT investigators (fixture)\n"
        "  re-check: https://example.org/forum\n"
        "  - the size figure dates from 2023-05-01\n"
        "programs/fresh.yaml: fresh (program) last verified 2026-11-01, newest evidence 2025-12-01 (365 days)\n"
        "  name: Fresh program\n"
        "  re-check: https://example.org/fresh\n"
        "3 records older than 364 days on 2026-12-01, oldest first\n")
    assert render_text([], 365, TODAY) == "no records older than 365 days on 2026-12-01\n"


def test_render_text_escapes_record_text(catalog) -> None:
    """A name or hint could carry a terminal escape or a newline that forges a line: both are escaped."""
    entry = stale_records(catalog, TODAY)[0]
    hostile = dataclasses.replace(entry, name="Evil\x1b[2J\nprograms/x.yaml: forged", hints=("bell\x07",))
    text = render_text([hostile], 365, TODAY)
    assert "\x1b" not in text and "\x07" not in text
    assert "  name: Evil\\x1b[2J\\nprograms/x.yaml: forged\n" in text and "  - bell\\x07\n" in text
    assert len(text.splitlines()) == 5  # header, name, re-check, one hint, count: nothing forged


def test_real_catalog_list_is_ordered_and_shrinks_as_the_threshold_grows() -> None:
    catalog = load_catalog(ROOT)
    today = dt.date.today()
    lists = {days: stale_records(catalog, today, days) for days in (0, 180, STALE_AFTER_DAYS, 730)}
    for days, found in lists.items():
        assert [(-s.age_days, s.id) for s in found] == sorted((-s.age_days, s.id) for s in found)
        assert all(s.age_days > days or (s.kind == "program" and s.newest_evidence is None) for s in found)
    ids = {days: {s.id for s in found} for days, found in lists.items()}
    assert ids[730] <= ids[STALE_AFTER_DAYS] <= ids[180] <= ids[0]


def test_onramp_stale_json_is_the_same_list(catalog) -> None:
    result = run("stale", "--root", str(catalog.root), "--today", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["records"] == [s.to_dict() for s in stale_records(catalog, TODAY)]
    text = run("stale", "--root", str(catalog.root), "--today", "2026-12-01", "--older-than", "2000")
    assert text.stdout == render_text(stale_records(catalog, TODAY, 2000), 2000, TODAY)
