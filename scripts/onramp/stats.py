"""Where the catalog's data is thin: records per kind and the share of `unknown` per field."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .catalog import Catalog
from .schema import KINDS

UNKNOWN = "unknown"
PLURAL = {"program": "programs", "template": "templates", "community": "communities"}


def values_at(data: Any, steps: list[str]) -> list[Any]:
    """The values at a dotted field path, looking through lists (sources.url -> every url)."""
    if isinstance(data, list):
        return [v for item in data for v in values_at(item, steps)]
    if not steps:
        return [data]
    if isinstance(data, dict) and steps[0] in data:
        return values_at(data[steps[0]], steps[1:])
    return []


def catalog_stats(catalog: Catalog) -> dict:
    """{counts: {kind: n}, unknown: {kind: [{field, records, share}]}} sorted by share, then field."""
    counts = {kind: len(catalog.of_kind(kind)) for kind in KINDS}
    unknown: dict[str, list[dict]] = {}
    for kind in KINDS:
        records = catalog.of_kind(kind)
        tally: Counter[str] = Counter()
        for field in catalog.schemas.fields(kind):
            steps = field["path"].split(".")
            tally[field["path"]] = sum(1 for r in records if UNKNOWN in values_at(r.data, steps))
        rows = [{"field": f, "records": n, "share": round(n / len(records), 3)}
                for f, n in tally.items() if n and records]
        unknown[kind] = sorted(rows, key=lambda row: (-row["share"], row["field"]))
    return {"counts": counts, "unknown": unknown}


def render_stats(stats: dict) -> str:
    counts = stats["counts"]
    lines = ["records: " + ", ".join(f"{n} {PLURAL[kind] if n != 1 else kind}" for kind, n in counts.items())]
    for kind, rows in stats["unknown"].items():
        total = counts[kind]
        lines += ["", f"{kind} fields that are unknown (share of {total} {kind} records):"]
        if not rows:
            lines.append("  none")
        width = max((len(row["field"]) for row in rows), default=0)
        for row in rows:
            bar = "#" * round(row["share"] * 20)
            lines.append(f"  {row['field']:<{width}}  {row['share']:>4.0%}  {row['records']:>3}  {bar}")
    return "\n".join(lines) + "\n"
