"""The data page and the open-data links in Chromium: every chart has alt text and its table, the
files behind the links are served and parse, no console error, axe-clean, and it fits a phone."""

from __future__ import annotations

import json
from urllib.request import urlopen

import pytest

from .browser import open_page, screenshot


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_the_data_page_shows_every_chart_with_alt_text_and_its_numbers(browser, site_url, width) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, errors = open_page(browser, site_url + "/data/", width)
    figures = page.locator("figure.onramp-chart")
    assert figures.count() >= 10
    for i in range(figures.count()):
        figure = figures.nth(i)
        image = figure.locator("img")
        assert len(image.get_attribute("alt") or "") > 20
        assert figure.locator("figcaption").inner_text().strip()
        assert figure.locator("table tbody tr").count() >= 1
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in serious]
    screenshot(page, f"data-{width}")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_every_page_footer_links_the_open_data_and_the_files_are_served(browser, site_url) -> None:
    page, errors = open_page(browser, site_url + "/programs/mats/")
    footer = page.get_by_role("navigation", name="Open data")
    hrefs = {a.inner_text(): a.get_attribute("href") for a in footer.locator("a").all()}
    assert hrefs["JSON"].endswith("data/catalog.json") and hrefs["calendar (ICS)"].endswith("data/deadlines.ics")
    base = page.url
    for text, href in hrefs.items():
        if href.startswith("http"):
            continue  # the licence's own page
        url = page.evaluate("([h, b]) => new URL(h, b).href", [href, base])
        with urlopen(url) as response:  # the local test server
            body = response.read()
        assert body, text
        if text == "JSON":
            assert json.loads(body)["generator"] == "onramp"
        if text == "SQLite":
            assert body.startswith(b"SQLite format 3")
    assert errors == []
    page.close()
