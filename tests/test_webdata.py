"""What the browser reads: the facts file, and the conformance vectors that hold the JavaScript
matcher to the Python one (the JavaScript side runs them in node and in tests/test_find.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from onramp.catalog import load_catalog
from onramp.profile import Profile
from onramp.webdata import VECTORS_FILE, fact_dict, facts_from_dict, facts_payload, matcher_of_vectors, packed

from .conftest import ROOT

VECTORS = json.loads((ROOT / VECTORS_FILE).read_text("utf-8"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["profile"]["name"])
def test_python_gives_the_vectors_answers(case) -> None:
    """The vectors' answers are today's Python rules: a rule changed in Python without
    `make vectors` (and the same change in web/src/match.js) fails here."""
    matcher = matcher_of_vectors(VECTORS)
    result = matcher.match(Profile.from_dict(case["profile"]), dt.date.fromisoformat(VECTORS["today"])).to_dict()
    assert {k: result[k] for k in ("matches", "near_misses", "formats")} == case["expected"]


def test_vectors_cover_every_rule_and_both_kinds_of_answer() -> None:
    rules = {m["rule"] for c in VECTORS["cases"] for m in c["expected"]["near_misses"]}
    assert rules >= {"relocation", "hours", "duration", "stipend", "fee", "region", "stage", "age"}
    assert any(m["unknown_rules"] for c in VECTORS["cases"] for m in c["expected"]["matches"])
    assert any(c["expected"]["formats"] for c in VECTORS["cases"])
    currencies = {c["profile"]["min_stipend"]["currency"] for c in VECTORS["cases"] if "min_stipend" in c["profile"]}
    assert {"USD", "EUR", "GBP", "ZAR"} <= currencies


def test_facts_round_trip_through_json() -> None:
    catalog = load_catalog(ROOT)
    for f in catalog.facts.values():
        again = facts_from_dict(json.loads(json.dumps(fact_dict(f))))
        if fact_dict(f)["regions"] == "worldwide":
            assert len(again.regions) == len(f.regions) or len(again.regions) >= 200
            again = again.__class__(**{**again.__dict__, "regions": f.regions})
        assert again == f


def test_facts_file_holds_every_program_and_template_with_names_and_vocabularies() -> None:
    catalog = load_catalog(ROOT)
    payload = facts_payload(catalog)
    assert {r["id"] for r in payload["records"]} == set(catalog.facts)
    mats = next(r for r in payload["records"] if r["id"] == "mats")
    assert mats["name"] == catalog.records["mats"].name and mats["url"].startswith("https://")
    assert {c["id"] for c in payload["communities"]} == {r.id for r in catalog.communities}
    assert "NG" in payload["countries"] and payload["rates"]["usd_per_unit"]["USD"] == 1
    assert len(json.dumps(payload)) < 200_000  # worldwide regions are one word, not 249 codes


def test_the_shipped_facts_are_packed_as_columns_and_rows_that_give_back_every_record() -> None:
    payload = facts_payload(load_catalog(ROOT))
    shipped = packed(payload)
    columns, rows = shipped["records"]["columns"], shipped["records"]["rows"]
    assert [dict(zip(columns, row, strict=True)) for row in rows] == payload["records"]
    assert {k: v for k, v in shipped.items() if k != "records"} == {k: v for k, v in payload.items() if k != "records"}
    assert len(json.dumps(shipped)) < 0.7 * len(json.dumps(payload))  # the keys are said once, not per record


def test_node_runs_the_javascript_tests() -> None:
    """make test runs node's test runner itself; this also fails pytest when the port disagrees."""
    done = subprocess.run(["node", "--test", "test/"], cwd=ROOT / "web", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
