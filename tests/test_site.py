"""The catalog site: generated pages, the strict build, and pages seen in a real browser."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from onramp.catalog import load_catalog
from onramp.site import BuildFailed, build_site

from .browser import screenshot
from .conftest import ROOT


def test_every_record_has_a_page(built_site) -> None:
    catalog = load_catalog(ROOT)
    section = {"program": "programs", "template": "templates", "community": "communities"}
    for record in catalog.records.values():
        page = built_site / section[record.kind] / record.id / "index.html"
        assert page.is_file(), f"no page for {record.id}"
        assert record.data["summary"][:40].replace("&", "&amp;").replace('"', "&#34;") in page.read_text() \
            or record.id in page.read_text()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def test_index_links_to_each_program(built_site) -> None:
    parser = Links()
    parser.feed((built_site / "programs" / "index.html").read_text())
    catalog = load_catalog(ROOT)
    for record in catalog.programs:
        assert f"../programs/{record.id}/" in parser.hrefs


def with_line(text: str, key: str, value: str) -> str:
    """A record's YAML text with the first `key: ...` line (indentation included) set to value."""
    changed, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1)
    assert count == 1, f"no {key!r} line"
    return changed


def copy_repo(root: Path) -> Path:
    """The parts of the repository a site build reads, copied so a test can break them."""
    root.mkdir()
    for name in ("mkdocs.yml", "docs", "schemas", "data", "programs", "communities", "site_templates", "scripts"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    return root


def test_failed_build_keeps_the_last_good_site(tmp_path) -> None:
    root = copy_repo(tmp_path / "repo")
    site = build_site(root)
    marker = (site / "index.html").read_text()
    bad = root / "programs" / "mats.yaml"
    bad.write_text(with_line(bad.read_text(), "  mode", "online"))
    with pytest.raises(BuildFailed) as err:
        build_site(root)
    assert "programs/mats.yaml:" in str(err.value) and "E105" in str(err.value)
    assert (site / "index.html").read_text() == marker
    assert not list(root.glob(".site-build-*"))


def test_build_command_exits_1_with_positioned_errors(tmp_path) -> None:
    root = copy_repo(tmp_path / "repo")
    bad = root / "programs" / "spar.yaml"
    bad.write_text(with_line(bad.read_text(), "last_verified", "2026-12-32"))
    result = subprocess.run([sys.executable, "-m", "onramp", "build", "--root", str(root)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "programs/spar.yaml:" in result.stderr and "E204" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_serve_serves_the_catalog(browser) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "onramp", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "onramp serve did not answer within 180 s"
                time.sleep(0.5)
        page = browser.new_page()
        page.goto(url + "programs/mats/")
        assert page.locator("h1").first.inner_text() == load_catalog(ROOT).records["mats"].name
        screenshot(page, "serve-mats")
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert proc.poll() is None, "the server exited"
        assert time.monotonic() < deadline, f"{url} did not answer within {seconds} s"
        time.sleep(0.5)


def test_serve_rebuilds_on_record_change_and_survives_a_broken_record(tmp_path) -> None:
    root = copy_repo(tmp_path / "repo")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "onramp", "serve", "--root", str(root), "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/programs/spar/"
    try:
        wait_for(url, proc)
        record = root / "programs" / "spar.yaml"
        good = record.read_text()
        record.write_text(with_line(good, "name", "SPAR renamed"))
        deadline = time.monotonic() + 120
        while b"SPAR renamed" not in urllib.request.urlopen(url, timeout=60).read():
            assert time.monotonic() < deadline, "the page was not rebuilt after the record changed"
            time.sleep(0.5)
        record.write_text(with_line(good, "  mode", "online"))
        deadline = time.monotonic() + 120
        while "E105" not in log.read_text():
            assert time.monotonic() < deadline, "the broken record was not reported"
            time.sleep(0.5)
        assert b"SPAR renamed" in urllib.request.urlopen(url, timeout=60).read()  # last good build still served
        text = log.read_text()
        assert "programs/spar.yaml:" in text and "Traceback" not in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


PAGES = {"home": "/", "programs": "/programs/", "program": "/programs/spar/",
         "template": "/templates/regional-coworking-hub/", "community": "/communities/osint/",
         "communities": "/communities/", "templates": "/templates/", "area": "/areas/evaluations/",
         "record-format": "/record-format/", "gaps": "/gaps/", "gaps-place": "/gaps/us/",
         "gap-column": "/gaps/ng/home-10h-paid/", "find": "/find/?country=NG&hours_per_week=10"}


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_without_console_errors(browser, site_url, name) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.goto(site_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() >= 1
    screenshot(page, name)
    assert errors == []
    assert failed == []
    page.close()


@pytest.mark.browser
def test_no_request_leaves_the_machine(browser, site_url) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(site_url) else None)
    for path in PAGES.values():
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert outside == []
    page.close()


def browsed(catalog, community: str = "", area: str = "", ended: bool = False) -> list[str]:
    """What the programs list should show for its browsing filters, worked out from the facts."""
    return sorted(r.id for r in catalog.programs
                  if (ended or catalog.facts[r.id].status != "ended")
                  and (not community or community in catalog.facts[r.id].communities)
                  and (not area or area in catalog.facts[r.id].areas))


@pytest.mark.browser
@pytest.mark.parametrize("criteria", [{}, {"community": "forecasters"}, {"area": "ai-governance", "ended": "1"},
                                      {"ended": "1"}], ids=str)
def test_programs_list_browses_recorded_facts_and_hides_ended_programs(browser, site_url, criteria) -> None:
    from urllib.parse import urlencode

    catalog = load_catalog(ROOT)
    expected = browsed(catalog, criteria.get("community", ""), criteria.get("area", ""), "ended" in criteria)
    page = browser.new_page()
    page.goto(site_url + "/programs/")
    for name, value in criteria.items():
        control = page.locator(f"#onramp-filters [name={name}]")
        if control.get_attribute("type") == "checkbox":
            control.check()
        else:
            control.select_option(value)
    shown = sorted(page.locator("#onramp-programs tbody tr:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"))
    assert shown == expected
    assert page.locator("#onramp-count").inner_text() == f"{len(expected)} of {len(catalog.programs)} programs shown."
    page.goto(site_url + "/programs/?" + urlencode(criteria))  # the address keeps the filters
    again = sorted(page.locator("#onramp-programs tbody tr:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"))
    assert again == expected
    page.close()


def test_programs_list_names_communities_and_says_short_programs_pay_for_their_length(built_site) -> None:
    html = (built_site / "programs" / "index.html").read_text()
    row = html.split('data-id="caish-hardware-assurance"', 1)[1].split("</tr>", 1)[0]
    assert "1,500 GBP for 1 week" in row and "USD/month" not in row
    assert ">Information security, CTF and red-team community</a>" in row
    assert 'href="../find/"' in html


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_programs_list_is_cards_on_a_phone_and_a_table_with_a_sticky_header_on_a_screen(browser, site_url,
                                                                                         width) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site_url + "/programs/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator("#onramp-programs tbody tr").first
    display = first.evaluate("e => getComputedStyle(e).display")
    header = page.locator("#onramp-programs thead th").first.evaluate("e => getComputedStyle(e).position")
    if width == 360:
        assert display == "block"
        label = first.locator("td").first.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"Mode: "'  # each cell of a card names its column
    else:
        assert display == "table-row" and header == "sticky"
    screenshot(page, f"programs-{width}")
    page.close()


@pytest.mark.browser
def test_sorting_by_stipend(browser, site_url) -> None:
    page = browser.new_page()
    page.goto(site_url + "/programs/")
    page.get_by_role("button", name="Stipend").click()
    page.get_by_role("button", name="Stipend").click()  # descending: the best paid first
    first = page.locator("#onramp-programs tbody tr").first.get_attribute("data-id")
    catalog = load_catalog(ROOT)
    best = max(catalog.programs, key=lambda r: catalog.facts[r.id].stipend_usd_month or -1)
    assert first == best.id
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["home", "programs", "program", "template", "community", "gaps", "gap-column",
                                  "find"])
def test_no_serious_accessibility_violations(browser, site_url, name) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(site_url + PAGES[name])
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in serious]
    page.close()


def test_program_page_shows_unknown_sources_and_freshness(built_site) -> None:
    """Read against the real records and the real date (the site was built today)."""

    from markupsafe import escape

    from onramp.site import STALE_AFTER_DAYS

    catalog = load_catalog(ROOT)
    unknown = next(r for r in catalog.programs if catalog.facts[r.id].stipend_usd_month is None
                   and catalog.facts[r.id].paid is not False)
    html = (built_site / "programs" / unknown.id / "index.html").read_text()
    assert 'class="onramp-unknown"' in html  # an unknown stipend is shown as unknown, not left blank
    verified = unknown.data["last_verified"]
    assert f"Last verified {verified}" in html
    for source in unknown.data["sources"]:
        assert f'href="{escape(source["url"])}"' in html and str(source["accessed"]) in html
    stale = (dt.date.today() - dt.date.fromisoformat(str(verified))).days > STALE_AFTER_DAYS
    assert ("May be out of date" in html) is stale


def test_stale_records_carry_a_notice() -> None:
    from onramp.site import STALE_AFTER_DAYS, SiteBuilder

    catalog = load_catalog(ROOT)
    verified = dt.date.fromisoformat(str(catalog.records["mats"].data["last_verified"]))
    mats = catalog.records["mats"]
    later = SiteBuilder(catalog, ROOT / "site_templates", today=verified + dt.timedelta(STALE_AFTER_DAYS + 1))
    assert "May be out of date" in later.record_page(mats)
    now = SiteBuilder(catalog, ROOT / "site_templates", today=verified + dt.timedelta(STALE_AFTER_DAYS))
    assert "May be out of date" not in now.record_page(mats)


def test_community_without_targeting_program_gets_a_callout(built_site) -> None:
    catalog = load_catalog(ROOT)
    untargeted = [c for c in catalog.communities
                  if not any(c.id in p.data["communities"] for p in catalog.programs)]
    targeted = [c for c in catalog.communities if c not in untargeted]
    assert untargeted and targeted
    def page(community) -> str:
        return (built_site / "communities" / community.id / "index.html").read_text()

    assert all("No program is made for this community" in page(c) for c in untargeted)
    assert not any("No program is made for this community" in page(c) for c in targeted)


def test_area_pages_list_their_programs(built_site) -> None:
    catalog = load_catalog(ROOT)
    html = (built_site / "areas" / "automated-research-oversight" / "index.html").read_text()
    users = [r for r in catalog.programs + catalog.templates
             if "automated-research-oversight" in r.data["research_areas"]]
    assert users
    for record in users:
        assert f"/{record.id}/" in html


# -- the gap map -------------------------------------------------------------------------------

@pytest.mark.browser
def test_gap_map_place_selector_changes_the_table(browser, site_url) -> None:
    from onramp.gaps import read_gap_settings

    catalog = load_catalog(ROOT)
    found, _ = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    page = browser.new_page()
    page.goto(site_url + "/gaps/")
    table = page.locator("table.onramp-heat")
    assert table.get_attribute("data-place") == found.default_place
    cells = table.locator("tbody td")
    assert cells.count() == len(catalog.communities) * len(found.profiles)
    before = cells.all_inner_texts()
    page.select_option("#onramp-place-select", label="United States (Berkeley)")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/gaps/us/")
    assert page.locator("table.onramp-heat").get_attribute("data-place") == "US"
    assert page.locator("#onramp-place-select").input_value().endswith("/gaps/us/")
    after = page.locator("table.onramp-heat tbody td").all_inner_texts()
    assert len(after) == len(before) and after != before  # Berkeley's programs are local in the hub
    # a cell leads to the row of its community on the page of its column
    page.locator("table.onramp-heat tbody tr").first.locator("td a").first.click()
    page.wait_for_load_state()
    first = catalog.communities[0]
    assert page.url.endswith(f"/gaps/us/{found.profiles[0].id}/#c-{first.id}")
    assert page.locator(f"#c-{first.id} th").inner_text() == first.name
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_gap_map_fits_the_screen_and_its_table_scrolls_in_its_box(browser, site_url, width) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path, name in (("/gaps/", "gaps"), ("/gaps/ng/home-10h-paid/", "gap-column"),
                       ("/communities/debaters/", "community-gap-row")):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        screenshot(page, f"{name}-{width}")
    page.goto(site_url + "/gaps/")
    box = page.locator(".onramp-heatmap")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # 24 profiles never fit: the box scrolls
    header = page.locator("table.onramp-heat thead th").nth(3)
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.close()


def test_gap_cells_without_a_confirmed_fit_name_a_template_or_say_none_exists(built_site) -> None:
    from onramp.gaps import gap_map, read_gap_settings

    catalog = load_catalog(ROOT)
    found, _ = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    gmap = gap_map(catalog, found, dt.date.today())
    pages: dict[str, str] = {}
    for (community, profile, place), cell in gmap.cells.items():
        if cell.confirmed:
            continue
        key = f"{place.lower()}/{profile}"
        html = pages.setdefault(key, (built_site / "gaps" / place.lower() / profile / "index.html").read_text())
        row = html.split(f'<tr id="c-{community}">', 1)[1].split("</tr>", 1)[0]
        if cell.templates:
            first = catalog.get(cell.templates[0]["id"])
            assert f'/templates/{first.id}/"' in row, (community, profile, place)
        else:
            assert "No template fits yet" in row, (community, profile, place)


def test_community_page_shows_its_row_of_the_map(built_site) -> None:
    from onramp.gaps import gap_map, read_gap_settings

    catalog = load_catalog(ROOT)
    found, _ = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    gmap = gap_map(catalog, found, dt.date.today(), communities=["remote-participants"])
    html = (built_site / "communities" / "remote-participants" / "index.html").read_text()
    assert "0 — gap" not in html
    for place in found.places:
        cell = gmap.cell("remote-participants", found.profiles[0].id, place.country)
        link = f'href="../../gaps/{place.id}/{found.profiles[0].id}/#c-remote-participants"'
        assert link in html
        shown = html.split(link, 1)[1].split("</a>", 1)[0]
        assert f'<span aria-hidden="true">{len(cell.confirmed)}' in shown


def digests(site: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_catalog_write_identical_files(tmp_path) -> None:
    """Every file, the Pagefind index, the sitemap and the exports included, byte for byte: dates
    come from the records, not the clock (only pages that state "today" could change, and both
    builds are made on one day: once more if midnight passed between them)."""
    for attempt in range(2):
        day = dt.date.today()
        first = digests(build_site(ROOT, tmp_path / f"first-{attempt}"))
        second = digests(build_site(ROOT, tmp_path / f"second-{attempt}"))
        if dt.date.today() == day:
            break
    assert len(first) > 500 and any(name.startswith("pagefind/") for name in first)
    assert "sitemap.xml.gz" in first and "data/catalog.db" in first
    assert {name for name in first if first[name] != second.get(name)} == set()
    assert first == second
