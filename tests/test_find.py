"""The Find page in Chromium: the JavaScript matcher against the conformance vectors, the form
against `onramp match --json`, shared addresses, the calendar file, accessibility and 360 px."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from onramp.webdata import VECTORS_FILE

from .browser import screenshot
from .conftest import ROOT
from .test_cli import run

TODAY = "2026-12-01"
PROFILES = {
    "lagos-debater": {"country": ("NG", "Nigeria (NG)"), "city": "Lagos", "relocate": "none", "hours_per_week": "10",
                      "stipend": ("300", "USD", "month"), "communities": ["debaters"]},
    "london-quant": {"country": ("GB", "United Kingdom (GB)"), "city": "London", "relocate": "yes",
                     "hours_per_week": "40", "weeks": "12", "communities": ["quant-traders"],
                     "interests": ["interpretability"]},
    "nairobi-student": {"country": ("KE", "Kenya (KE)"), "relocate": "short", "max_weeks_away": "2",
                        "hours_per_week": "20", "stage": "undergraduate", "age": "19", "no_fee": True},
}


def cli_args(p: dict) -> list[str]:
    args = ["match", "--country", p["country"][0], "--today", TODAY, "--json"]
    for key, flag in (("city", "--city"), ("relocate", "--relocate"), ("max_weeks_away", "--max-weeks-away"),
                      ("hours_per_week", "--hours"), ("weeks", "--weeks"), ("stage", "--stage"), ("age", "--age")):
        if key in p:
            args += [flag, p[key]]
    if "stipend" in p:
        amount, currency, period = p["stipend"]
        args += ["--min-stipend", f"{amount} {currency}/{period}"]
    if p.get("no_fee"):
        args.append("--no-fee")
    for c in p.get("communities", []):
        args += ["--community", c]
    for i in p.get("interests", []):
        args += ["--interest", i]
    return args


def fill(page, p: dict) -> None:
    """As a person would: through the form's labelled controls."""
    page.get_by_label("Country (required)").select_option(label=p["country"][1])
    if "city" in p:
        page.get_by_label("City").fill(p["city"])
    page.locator(f"input[name=relocate][value={p['relocate']}]").check()
    if "max_weeks_away" in p:
        page.get_by_label("weeks away at most").fill(p["max_weeks_away"])
    for key, label in (("hours_per_week", "Hours a week you can give"), ("weeks", "Weeks you have for a program"),
                       ("age", "Age")):
        if key in p:
            page.get_by_label(label, exact=True).fill(p[key])
    if "stipend" in p:
        amount, currency, period = p["stipend"]
        page.get_by_label("The least stipend you need").fill(amount)
        page.locator("select[name=stipend_currency]").select_option(currency)
        page.locator("select[name=stipend_period]").select_option(period)
    if p.get("no_fee"):
        page.get_by_label("I cannot pay a participant fee").check()
    if "stage" in p:
        page.get_by_label("Career stage").select_option(p["stage"])
    for c in p.get("communities", []):
        page.locator(f"input[name=communities][value={c}]").check()
    for i in p.get("interests", []):
        page.locator(f"input[name=interests][value={i}]").check()


def listed(page) -> list[tuple[str, str]]:
    return page.locator("[data-result]").evaluate_all("els => els.map(e => [e.dataset.result, e.dataset.id])")


def expected_list(result: dict) -> list[tuple[str, str]]:
    return ([["match", m["id"]] for m in result["matches"]] + [["near-miss", m["id"]] for m in result["near_misses"]]
            + [["format", m["id"]] for m in result["formats"]])


def open_find(browser, site_url, query: str = f"?today={TODAY}", width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_url + "/find/" + query)
    page.wait_for_function("window.onramp && window.onramp.data")
    return page, errors


@pytest.mark.browser
def test_conformance_vectors_pass_in_chromium(browser, site_url) -> None:
    vectors = json.loads((ROOT / VECTORS_FILE).read_text("utf-8"))
    page, errors = open_find(browser, site_url)
    mismatched = page.evaluate("""v => v.cases.filter(c => JSON.stringify(window.onramp.match(v, c.profile, v.today))
        !== JSON.stringify(c.expected)).map(c => c.profile.name)""", vectors)
    assert mismatched == [] and len(vectors["cases"]) >= 100
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_form_answers_as_onramp_match_does_and_the_address_shares_it(browser, site_url, name) -> None:
    p = PROFILES[name]
    cli = run(*cli_args(p))
    assert cli.returncode == 0, cli.stderr
    expected = expected_list(json.loads(cli.stdout))
    page, errors = open_find(browser, site_url)
    fill(page, p)
    page.get_by_role("button", name="Show programs that fit").click()
    page.wait_for_selector("#onramp-summary")
    assert listed(page) == expected
    query = parse_qs(urlsplit(page.url).query)
    assert query["country"] == [p["country"][0]] and query.get("communities", []) == p.get("communities", [])
    if "stipend" in p:
        assert query["min_stipend"] == ["{} {}/{}".format(*p["stipend"])]
    # the shared address gives the same answer in a fresh page, and the form shows the profile
    shared, shared_errors = open_find(browser, site_url, "?" + urlsplit(page.url).query)
    shared.wait_for_selector("#onramp-summary")
    assert listed(shared) == expected
    assert shared.get_by_label("Country (required)").input_value() == p["country"][0]
    # every match says in words why it fits and links to its page and its organiser
    first = shared.locator("[data-result=match]").first
    if first.count():
        assert first.locator(".onramp-fit").inner_text().startswith("Fits")
        assert first.locator("a").first.get_attribute("href").startswith("../programs/")
    screenshot(shared, f"find-{name}")
    assert errors == [] and shared_errors == []
    page.close()
    shared.close()


@pytest.mark.browser
def test_the_back_button_returns_to_the_previous_answer(browser, site_url) -> None:
    page, _ = open_find(browser, site_url, f"?today={TODAY}&country=NG&hours_per_week=5")
    page.wait_for_selector("#onramp-summary")
    first = listed(page)
    page.locator("summary", has_text="Your situation").click()  # the answer folds the form away
    page.get_by_label("Hours a week you can give").fill("40")
    page.get_by_role("button", name="Show programs that fit").click()
    page.wait_for_url("**hours_per_week=40**")
    page.wait_for_selector("#onramp-summary")
    assert listed(page) != first
    page.go_back()
    page.wait_for_selector("#onramp-summary")
    assert listed(page) == first
    page.close()


@pytest.mark.browser
def test_the_calendar_file_holds_the_listed_programs_windows_ahead(browser, site_url) -> None:
    import icalendar

    day = "2026-01-01"  # a date with windows ahead in the recorded cycles
    page, _ = open_find(browser, site_url, f"?today={day}&country=GB&relocate=yes")
    page.wait_for_selector("#onramp-summary")
    data = page.evaluate("window.onramp.data")
    ids = [i for kind, i in listed(page) if kind in ("match", "near-miss")]
    by_id = {r["id"]: r for r in data["records"]}
    expected = sorted((i, w[2]) for i in ids for w in by_id[i]["windows"] if w[2] >= day)
    assert expected
    with page.expect_download() as download:
        page.locator("#onramp-ics").click()
    text = open(download.value.path(), encoding="utf-8").read()
    calendar = icalendar.Calendar.from_ical(text)
    events = [e for e in calendar.walk("VEVENT")]
    got = sorted((str(e["UID"]).split(f"-{e.decoded('DTSTART').isoformat()}-")[0], e.decoded("DTSTART").isoformat())
                 for e in events)
    assert got == expected
    assert len({str(e["UID"]) for e in events}) == len(events)
    page.close()


@pytest.mark.browser
def test_a_bad_address_is_explained_not_ignored(browser, site_url) -> None:
    page, errors = open_find(browser, site_url, "?country=NG&hours_per_week=lots&min_stipend=some&communities=x")
    page.wait_for_selector("#onramp-summary")
    alert = page.get_by_role("alert").inner_text()
    assert "hours_per_week: 'lots' is not a number" in alert and "min_stipend: 'some'" in alert
    assert "communities: 'x'" in alert
    page.goto(site_url + "/find/?country=Nigeria")
    page.wait_for_function("window.onramp && window.onramp.data")
    assert "is not a country code" in page.get_by_role("alert").inner_text()
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_find_page_is_accessible_and_fits_a_phone(browser, site_url, width) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, errors = open_find(browser, site_url, f"?today={TODAY}&country=NG&city=Lagos&relocate=none"
                                                 "&hours_per_week=10&min_stipend=300%20USD/month", width)
    page.wait_for_selector("#onramp-summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in serious]
    # keyboard alone: the country select, then the other fields, then the button, in order
    page.goto(site_url + f"/find/?today={TODAY}")
    page.wait_for_function("window.onramp && window.onramp.data")
    page.get_by_label("Country (required)").focus()
    page.keyboard.type("Kenya")
    for _ in range(60):
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#onramp-summary")
    assert "country=KE" in page.url
    screenshot(page, f"find-{width}")
    assert errors == []
    page.close()
