"""`make bench`: Onramp's speed as ratios against baselines measured in the same run.

Machines here are shared and noisy, so no figure is judged on its own: each benchmark times a
baseline (a peer tool, or a bare loop) and Onramp on the same input, one after the other, and
prints the ratio. Timings are the best of several runs to damp the noise.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def run(cmd: list[str], expect: int = 0) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != expect:
        raise SystemExit(f"bench: {cmd[0]} exited {result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def generate_catalog(target: Path, count: int) -> dict[str, list[Path]]:
    """A catalog of `count` valid records cloned from the real ones, with fresh ids."""
    shutil.copytree(REPO / "schemas", target / "schemas")
    shutil.copytree(REPO / "data", target / "data")
    sources = {
        "program": sorted((REPO / "programs").glob("*.yaml")),
        "template": sorted((REPO / "programs" / "templates").glob("*.yaml")),
        "community": sorted((REPO / "communities").glob("*.yaml")),
    }
    folders = {"program": target / "programs", "template": target / "programs" / "templates",
               "community": target / "communities"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    # The real records are kept under their own ids so that every reference still resolves.
    made: dict[str, list[Path]] = {kind: [] for kind in sources}
    for kind, paths in sources.items():
        for path in paths:
            made[kind].append(Path(shutil.copy(path, folders[kind] / path.name)))
    pool = [(kind, path) for kind, paths in sources.items() for path in paths]
    for i in range(max(count - len(pool), 0)):
        kind, path = pool[i % len(pool)]
        new_id = f"{path.stem}-copy-{i // len(pool)}"
        text = path.read_text("utf-8").replace(f"\nid: {path.stem}\n", f"\nid: {new_id}\n", 1)
        out = folders[kind] / f"{new_id}.yaml"
        out.write_text(text, "utf-8")
        made[kind].append(out)
    return made


def bench_validate(count: int, runs: int) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory(prefix="onramp-bench-") as tmp:
        root = Path(tmp)
        made = generate_catalog(root, count)
        files = [p for paths in made.values() for p in paths]
        bin_dir = Path(sys.executable).parent
        onramp = [str(bin_dir / "onramp"), "validate", "--root", str(root)]
        bare = [sys.executable, "-c",
                "import sys, yaml\n"
                "for name in sys.argv[1:]:\n"
                "    with open(name, 'rb') as f: yaml.load(f.read().decode('utf-8'), Loader=yaml.CSafeLoader)\n",
                *map(str, files)]
        peer = [[str(bin_dir / "check-jsonschema"), "--schemafile", str(root / "schemas" / f"{kind}.schema.json"),
                 *map(str, paths)] for kind, paths in made.items() if paths]
        run(onramp)  # warm the file cache, and prove the generated catalog is valid
        t_onramp = best_of(runs, lambda: run(onramp))
        t_bare = best_of(runs, lambda: run(bare))
        t_peer = best_of(1, lambda: [run(cmd) for cmd in peer])
        return [
            (f"onramp validate, {len(files)} records vs check-jsonschema (peer)", t_peer, t_onramp),
            (f"onramp validate, {len(files)} records vs bare C-loader parse", t_bare, t_onramp),
        ]


def bench_match(candidates: int, programs: int, runs: int) -> list[tuple[str, float, float]]:
    """A batch of generated candidates against the real programs cloned up to `programs`, timed
    against a bare loop that evaluates the hard constraints alone on the same pairs."""
    import dataclasses
    import datetime as dt
    import random

    from .catalog import load_catalog
    from .match import Matcher, bare_hard_constraints, prepare
    from .profile import Profile

    today = dt.date(2026, 12, 1)
    catalog = load_catalog(REPO)  # validated against the real date; `today` is for deadlines
    real = [f for f in catalog.facts.values() if f.kind == "program" and f.status != "ended"]
    facts = [dataclasses.replace(real[i % len(real)], id=f"{real[i % len(real)].id}-{i}") for i in range(programs)]
    matcher = Matcher(facts, catalog.rates)
    rng = random.Random(0)
    countries, cities = ["NG", "GB", "US", "DE", "IN", "BR", "KE"], [None, "London", "Lagos", "Berkeley"]
    profiles = [Profile(country=rng.choice(countries), city=rng.choice(cities),
                        relocate=(relocate := rng.choice(["none", "short", "yes"])),
                        max_weeks_away=rng.randint(0, 12) if relocate == "short" else None,
                        hours_per_week=rng.choice([None, 5, 10, 20, 40]), weeks=rng.choice([None, 8, 12, 52]),
                        min_stipend=rng.choice([None, {"amount": 1000, "currency": "USD", "period": "month"},
                                                {"amount": 300, "currency": "GBP", "period": "week"}]),
                        no_fee=rng.random() < 0.5, stage=rng.choice([None, "early-career", "senior"]),
                        communities=(rng.choice(["debaters", "osint", "founders"]),))
                for _ in range(candidates)]
    prepared = [prepare(p, catalog.rates) for p in profiles]
    t_bare = best_of(runs, lambda: bare_hard_constraints(matcher.programs, prepared))
    def match_all() -> None:
        for profile in profiles:  # results are dropped as a batch does, not kept: memory stays flat
            matcher.match(profile, today)

    t_match = best_of(runs, match_all)
    return [(f"onramp match, {candidates} candidates x {len(matcher.programs)} programs vs bare hard-rule loop",
             t_bare, t_match)]


def bench_hostile(runs: int) -> list[tuple[str, float, float]]:
    """A 256 KB record of tens of thousands of unknown keys, validated in process, against a bare
    C-loader parse of the same file: the time must grow with the file, not with its square."""
    import yaml

    from .load import MAX_BYTES
    from .validate import validate_paths

    with tempfile.TemporaryDirectory(prefix="onramp-bench-") as tmp:
        root = Path(tmp)
        generate_catalog(root, 0)
        text = (REPO / "programs" / "mats.yaml").read_text("utf-8").replace("\nid: mats\n", "\nid: padded\n")
        keys, size = [], len(text)
        while size < MAX_BYTES - 64:
            keys.append(f"unknown_key_{len(keys)}: 1\n")
            size += len(keys[-1])
        path = root / "programs" / "padded.yaml"
        path.write_text(text + "".join(keys), "utf-8")
        raw = path.read_bytes()
        t_bare = best_of(runs, lambda: yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader))
        t_ours = best_of(runs, lambda: validate_paths([path], root, base=root))
        return [(f"validate one {len(raw) // 1024} KiB file of {len(keys)} unknown keys vs bare C-loader parse",
                 t_bare, t_ours)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="generated records (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing; the best is kept")
    parser.add_argument("--candidates", type=int, default=10_000, help="match batch size (default 10000)")
    parser.add_argument("--programs", type=int, default=1_000, help="programs to match against (default 1000)")
    args = parser.parse_args(argv)
    print(f"{'benchmark':<70} {'baseline':>9} {'onramp':>9}  onramp/baseline")
    # each group prints as soon as it is measured: the whole run takes several minutes
    for rows in (lambda: bench_hostile(args.runs),
                 lambda: bench_validate(args.records, args.runs),
                 lambda: bench_match(args.candidates, args.programs, 1)):
        for name, baseline, ours in rows():
            print(f"{name:<70} {baseline:8.2f}s {ours:8.2f}s  {ours / baseline:.2f}x", flush=True)


if __name__ == "__main__":
    main()
