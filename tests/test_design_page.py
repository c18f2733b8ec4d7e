"""Design briefs in Chromium: the JavaScript port against the design vectors, the Design page
against `onramp design --json`, template pages, gap-map links, the sortable templates index, the
print rendering (PDF on A4 and Letter, for a person to look at), accessibility and 360 px."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from onramp.design import DESIGN_VECTORS_FILE

from .browser import SCREENSHOTS, open_page, screenshot
from .conftest import ROOT
from .test_cli import run

TODAY = "2026-12-01"
CASES = {
    "wargaming-model-un-lagos": {"template": "ai-crisis-wargaming-lab", "community": "model-un",
                                 "profile": "home-5h-unpaid", "place": "NG"},
    "quant-residency-india-short": {"template": "quant-evals-residency", "community": "quant-traders",
                                    "place": "IN", "cohort": "6", "weeks": "4"},
    "oversight-defaults": {"template": "automated-research-oversight-fellowship"},
}



def query(case: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in case.items())


@pytest.mark.browser
def test_design_vectors_pass_in_chromium(browser, site_url) -> None:
    vectors = json.loads((ROOT / DESIGN_VECTORS_FILE).read_text("utf-8"))
    page, errors = open_page(browser, site_url + "/design/")
    page.wait_for_selector("#onramp-design[data-ready]")
    mismatched = page.evaluate("""v => v.cases.filter(c => JSON.stringify(window.onramp.brief(v.payload, v.facts,
        c.options, v.today)) !== JSON.stringify(c.expected)).map(c => JSON.stringify(c.options))""", vectors)
    assert mismatched == [] and len(vectors["cases"]) >= 20
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_design_page_brief_is_onramp_design_json(browser, site_url, name) -> None:
    case = CASES[name]
    args = ["design", case["template"], "--today", TODAY, "--json"]
    for key in ("community", "profile", "place", "cohort", "weeks"):
        if key in case:
            args += [f"--{key}", case[key]]
    cli = run(*args)
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    page, errors = open_page(browser, site_url + f"/design/?{query(case)}&today={TODAY}")
    page.wait_for_selector("article.onramp-brief")
    assert page.evaluate("window.onramp.lastBrief") == expected
    # what a reader sees says the same: the total, each budget line, each next step
    total = page.locator("[data-total]").inner_text()
    assert total.startswith("Total: ") and expected["budget"]["total_usd"][0] is not None
    assert page.locator(".onramp-budget tbody tr").count() == len(expected["budget"]["lines"])
    steps = page.locator("#brief-after + p + ul li a").all_inner_texts()
    assert steps == [s["name"] for s in expected["after_program"]["next_steps"]]
    # the form shows the options, and the address shares them
    assert page.get_by_label("Template (required)").input_value() == case["template"]
    if "community" in case:
        assert page.get_by_label("Community").input_value() == case["community"]
    screenshot(page, f"design-{name}")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_the_form_writes_only_chosen_options_into_the_address(browser, site_url) -> None:
    page, errors = open_page(browser, site_url + f"/design/?today={TODAY}")
    page.wait_for_selector("#onramp-design[data-ready]")
    page.get_by_label("Template (required)").select_option("debate-oversight-league")
    page.get_by_label("Community").select_option("debaters")
    page.get_by_label("Cohort size").fill("24")
    page.get_by_role("button", name="Make the brief").click()
    page.wait_for_selector("article.onramp-brief")
    q = parse_qs(urlsplit(page.url).query)
    assert q == {"template": ["debate-oversight-league"], "community": ["debaters"], "place": ["NG"],
                 "cohort": ["24"], "today": [TODAY]}
    assert "Cohort of 24 (given" in page.locator(".onramp-brief-for").inner_text()
    assert errors == []
    page.close()


@pytest.mark.browser
def test_a_bad_address_is_explained(browser, site_url) -> None:
    page, errors = open_page(browser, site_url + "/design/?template=ai-crisis-wargaming-lab&cohort=-3&place=XX"
                                                "&community=%3Cscript%3E")
    page.wait_for_selector("article.onramp-brief")
    text = page.locator("#onramp-design-problems").inner_text()
    assert "cohort: '-3'" in text and "place: 'XX'" in text and "community: '<script>'" in text
    assert page.locator("#onramp-design-problems script").count() == 0
    assert errors == []
    page.close()


@pytest.mark.browser
def test_template_pages_carry_their_default_brief_as_the_cli_prints_it(browser, site_url) -> None:
    cli = json.loads(run("design", "regional-coworking-hub", "--json").stdout)
    page, errors = open_page(browser, site_url + "/templates/regional-coworking-hub/")
    brief = page.locator("article.onramp-brief")
    assert brief.get_attribute("data-template") == "regional-coworking-hub"
    rows = brief.locator(".onramp-budget tbody tr")
    assert rows.count() == len(cli["budget"]["lines"])
    assert [re.sub(r"\s+", " ", t) for t in brief.locator("#brief-run-only-if + ul li").all_inner_texts()] == \
        cli["run_only_if"]
    link = page.get_by_role("link", name="Make it for a gap")
    assert link.get_attribute("href").endswith("design/?template=regional-coworking-hub")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_gap_cells_link_to_a_brief_for_their_community_profile_and_place(browser, site_url) -> None:
    page, errors = open_page(browser, site_url + "/gaps/ng/home-10h-paid/")
    rows = page.locator("tbody tr[id^=c-]")
    assert rows.count() >= 20
    for i in range(rows.count()):
        links = rows.nth(i).locator("a[href*='design/?']")
        assert links.count() >= 1, rows.nth(i).get_attribute("id")
    row = page.locator("#c-debaters")
    href = row.locator("a[href*='design/?']").first.get_attribute("href")
    q = parse_qs(urlsplit(href).query)
    assert q["community"] == ["debaters"] and q["profile"] == ["home-10h-paid"] and q["place"] == ["NG"]
    row.locator("a[href*='design/?']").first.click()
    page.wait_for_selector("#onramp-design-result")
    if "template" in q:
        page.wait_for_selector("article.onramp-brief")
        assert "stays home" in page.locator(".onramp-brief-for").inner_text()
    assert page.get_by_label("Community").input_value() == "debaters"
    assert errors == []
    page.close()


@pytest.mark.browser
def test_the_templates_index_sorts_by_cost_mentors_weeks_hours_and_mode(browser, site_url) -> None:
    page, errors = open_page(browser, site_url + "/templates/")

    def column(index: int) -> list[str]:
        return page.locator(f"tbody tr td:nth-child({index})").evaluate_all(
            "cells => cells.map(c => c.dataset.value)")

    header = page.get_by_role("button", name=re.compile("Cost per participant"))
    header.click()
    values = [float(v) for v in column(7)]
    assert values == sorted(values)
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Cost per participant")
    header.click()
    assert [float(v) for v in column(7)] == sorted(values, reverse=True)
    page.get_by_role("button", name=re.compile("Participants per mentor")).click()
    known = [float(v) for v in column(6) if v]
    assert known == sorted(known) and column(6)[-1] in ("", column(6)[-1])  # no-mentor rows last
    for name, index in (("Weeks", 5), ("Hours a week", 4)):
        page.get_by_role("button", name=re.compile(f"^{name}")).click()
        numbers = [float(v) for v in column(index) if v]
        assert numbers == sorted(numbers), name
    page.get_by_role("button", name=re.compile("^Mode")).click()
    modes = column(3)
    assert modes == sorted(modes)
    assert errors == []
    page.close()


@pytest.mark.browser
def test_a_brief_prints_on_a4_and_letter_without_the_site_chrome(browser, site_url) -> None:
    case = CASES["quant-residency-india-short"]
    page, errors = open_page(browser, site_url + f"/design/?{query(case)}&today={TODAY}", 794)
    page.wait_for_selector("article.onramp-brief")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", "#onramp-design", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    notes = page.locator(".onramp-footnotes .onramp-url")
    assert notes.count() >= 1 and notes.first.is_visible() and notes.first.inner_text().startswith("http")
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    screenshot(page, "design-print")
    SCREENSHOTS.mkdir(exist_ok=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=False)
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
        (SCREENSHOTS / f"design-print-{paper.lower()}.pdf").write_bytes(pdf)
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("path", ["/design/?template=ai-crisis-wargaming-lab&community=model-un&profile=home-5h-unpaid",
                                  "/templates/quant-evals-residency/", "/templates/"])
def test_design_pages_are_accessible_and_fit_a_phone(browser, site_url, path, width) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, errors = open_page(browser, site_url + path, width)
    if path.startswith("/design/"):
        page.wait_for_selector("article.onramp-brief")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in serious]
    name = path.split("?")[0].strip("/").replace("/", "-") or "home"
    screenshot(page, f"{name}-{width}")
    assert errors == []
    page.close()
