"""Shared test helpers: the repository root, and validation pinned to a fixed 'today'."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest

from onramp.localhost import serving
from onramp.site import build_site

from .browser import launch

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = dt.date(2026, 12, 1)


def examples(count: int) -> int:
    """Hypothesis examples for a property: `count` in `make test`, ONRAMP_FUZZ times as many in
    `make fuzz`, which runs the same properties for longer."""
    return count * max(1, int(os.environ.get("ONRAMP_FUZZ", "1") or 1))


@pytest.fixture
def root() -> Path:
    return ROOT


# -- the built site, served, and a browser: shared by the page tests ------------------------

@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    return build_site(ROOT, tmp_path_factory.mktemp("site") / "site")


def search_pages(site: Path) -> list[dict]:
    """What Pagefind indexed: each page's url, title and text, read from its gzipped fragments."""
    pages = []
    for fragment in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), fragment
        pages.append(json.loads(data[len(b"pagefind_dcd"):]))
    return pages


@pytest.fixture(scope="session")
def site_url(built_site):
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()
