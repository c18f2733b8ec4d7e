"""Freshness: which records need checking, in which order, with which source and hints, on a small
fixture catalog whose dates are worked out by hand (today is pinned to 2026-12-01)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from onramp.catalog import load_catalog
from onramp.freshness import render_text, stale_records

from .conftest import FIXTURES, ROOT
from .test_cli import run
from .test_match import BASE, merged, write

TODAY = dt.date(2026, 12, 1)
OLD_SOURCE = {"url": "https://example.org/old", "accessed": "2026-11-01", "published": "2024-01-10",
              "quality": "primary", "supports": ["funding.stipend", "format", "eligibility", "applications"]}
PROGRAMS = {
    # fresh: verified this year, a window this year
    "fresh": {"last_verified": "2026-11-01",
              "applications": {"cycle": "annual", "windows": [{"label": "2026", "opens": "2026-01-01",
                                                               "closes": "2026-03-01"}]}},
    # verified 2025-06-01 (548 days), its only window closed 2025-05-01 (579 days): active, no recent window
    "old-active": {"last_verified": "2025-06-01", "status": "active",
                   "applications": {"cycle": "annual", "windows": [{"label": "2025", "opens": "2025-03-01",
                                                                    "closes": "2025-05-01"}]}},
    # verified recently, but its newest evidence is a source published 2024-01-10 (1056 days)
    "old-evidence": {"last_verified": "2026-11-01", "status": "unknown", "sources": [OLD_SOURCE],
                     "applications": {"cycle": "unknown", "windows": []}},
    # a cohort that ended 2025-08-31 (457 days), none after it
    "past-cohort": {"last_verified": "2026-10-01", "status": "unknown",
                    "applications": {"cycle": "unknown", "windows": []},
                    "cohorts": [{"label": "Summer 2025", "start": "2025-06-01", "end": "2025-08-31", "size": 12}],
                    "sources": [{**BASE["sources"][0], "supports": [*BASE["sources"][0]["supports"], "cohorts"]}]},
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("stale-catalog")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "data", root / "data")
    community = yaml.safe_load((FIXTURES / "valid" / "base-community.yaml").read_text("utf-8"))
    write(root / "communities" / "osint.yaml", "../schemas/community.schema.json",
          {**community, "id": "osint", "last_verified": "2025-10-27"})  # 400 days
    for pid, change in PROGRAMS.items():
        write(root / "programs" / f"{pid}.yaml", "../schemas/program.schema.json",
              merged({**BASE, "id": pid, "name": f"Program {pid}", "url": f"https://example.org/{pid}"}, change))
    return load_catalog(root, today=TODAY)


def test_stale_records_oldest_first_with_ages_worked_out_by_hand(catalog) -> None:
    found = stale_records(catalog, TODAY)
    assert [(s.id, s.age_days) for s in found] == [("old-evidence", 1056), ("old-active", 579),
                                                   ("past-cohort", 457), ("osint", 400)]
    by_id = {s.id: s for s in found}
    assert by_id["old-evidence"].newest_evidence == "2024-01-10"
    assert by_id["old-evidence"].recheck == "https://example.org/old"  # it backs applications
    assert by_id["old-active"].hints == (
        "status is active but no application window closed in the last 12 months or is open (the last recorded "
        "closed 2025-05-01)",)
    assert by_id["past-cohort"].hints == (
        "the last recorded cohort (Summer 2025) ended 2025-08-31 and no later cohort is recorded",)
    assert by_id["osint"].kind == "community" and by_id["osint"].hints == ()


def test_older_than_changes_the_set(catalog) -> None:
    assert [s.id for s in stale_records(catalog, TODAY, older_than=500)] == ["old-evidence", "old-active"]
    assert [s.id for s in stale_records(catalog, TODAY, older_than=2000)] == []
    assert "fresh" in [s.id for s in stale_records(catalog, TODAY, older_than=200)]  # its window closed 275 days ago


def test_render_text_names_path_source_and_hints_and_escapes(catalog) -> None:
    found = stale_records(catalog, TODAY)
    text = render_text(found, 365, TODAY)
    assert text.splitlines()[0].startswith("programs/old-evidence.yaml: old-evidence (program) last verified "
                                           "2026-11-01, newest evidence 2024-01-10 (1056 days)")
    assert "  re-check: https://example.org/old" in text and text.endswith("oldest first\n")
    assert render_text([], 365, TODAY) == "no records older than 365 days on 2026-12-01\n"
    from dataclasses import replace

    hostile = replace(found[0], name="x", hints=("evil\x1b[31m\nforged line",))
    assert "\x1b" not in render_text([hostile], 365, TODAY) and "\\x1b[31m\\nforged" in render_text([hostile], 365,
                                                                                                      TODAY)


def test_onramp_stale_json_and_text(catalog) -> None:
    result = run("stale", "--root", str(catalog.root), "--today", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert [r["id"] for r in data["records"]] == ["old-evidence", "old-active", "past-cohort", "osint"]
    text = run("stale", "--root", str(catalog.root), "--today", "2026-12-01", "--older-than", "2000")
    assert text.stdout == "no records older than 2000 days on 2026-12-01\n"
    assert run("stale", "--older-than", "-1").returncode == 2
