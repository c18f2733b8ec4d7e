"""What a reader's browser pays: the bytes of a first visit to the main pages of a large
catalog, the Find page's matcher in Chromium against a bare JavaScript loop over the hard rules,
and Lighthouse's scores (mobile) on the real catalog's site.

Pages are served from a local folder and driven by Playwright with Debian's chromium, as the
browser tests are; nothing is fetched from the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..localhost import serving
from ..synthetic import REPO
from .figures import Figure

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Page -> byte budget of a first visit (KiB, uncompressed, everything the page fetches).
BUDGETS = {"": ("home page", 500), "programs/": ("programs list", 1024), "find/": ("Find page", 1024)}
LIGHTHOUSE_PAGES = ("", "programs/", "find/", "gaps/", "programs/mats/")
LIGHTHOUSE = REPO / "bench" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def first_visit_bytes(browser, url: str) -> int:
    """Bytes of every response a first visit to url receives, uncompressed, once the page is idle."""
    context = browser.new_context()  # an empty cache: a first visit
    page = context.new_page()
    sizes: dict[str, int] = {}

    def finished(request) -> None:
        response = request.response()
        with contextlib.suppress(Exception):  # a response without a body (a redirect) weighs nothing
            sizes[request.url] = len(response.body()) if response else 0

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    context.close()
    return sum(sizes.values())


def bench_pages(site: Path, programs: int, profiles: int) -> list[Figure]:
    """Page weights and the in-browser matcher, on a built site of `programs` programs."""
    from playwright.sync_api import sync_playwright

    vectors = json.loads((REPO / "web" / "test" / "vectors.json").read_text("utf-8"))
    chosen = [case["profile"] for case in vectors["cases"]]
    chosen = [chosen[i % len(chosen)] for i in range(profiles)]
    figures = []
    with serving(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for path, (name, budget) in BUDGETS.items():
            kib = first_visit_bytes(browser, f"{base}/{path}") / 1024
            figures.append(Figure(f"weight-{name.split()[0].lower()}", f"first visit to the {name}, {programs} "
                                  "programs, KiB", kib, budget, "KiB"))
        page = browser.new_page()
        page.goto(f"{base}/find/")
        page.wait_for_function("window.onramp && window.onramp.data")
        timings = page.evaluate("""(profiles) => {
            const { match, bareHardRules, data } = window.onramp;
            const best = (action) => {
              let least = Infinity;
              for (let i = 0; i < 5; i += 1) {
                const t = performance.now(); action(); least = Math.min(least, performance.now() - t);
              }
              return least;
            };
            const bare = best(() => bareHardRules(data, profiles));
            const ours = best(() => { for (const p of profiles) match(data, p, "2026-12-01"); });
            return { bare, ours, programs: data.records.filter((r) => r.kind === "program").length };
        }""", chosen)
        browser.close()
    figures.append(Figure("browser-match-vs-bare", f"Find page matcher in Chromium, {len(chosen)} profiles x "
                          f"{timings['programs']} programs, vs a bare JavaScript hard-rule loop",
                          timings["ours"] / timings["bare"], 3.0, "x",
                          {"baseline_ms": timings["bare"], "onramp_ms": timings["ours"]}))
    return figures


def bench_lighthouse(site: Path, pages: tuple[str, ...] = LIGHTHOUSE_PAGES) -> list[Figure]:
    """Lighthouse 12.2.3 (bench/node_modules) in its default mobile mode on each page; the lowest
    score of each category over the pages is the figure."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("bench: Lighthouse is not installed; `make bench` installs it (npm ci in bench/)")
    lowest: dict[str, tuple[float, str]] = {}
    with serving(site, compress=True) as base, tempfile.TemporaryDirectory(prefix="onramp-lighthouse-") as tmp:
        for path in pages:
            out = Path(tmp) / "report.json"
            done = subprocess.run(
                ["node", str(LIGHTHOUSE), f"{base}/{path}", f"--chrome-path={CHROMIUM}", "--quiet", "--output=json",
                 f"--output-path={out}", "--only-categories=" + ",".join(CATEGORIES),
                 "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)],
                capture_output=True, text=True, timeout=300)
            if done.returncode or not out.exists():
                raise SystemExit(f"bench: Lighthouse failed on /{path}: {done.stderr[-2000:]}")
            report = json.loads(out.read_text("utf-8"))
            for category in CATEGORIES:
                score = 100 * (report["categories"][category]["score"] or 0)
                if category not in lowest or score < lowest[category][0]:
                    lowest[category] = (score, "/" + path)
    return [Figure(f"lighthouse-{category}", f"Lighthouse {category} (mobile), lowest over {len(pages)} pages "
                   f"({lowest[category][1]})", lowest[category][0], target, "score", higher=True)
            for category, target in CATEGORIES.items()]
