"""Record text is data, never markup: hostile values (which validation would refuse) are built
into a real site, and the output is parsed for any element, attribute or link they could inject."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from onramp import catalog as catalog_module
from onramp import site
from onramp.catalog import Record, load_catalog

from .browser import open_page
from .conftest import ROOT, search_pages, serving

SCRIPT = "<script>alert('name')</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_URL = "javascript:alert(document.cookie)"


def hostile_catalog():
    catalog = load_catalog(ROOT)
    record = catalog.records["spar"]
    data = copy.deepcopy(record.data)
    data["name"] = f"SPAR {SCRIPT}"
    data["summary"] = f"Summary {IMG} and [a markdown link]({JS_URL}) and <b onclick=alert(2)>bold</b>"
    data["url"] = JS_URL
    data["organiser"] = "<iframe src=javascript:alert(3)></iframe>"
    data["sources"][0] = {**data["sources"][0], "url": JS_URL, "title": f"{SCRIPT} title"}
    data["format"]["note"] = "<svg onload=alert(4)>"
    data["applications"]["windows"] = [{"label": SCRIPT, "closes": "2030-01-01"}]
    catalog.records["spar"] = Record("spar", "program", record.path, data)
    community = catalog.records["osint"]
    cdata = copy.deepcopy(community.data)
    cdata["name"] = f"OSINT {IMG}"
    cdata["gathering_places"][0]["url"] = "  JavaScript:alert(5)"
    cdata["barriers"] = [SCRIPT, f"<a href='{JS_URL}'>x</a>"]
    catalog.records["osint"] = Record("osint", "community", community.path, cdata)
    template = catalog.records["regional-coworking-hub"]
    tdata = copy.deepcopy(template.data)
    tdata["design"]["rationale"] = f"Why {SCRIPT}"
    tdata["design"]["risks"] = [{"risk": IMG, "safeguard": f"<a href='{JS_URL}'>safe</a>"}]
    tdata["design"]["evaluation"] = [{"measure": "<svg onload=alert(6)>", "when": ["end"], "how": SCRIPT}]
    tdata["design"]["staffing"]["roles"] = "<iframe src=javascript:alert(7)></iframe>"
    tdata["design"]["budget"][0] = {**tdata["design"]["budget"][0], "basis": SCRIPT, "label": IMG, "source": JS_URL}
    tdata["design"]["run_only_if"] = [SCRIPT]
    tdata["design"]["timeline"][0] = {**tdata["design"]["timeline"][0], "step": IMG, "basis": SCRIPT}
    tdata["after_program"]["job_placement"] = IMG
    catalog.records["regional-coworking-hub"] = Record("regional-coworking-hub", "template", template.path, tdata)
    return catalog


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            if name.lower() in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.bad.append(f"<{tag} {name}={value}>")
        if tag in ("iframe", "img", "svg", "object", "embed") and any("alert" in (v or "") for _, v in attrs):
            self.bad.append(f"<{tag}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag) -> None:
        self._in_script = False

    def handle_data(self, data) -> None:
        if self._in_script and "alert" in data:
            self.bad.append("<script>alert")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, monkeypatch_module):
    catalog = hostile_catalog()
    # the hooks look load_catalog up on onramp.catalog at each build: patching it there reaches them
    monkeypatch_module.setattr(catalog_module, "load_catalog", lambda root, today=None: catalog)
    monkeypatch_module.setattr(site, "load_catalog", lambda root, today=None: catalog)
    return site.build_site(ROOT, tmp_path_factory.mktemp("hostile") / "site")


@pytest.fixture(scope="module")
def monkeypatch_module():
    patcher = pytest.MonkeyPatch()
    yield patcher
    patcher.undo()


@pytest.mark.parametrize("page", ["programs/spar/index.html", "programs/index.html", "communities/osint/index.html",
                                  "communities/index.html", "areas/evaluations/index.html", "index.html",
                                  "templates/regional-coworking-hub/index.html"])
def test_no_injected_element_attribute_or_link(hostile_site, page) -> None:
    html = (hostile_site / page).read_text()
    audit = Audit()
    audit.feed(html)
    assert audit.bad == []


def test_template_fields_are_escaped(hostile_site) -> None:
    html = (hostile_site / "templates" / "regional-coworking-hub" / "index.html").read_text()
    assert "Why &lt;script&gt;alert(" in html  # the hostile rationale reached the page, as text
    assert "&lt;img src=x onerror=" in html


def test_hostile_text_is_shown_as_text(hostile_site) -> None:
    html = (hostile_site / "programs" / "spar" / "index.html").read_text()
    assert "&lt;script&gt;alert(" in html  # escaped, so a reader sees the text itself
    assert "<script>alert(" not in html
    assert "javascript:alert(document.cookie)" in html  # shown as text, never as a link target
    assert 'href="javascript:' not in html.lower()


def test_search_index_holds_the_hostile_text_as_text(hostile_site) -> None:
    pages = {page["url"]: page for page in search_pages(hostile_site)}
    assert pages["/programs/spar/"]["meta"]["title"] == f"SPAR {SCRIPT}"  # indexed as the words it is
    assert IMG in pages["/programs/spar/"]["content"]


@pytest.mark.browser
def test_search_results_show_hostile_text_without_running_it(hostile_site, browser) -> None:
    """Search results are built in the page from the index: record text must arrive as text."""
    with serving(hostile_site) as url:
        page, errors = open_page(browser, f"{url}/")
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.fill("input[name=q]", "SPAR summary")
        page.wait_for_selector("#onramp-search-results li a")
        results = page.locator("#onramp-search-results")
        assert f"SPAR {SCRIPT}" in results.locator("li a").all_inner_texts()
        assert results.locator("script, img, svg, iframe, b").count() == 0
        assert results.locator("mark").count() > 0  # Pagefind's highlights survive as the only markup
        page.wait_for_timeout(300)
        assert dialogs == [] and errors == []
        page.close()
