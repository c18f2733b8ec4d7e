"""The maintainers' aids on the site, in Chromium: the needs-checking list is `onramp stale`, and
every record page links to its file in the repository and to a prefilled correction form."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .browser import open_page, screenshot
from .conftest import ROOT
from .test_cli import run


@pytest.mark.browser
def test_the_needs_checking_page_is_onramp_stale(browser, site_url) -> None:
    from axe_playwright_python.sync_playwright import Axe

    expected = json.loads(run("stale", "--json").stdout)["records"]
    page, errors = open_page(browser, site_url + "/needs-checking/")
    names = page.locator("tbody th a").all_inner_texts()
    assert names == [r["name"] for r in expected] and names
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"]) for v in serious]
    screenshot(page, "needs-checking")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_record_pages_link_to_their_file_and_a_prefilled_correction(browser, site_url) -> None:
    repository = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["extra"]["repository"]
    page, errors = open_page(browser, site_url + "/programs/mats/")
    edit = page.get_by_role("link", name="Edit this record").get_attribute("href")
    assert edit == f"{repository}/edit/main/programs/mats.yaml"
    correction = page.get_by_role("link", name="Report a correction").get_attribute("href")
    url = urlsplit(correction)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{repository}/issues/new"
    query = parse_qs(url.query)
    assert query["template"] == ["correction.yml"] and query["record"] == ["mats"]
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "correction.yml").read_text())
    assert "record" in [item.get("id") for item in form["body"]]  # the prefilled field exists
    assert errors == []
    page.close()
