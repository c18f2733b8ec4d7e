"""Synthetic catalogs for benchmarks: valid, varied records of any size.

Every generated record passes `onramp validate` and exercises what the real catalog holds, in
proportions close to it: every mode and relocation, stipends in every currency of the rate table
and every period, `unknown` in every field that allows it, dated windows and cohorts, programs made
for communities, and the real communities, templates and taxonomies. Names, URLs and dates come
from a seeded random generator, so one size always makes the same files.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PRAGMA = "# yaml-language-server: $schema=../schemas/program.schema.json\n"
WORDS = ("open", "applied", "frontier", "civic", "remote", "regional", "policy", "systems", "careers", "research",
         "evidence", "oversight", "security", "forecasting", "writing", "governance", "lab", "network")
CITIES = (("London", "GB"), ("Berkeley", "US"), ("Lagos", "NG"), ("Nairobi", "KE"), ("Berlin", "DE"),
          ("Bangalore", "IN"), ("São Paulo", "BR"), ("Singapore", "SG"), ("Cape Town", "ZA"), ("Toronto", "CA"))
UNKNOWN = "unknown"


def vocabulary(name: str, schemas: Path = REPO / "schemas") -> list[str]:
    """The allowed values of a taxonomy in defs.schema.json (research areas, stages, covers...)."""
    definition = json.loads((schemas / "defs.schema.json").read_text("utf-8"))["$defs"][name]
    return definition.get("enum") or [choice["const"] for choice in definition["anyOf"]]


def maybe(rng: random.Random, value: Any, unknown_share: float = 0.25) -> Any:
    """`value`, or `unknown` about as often as the real records leave a field unknown."""
    return UNKNOWN if rng.random() < unknown_share else value


def span(rng: random.Random, low: int, high: int) -> dict[str, int]:
    first = rng.randint(low, high)
    return {"min": first, "max": rng.randint(first, high)}


def day(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def program(index: int, rng: random.Random, currencies: list[str], communities: list[str]) -> dict[str, Any]:
    """One valid program record, its shape drawn at random (seeded by the caller)."""
    pid = f"synthetic-{index:05d}"
    name = f"{' '.join(rng.sample(WORDS, 2)).title()} Fellowship {index}"
    mode = rng.choice(["in_person", "remote", "hybrid", UNKNOWN])
    places = rng.sample(CITIES, rng.randint(1, 3))
    locations: Any = [] if mode == "remote" else maybe(rng, [{"city": c, "country": k} for c, k in places])
    relocation = {"in_person": "required", "remote": "none", "hybrid": "optional"}.get(mode, UNKNOWN)
    stipend: Any = rng.choice(["none", UNKNOWN, {
        "amount": rng.choice([rng.randint(2, 60) * 250, span(rng, 500, 8000), UNKNOWN]),
        "currency": rng.choice(currencies), "period": rng.choice(["week", "month", "year", "total"])}])
    made_for = rng.sample(communities, rng.randint(1, 2)) if rng.random() < 0.15 else []
    windows = [{"label": f"Round {n + 1}", "opens": maybe(rng, f"{2024 + n}-01-{rng.randint(1, 28):02d}", 0.6),
                "closes": f"{2024 + n}-{rng.randint(2, 11):02d}-{rng.randint(1, 28):02d}"}
               for n in range(rng.randint(0, 3))]
    record: dict[str, Any] = {
        "id": pid, "kind": "program", "name": name,
        "summary": f"A synthetic {mode.replace('_', '-')} program generated for benchmarks (record {index}).",
        "status": rng.choice(["active", "active", "active", "paused", "ended", UNKNOWN]),
        "url": f"https://example.org/programs/{pid}", "organiser": f"Synthetic Organiser {index % 97}",
        "format": {"mode": mode, "locations": locations, "relocation": relocation,
                   "hours_per_week": maybe(rng, span(rng, 2, 40)), "duration_weeks": maybe(rng, span(rng, 1, 52))},
        "funding": {"stipend": stipend, "covers": maybe(rng, rng.sample(vocabulary("cover"), rng.randint(0, 3))),
                    "participant_cost": rng.choice(["none", UNKNOWN, {"amount": rng.randint(1, 20) * 50,
                                                                       "currency": "USD", "period": "total"}])},
        "eligibility": {"regions": maybe(rng, rng.choice([["worldwide"], ["africa"], ["europe", "GB"], ["US"]])),
                        "career_stages": maybe(rng, rng.sample(vocabulary("career_stage"), rng.randint(1, 4))),
                        "min_age": rng.choice([18, "none", UNKNOWN]), "work_authorisation": UNKNOWN},
        "communities": made_for,
        "research_areas": rng.sample(vocabulary("research_area"), rng.randint(1, 4)),
        "applications": {"cycle": rng.choice(["rolling", "annual", "twice-yearly", "one-off", UNKNOWN]),
                         "windows": windows},
        "after_program": {"extensions": maybe(rng, "Some participants continue for a funded extension.", 0.7),
                          "funding": UNKNOWN, "job_placement": UNKNOWN, "outcomes": UNKNOWN},
    }
    if made_for:
        record["open_to_all"] = rng.choice([True, False, UNKNOWN])
    if rng.random() < 0.4:
        record["cohorts"] = [{"label": f"Cohort {year}", "start": day(rng, year), "end": UNKNOWN,
                              "size": maybe(rng, rng.randint(8, 200))} for year in (2024, 2025)]
    record["sources"] = [{"url": f"https://example.org/programs/{pid}/about", "title": f"{name}: about",
                          "accessed": "2026-11-01", "published": UNKNOWN, "quality": "primary",
                          "supports": ["format", "funding", "eligibility", "applications", "after_program",
                                       "research_areas", *(["cohorts"] if "cohorts" in record else [])]}]
    record["last_verified"] = day(rng, rng.choice([2024, 2025, 2026])).replace("2026-12", "2026-11")
    return record


def write_catalog(target: Path, programs: int, seed: int = 0, repo: Path = REPO) -> list[Path]:
    """A catalog folder at `target` holding `programs` programs: the real ones topped up with
    synthetic ones, beside the real communities, templates, schemas and data (templates name real
    programs as examples, so those stay); returns the synthetic files."""
    for folder in ("schemas", "data", "communities", "programs"):
        shutil.copytree(repo / folder, target / folder, dirs_exist_ok=True)
    real = len(list((repo / "programs").glob("*.yaml")))
    rates = yaml.safe_load((repo / "data" / "exchange-rates.yaml").read_text("utf-8"))
    currencies = sorted(rates["usd_per_unit"])
    communities = sorted(path.stem for path in (repo / "communities").glob("*.yaml"))
    rng = random.Random(seed)
    written = []
    for index in range(max(programs - real, 0)):
        record = program(index, rng, currencies, communities)
        path = target / "programs" / f"{record['id']}.yaml"
        path.write_text(PRAGMA + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=110), "utf-8")
        written.append(path)
    for extra in ("mkdocs.yml", "docs", "site_templates", "scripts"):  # what a build of the catalog needs
        source = repo / extra
        if source.is_dir():
            shutil.copytree(source, target / extra, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy(source, target / extra)
    return written
