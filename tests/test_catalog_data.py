"""The real catalog: the records the mission names exist, and every figure has its source."""

from __future__ import annotations

import datetime as dt

import pytest

from onramp.catalog import load_catalog
from onramp.stats import catalog_stats, render_stats

from .conftest import ROOT

MISSION_COMMUNITIES = {
    "non-hub-regions", "remote-participants", "open-source-hackers", "founders", "finance-professionals",
    "management-consultants", "debaters", "quant-traders", "historians", "military-history", "osint",
    "model-un", "writers", "infosec-ctf", "forecasters", "olympiad-programmers", "lawyers", "journalists",
    "policy-professionals",
}
FIELD_PROGRAMS = {
    "mats", "astra-fellowship", "spar", "arena", "pivotal-fellowship", "ai-safety-camp", "bluedot-courses",
    "apart-sprints", "apart-lab", "era-fellowship", "lasr-labs", "govai-fellowship", "iaps-policy-fellowship",
    "horizon-fellowship", "catalyze-impact", "def-acc", "seldon-lab", "consultants-for-impact",
    "clr-summer-fellowship", "pibbss-fellowship", "mars", "aisar", "cooperative-ai-fellowship",
    "tarbell-fellowship", "ml4good", "eleutherai",
}
TEMPLATE_FOR = {"osint", "quant-traders", "debaters", "founders", "historians", "remote-participants"}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT)  # the real date: a record verified today must not fail the suite


def supported(record, field: str) -> bool:
    """True when some source of the record says it supports the field (or a part or parent of it)."""
    for source in record.data["sources"]:
        for path in source.get("supports", []):
            if path == field or field.startswith(path + ".") or path.startswith(field + "."):
                return True
    return False


def test_counts(catalog) -> None:
    assert len(catalog.programs) >= 64
    assert len(catalog.communities) >= 20
    assert len(catalog.templates) >= 8


def test_every_mission_community_exists(catalog) -> None:
    assert MISSION_COMMUNITIES <= {r.id for r in catalog.communities}


def test_the_field_programs_exist(catalog) -> None:
    assert FIELD_PROGRAMS <= {r.id for r in catalog.programs}


def test_ended_programs_stay_with_their_status(catalog) -> None:
    statuses = {r.data["status"] for r in catalog.programs}
    assert "ended" in statuses
    for record in catalog.programs:
        if record.data["status"] == "ended":
            dated = record.data.get("cohorts") or record.data["applications"]["windows"]
            assert dated, f"{record.id} ended but gives no last known dates"


def test_real_records_have_sources_and_a_verified_date(catalog) -> None:
    for record in catalog.programs + catalog.communities:
        assert record.data["sources"], record.id
        assert all(s["url"].startswith(("http://", "https://")) for s in record.data["sources"])
        assert record.data["last_verified"] <= dt.date.today().isoformat()


def test_templates_generalise_real_programs_for_named_communities(catalog) -> None:
    covered = set()
    for record in catalog.templates:
        examples = record.data["design"]["examples"]
        assert examples and all(catalog.get(e).kind == "program" for e in examples), record.id
        communities = record.data["communities"]
        assert communities and all(catalog.get(c).kind == "community" for c in communities), record.id
        assert record.data["design"]["risks"] and record.data["design"]["evaluation"], record.id
        design = record.data["design"]
        assert design["run_only_if"][0].startswith("Participants are likely to contribute positively:"), record.id
        assert any(r["role"] == "lead" for r in design["staffing"]["ratios"]), f"{record.id}: who leads it?"
        assert any(line["item"] == "lead" for line in design["budget"]), f"{record.id}: the lead has no budget line"
        for part in (design["cohort"], *design["staffing"]["ratios"], *design["budget"]):
            assert part["source"] != "estimate" or len(part["basis"]) > 20, f"{record.id}: an estimate needs its basis"
        covered |= set(communities)
    assert TEMPLATE_FOR <= covered


def test_no_stipend_deadline_or_size_without_a_source(catalog) -> None:
    for record in catalog.programs:
        stipend = record.data["funding"]["stipend"]
        if isinstance(stipend, dict) and stipend["amount"] != "unknown":
            assert supported(record, "funding.stipend"), f"{record.id}: stipend has no source"
        if record.data["applications"]["windows"]:
            assert supported(record, "applications.windows"), f"{record.id}: deadlines have no source"
    for record in catalog.communities:
        if record.data["size"]["figure"] != "unknown":
            assert supported(record, "size"), f"{record.id}: size has no source"
            assert record.data["size"]["source"] in {s["url"] for s in record.data["sources"]}


def test_research_areas_include_oversight_of_automated_research(catalog) -> None:
    terms = {t["id"] for t in catalog.schemas.vocabulary("research_area")}
    assert "automated-research-oversight" in terms
    used = {a for r in catalog.records.values() if r.kind != "community" for a in r.data["research_areas"]}
    assert "automated-research-oversight" in used


def test_stats_count_unknowns_per_field(catalog) -> None:
    figures = catalog_stats(catalog)
    assert figures["counts"] == {"program": len(catalog.programs), "template": len(catalog.templates),
                                 "community": len(catalog.communities)}
    by_field = {row["field"]: row for row in figures["unknown"]["program"]}
    expected = sum(1 for r in catalog.programs if r.data["funding"]["stipend"] == "unknown")
    assert by_field["funding.stipend"]["records"] == expected
    assert by_field["funding.stipend"]["share"] == round(expected / len(catalog.programs), 3)
    text = render_stats(figures)
    assert text.startswith(f"records: {len(catalog.programs)} programs, ")
    assert "funding.stipend" in text


def test_active_programs_rest_on_evidence_from_the_18_months_before_their_check(catalog) -> None:
    """Measured from each record's own last_verified date, so the test does not age with the clock."""
    import datetime as dt

    from onramp.facts import newest_evidence

    stale = []
    for r in catalog.programs:
        if r.data["status"] != "active":
            continue
        evidence = newest_evidence(r.data)
        checked = dt.date.fromisoformat(str(r.data["last_verified"]))
        if evidence is None or (checked - dt.date.fromisoformat(evidence)).days > 548:
            stale.append((r.id, evidence))
    assert stale == []


def test_named_communities_are_sourced_and_say_whether_others_may_apply(catalog) -> None:
    named = [r for r in catalog.programs if r.data["communities"]]
    assert len(named) >= 20
    for r in named:
        supported = {path for s in r.data["sources"] for path in s.get("supports", [])}
        assert "communities" in supported, r.id
        assert "open_to_all" in r.data, r.id
