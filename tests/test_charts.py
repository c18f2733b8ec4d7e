"""The data page's charts: each has its picture, words and numbers, and every number adds up to the
catalog's programs as the records state them (counted here again, from the records' own data)."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import replace

import pytest

from onramp.catalog import Record, load_catalog
from onramp.charts import (
    after_program_chart,
    calendar_chart,
    data_charts,
    hours_category,
    stipend_category,
    window_months,
)
from onramp.stats import catalog_stats

from .conftest import ROOT, TODAY

IDS = ["stipend", "hours", "duration", "mode-relocation", "regions", "areas", "stages", "calendar", "cohorts",
       "after-program", "unknown-share"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT)


@pytest.fixture(scope="module")
def made(catalog):
    return data_charts(catalog, TODAY)


@pytest.fixture(scope="module")
def charts(made):
    return {chart.id: chart for chart in made}


def counts(chart) -> dict:
    return {row[0]: row[-1] for row in chart.rows}


def test_every_chart_comes_in_page_order_with_an_image_words_and_its_table(catalog, made) -> None:
    assert [c.id for c in made] == IDS
    for chart in made:
        assert chart.svg.startswith("<svg") and chart.svg.rstrip().endswith("</svg>"), chart.id
        assert len(chart.alt) > 40 and chart.caption and chart.title, chart.id
        assert chart.rows and all(len(row) == len(chart.headers) for row in chart.rows), chart.id
        assert f"{len(catalog.programs)} programs" in chart.caption + chart.alt, chart.id


def test_the_images_load_nothing_from_the_network(charts) -> None:
    for chart in charts.values():
        links = chart.svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
        assert "http" not in links and "@import" not in links and "<script" not in links, chart.id


def test_stipend_bins_unpaid_and_unknown_add_up_to_every_program(catalog, charts) -> None:
    rows = counts(charts["stipend"])
    programs = catalog.programs
    assert sum(rows.values()) == len(programs)
    assert rows["unknown"] == sum(p.data["funding"]["stipend"] == "unknown" for p in programs)
    assert rows["unpaid"] == sum(catalog.facts[p.id].paid is False for p in programs) > 0
    assert f"for {rows['unknown']} it is unknown" in charts["stipend"].caption


def test_a_stipend_and_hours_fall_in_the_bin_their_figure_says(catalog) -> None:
    mats = catalog.facts["mats"]
    assert stipend_category(replace(mats, paid=True, stipend_usd_month=999.5)) == "under 1,000"
    assert stipend_category(replace(mats, paid=True, stipend_usd_month=1000.0)) == "1,000\u20132,499"
    assert stipend_category(replace(mats, paid=True, stipend_usd_month=None)) == "paid, amount unknown"
    assert stipend_category(replace(mats, paid=None, stipend_usd_month=None)) == "unknown"
    assert hours_category(replace(mats, hours_min=None, commitment="full_time")) == "full-time, no hours stated"
    assert hours_category(replace(mats, hours_min=None, commitment=None)) == "unknown"
    assert hours_category(replace(mats, hours_min=40.0)) == "30 or more"


def test_hours_and_duration_count_every_program_and_say_full_time_without_inventing_hours(catalog, charts) -> None:
    programs = catalog.programs
    hours, weeks = counts(charts["hours"]), counts(charts["duration"])
    assert sum(hours.values()) == sum(weeks.values()) == len(programs)
    stated_full_time = sum(p.data["format"]["hours_per_week"] == "unknown" and
                           p.data["format"].get("commitment") == "full_time" for p in programs)
    assert hours["full-time, no hours stated"] == stated_full_time > 0
    assert weeks["unknown"] == sum(p.data["format"]["duration_weeks"] == "unknown" for p in programs)


def test_mode_and_relocation_show_unknown_as_its_own_category(catalog, charts) -> None:
    rows = charts["mode-relocation"].rows
    assert sum(n for *_, n in rows) == len(catalog.programs)
    assert sum(n for mode, _, n in rows if mode == "unknown") == sum(
        p.data["format"]["mode"] == "unknown" for p in catalog.programs)
    moving = sum(p.data["format"]["mode"] == "in_person" and p.data["format"]["relocation"] == "required"
                 for p in catalog.programs)
    assert ("In person", "Required", moving) in rows


def test_regions_count_each_value_a_record_lists(catalog, charts) -> None:
    listed = [p.data["eligibility"]["regions"] for p in catalog.programs]
    rows = counts(charts["regions"])
    assert rows["Worldwide"] == listed.count(["worldwide"])
    assert rows["unknown"] == listed.count("unknown")
    assert sum(rows.values()) == sum(len(r) for r in listed if r != "unknown") + listed.count("unknown")


def test_areas_and_stages_equal_the_records_own_lists_with_vocabulary_titles(catalog, charts) -> None:
    areas = {t["id"]: t["title"] for t in catalog.schemas.vocabulary("research_area")}
    tally = Counter(a for p in catalog.programs for a in p.data["research_areas"])
    assert counts(charts["areas"]) == {title: tally[a] for a, title in areas.items()}
    stages = {t["id"]: t["title"] for t in catalog.schemas.vocabulary("career_stage")}
    lists = [p.data["eligibility"]["career_stages"] for p in catalog.programs]
    tally = Counter(s for stated in lists if stated != "unknown" for s in stated)
    assert counts(charts["stages"]) == {**{title: tally[s] for s, title in stages.items()},
                                        "unknown": lists.count("unknown")}


def test_the_calendar_lists_only_programs_with_windows_and_calls_them_a_pattern(catalog, charts) -> None:
    chart = charts["calendar"]
    windows = {p.name: p.data["applications"]["windows"] for p in catalog.programs}
    assert {row[0] for row in chart.rows} == {name for name, w in windows.items() if w}
    assert len(chart.rows) == sum(len(w) for w in windows.values())
    assert "past and present" in chart.title.lower()
    for words in (chart.caption, chart.alt):
        assert "recorded past and present" in words.lower() and "pattern" in words and "not" in words
        assert "deadlines" in words


def test_past_a_few_dozen_programs_the_calendar_counts_programs_by_month(catalog, monkeypatch) -> None:
    """A row per program would make a chart thousands of rows tall (and overflow Vega's stack at 4,000
    programs): past CALENDAR_ROWS it draws a bar a month; the table still lists every window."""
    programs = catalog.programs
    facts = [catalog.facts[p.id] for p in programs]
    rows = calendar_chart(programs, facts, TODAY)
    monkeypatch.setattr("onramp.charts.CALENDAR_ROWS", 2)
    bars = calendar_chart(programs, facts, TODAY)
    assert bars.rows == rows.rows
    assert bars.alt.startswith("Bar chart") and rows.alt.startswith("Heatmap")
    assert "each bar counts the programs that had a window open in its month" in bars.caption
    assert "Programs with a window open" in bars.svg and "Programs with a window open" not in rows.svg
    label = html.escape(rows.rows[0][0].split(" (")[0])  # as the SVG writes it
    assert label in rows.svg and label not in bars.svg  # no row per program


def test_a_window_marks_the_months_it_was_open_or_only_its_closing_month() -> None:
    assert window_months(None, "2025-06-10") == [6]
    assert window_months("2025-11-01", "2026-01-15") == [1, 11, 12]
    assert window_months("2024-01-01", "2026-01-01") == list(range(1, 13))


def test_record_text_reaches_the_svg_escaped(catalog) -> None:
    mats = catalog.get("mats")
    named = Record(mats.id, mats.kind, mats.path, {**mats.data, "name": 'A <b>bold</b> & "quoted" program'})
    chart = calendar_chart([named], [catalog.facts["mats"]], TODAY)
    assert "<b>" not in chart.svg and "&lt;b&gt;bold&lt;/b&gt; &amp;" in chart.svg


def test_cohorts_show_what_is_missing(catalog, charts) -> None:
    chart = charts["cohorts"]
    cohorts = [c for p in catalog.programs for c in p.data.get("cohorts", [])]
    without = sum(not p.data.get("cohorts") for p in catalog.programs)
    no_size = sum(not isinstance(c.get("size"), int) for c in cohorts)
    assert len(chart.rows) == len(cohorts)
    assert f"{without} of {len(catalog.programs)} programs record no cohort" in chart.caption
    assert f"{no_size} no size" in chart.caption


def test_after_program_counts_a_missing_outcome_as_unknown(catalog, charts) -> None:
    rows = {row[0]: row[1:] for row in charts["after-program"].rows}
    assert set(rows) == {"Extensions", "Funding", "Job placement", "Outcomes"}
    assert all(sum(row) == len(catalog.programs) for row in rows.values())
    mats = catalog.get("mats")
    silent = {k: v for k, v in mats.data["after_program"].items() if k != "outcomes"}
    programs = [Record(mats.id, mats.kind, mats.path, {**mats.data, "after_program": silent})]
    assert dict((r[0], r[1:]) for r in after_program_chart(programs, catalog).rows)["Outcomes"] == (0, 0, 1)


def test_unknown_share_is_the_stats_table(catalog, charts) -> None:
    stats = catalog_stats(catalog)["unknown"]["program"]
    assert [row[:2] for row in charts["unknown-share"].rows] == [(s["field"], s["records"]) for s in stats]
    shares = [s["share"] for s in stats]
    assert shares == sorted(shares, reverse=True)
