"""`make bench`: Onramp's speed and page weight at catalog scale, each figure against its target.

Times are ratios against a baseline measured in the same run (a peer tool, plain mkdocs, a bare
loop), so a noisy machine does not move them much; bytes and Lighthouse scores are absolute. One
run prints a table, writes bench/results.json and refreshes the figures in docs/performance.md.
`--quick` runs every benchmark on smaller inputs, for development (a few minutes).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import tempfile
import time
from pathlib import Path

from ..problems import printable
from ..synthetic import REPO
from .figures import Figure, results, table_lines, unsafe_output, update_docs, write_results

FULL = {"records": 10_000, "candidates": 4_000, "programs": 1_000, "sizes": (1_000, 4_000), "profiles": 1_000,
        "runs": 3, "build_runs": 1}
QUICK = {"records": 2_000, "candidates": 500, "programs": 1_000, "sizes": (200, 800), "profiles": 200,
         "runs": 2, "build_runs": 1}


def real_site(target: Path) -> Path:
    """The real catalog's site, built into target (Lighthouse scores what readers see today)."""
    from ..site import build_site

    return build_site(REPO, target / "site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m onramp.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs, for development")
    parser.add_argument("--no-lighthouse", action="store_true", help="leave out the Lighthouse scores")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "results.json",
                        help="where to write the results (default bench/results.json)")
    args = parser.parse_args(argv)
    refused = unsafe_output(args.output)
    if refused:  # said now, not after twenty minutes of measuring
        parser.error(printable(refused))
    from .pages import bench_lighthouse, bench_pages
    from .speed import bench_build, bench_gaps, bench_hostile, bench_match, bench_validate

    # An installed package runs from compiled bytecode; in an editable checkout with
    # PYTHONDONTWRITEBYTECODE set (as on the CI machines) every `onramp` run would recompile its
    # modules, and the bench would be timing the compiler.
    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=1)
    size = QUICK if args.quick else FULL
    started, figures = time.perf_counter(), []

    def report(new: list[Figure]) -> None:  # each group prints as soon as it is measured
        figures.extend(new)
        for line in table_lines(new)[1:]:
            print(line, flush=True)

    print("measuring; each line prints when its benchmark is done", flush=True)
    with tempfile.TemporaryDirectory(prefix="onramp-bench-") as tmp:
        keep = Path(tmp)
        report(bench_hostile(size["runs"]))
        report(bench_validate(size["records"], size["runs"]))
        report(bench_match(size["candidates"], size["programs"], 1))
        report(bench_gaps(size["runs"]))
        report(bench_build(size["sizes"], size["build_runs"], keep=keep))
        report(bench_pages(keep / f"site-{size['sizes'][0]}", size["sizes"][0], size["profiles"]))
        if not args.no_lighthouse:
            report(bench_lighthouse(real_site(keep), pages=("", "find/") if args.quick else
                                    ("", "programs/", "find/", "gaps/", "programs/mats/")))
    seconds = time.perf_counter() - started
    print()
    print("\n".join(table_lines(figures)))
    missed = [f.id for f in figures if not f.met]
    print(f"\n{len(figures) - len(missed)} of {len(figures)} targets met in {seconds / 60:.1f} minutes"
          + (f"; missed: {', '.join(missed)}" if missed else ""))
    data = results(figures, "quick" if args.quick else "full", seconds, dt.date.today().isoformat())
    write_results(args.output, data)
    if args.output == REPO / "bench" / "results.json" and not args.quick:
        update_docs(REPO / "docs" / "performance.md", data)
    print(f"wrote {args.output}")
    return 0
