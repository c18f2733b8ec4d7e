"""The catalog site: generated pages, the strict build, and pages seen in a real browser."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from onramp.catalog import load_catalog
from onramp.site import BuildFailed, build_site

from .browser import launch, screenshot
from .conftest import ROOT, TODAY


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    return build_site(ROOT, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site_url(built_site):
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(built_site), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def test_every_record_has_a_page(built_site) -> None:
    catalog = load_catalog(ROOT, TODAY)
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
    catalog = load_catalog(ROOT, TODAY)
    for record in catalog.programs:
        assert f"{record.id}/" in parser.hrefs


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
    bad.write_text(bad.read_text().replace("mode: in_person", "mode: online"))
    with pytest.raises(BuildFailed) as err:
        build_site(root)
    assert "programs/mats.yaml:" in str(err.value) and "E105" in str(err.value)
    assert (site / "index.html").read_text() == marker
    assert not list(root.glob(".site-build-*"))


def test_build_command_exits_1_with_positioned_errors(tmp_path) -> None:
    root = copy_repo(tmp_path / "repo")
    bad = root / "programs" / "spar.yaml"
    bad.write_text(bad.read_text().replace("last_verified: 2026-12-01", "last_verified: 2026-12-32"))
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
        assert page.locator("h1").first.inner_text() == "MATS (ML Alignment & Theory Scholars)"
        screenshot(page, "serve-mats")
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


PAGES = {"home": "/", "programs": "/programs/", "program": "/programs/spar/",
         "template": "/templates/regional-coworking-hub/", "community": "/communities/osint/",
         "record-format": "/record-format/"}


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
