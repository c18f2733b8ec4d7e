"""Normalised facts that are derived, not read: the pattern of past windows, what a candidate can
know about applying, and the newest dated evidence in a record."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from onramp.catalog import load_catalog
from onramp.facts import newest_evidence, window_outlook, window_pattern
from onramp.site import SiteBuilder

from .conftest import ROOT


def test_a_pattern_needs_the_same_month_in_two_years_and_says_which() -> None:
    assert window_pattern(["2024-06-10", "2025-06-01", "2026-06-12"]) == "past windows closed in June (2024-26)"
    assert window_pattern(["2025-01-10", "2026-01-01", "2024-06-01", "2025-06-02", "2023-08-01"]) == (
        "past windows closed in January (2025-26) and June (2024-25)")
    assert window_pattern(["2023-07-06", "2025-07-01"]) == "past windows closed in July (2023 and 2025)"
    assert window_pattern(["2023-07-06"]) is None  # one window is no pattern
    assert window_pattern(["2025-03-01", "2025-03-20"]) is None  # two windows of one year neither


def test_the_outlook_is_the_next_window_else_the_pattern_labelled_as_past_else_the_last_window() -> None:
    catalog = load_catalog(ROOT)
    f = replace(catalog.facts["mats"], windows=(("Summer 2025", "2025-01-01", "2025-01-18"),
                                                 ("Winter 2026", None, "2026-01-20")), pattern=None)
    assert window_outlook(f, dt.date(2025, 12, 1)) == "next window: Winter 2026, closes 2026-01-20"
    assert window_outlook(f, dt.date(2026, 2, 1)) == (
        "no window announced yet; the last recorded one (Winter 2026) closed 2026-01-20 - check the organiser's site")
    patterned = replace(f, pattern=window_pattern(["2025-01-18", "2026-01-20"]))
    assert window_outlook(patterned, dt.date(2026, 2, 1)) == (
        "no window announced yet; past windows closed in January (2025-26) - check the organiser's site")
    assert window_outlook(replace(f, windows=()), dt.date(2026, 2, 1)).startswith("no application window is recorded")


def test_newest_evidence_is_the_latest_dated_fact_not_the_last_check() -> None:
    data = {"last_verified": "2026-12-01", "sources": [{"published": "2023-05-01"}, {"published": "unknown"}],
            "applications": {"windows": [{"opens": "2023-01-01", "closes": "2023-07-06"}]},
            "cohorts": [{"start": "2022-06-01", "end": "unknown"}]}
    assert newest_evidence(data) == "2023-07-06"
    assert newest_evidence({"last_verified": "2026-12-01", "sources": []}) is None


def test_record_pages_flag_evidence_older_than_a_year() -> None:
    catalog = load_catalog(ROOT)
    mats = catalog.records["mats"]
    evidence = dt.date.fromisoformat(newest_evidence(mats.data))
    fresh = SiteBuilder(catalog, ROOT / "site_templates", today=evidence + dt.timedelta(days=365))
    assert "over a year old" not in fresh.record_page(mats)
    later = SiteBuilder(catalog, ROOT / "site_templates", today=evidence + dt.timedelta(days=366))
    assert f"Newest evidence {evidence.isoformat()}: over a year old" in later.record_page(mats)
