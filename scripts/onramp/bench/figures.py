"""One benchmark figure, and the ways it is reported: the table `make bench` prints, the
bench/results.json it writes, and the table it keeps current in docs/performance.md."""

from __future__ import annotations

import json
import platform
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

UNITS = {"x": "{:.2f}x", "KiB": "{:.0f} KiB", "s": "{:.2f} s", "score": "{:.0f}"}
DOC_START, DOC_END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Figure:
    """A measured value against its target: ratios and sizes are met at or below the target,
    scores (`higher`) at or above it."""

    id: str
    what: str
    value: float
    target: float
    unit: str
    detail: dict[str, Any] = field(default_factory=dict)
    higher: bool = False

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.higher else self.value <= self.target

    def shown(self, number: float) -> str:
        return UNITS[self.unit].format(number)

    def row(self) -> list[str]:
        bound = "≥" if self.higher else "≤"
        verdict = "met" if self.met else "MISSED"
        return [self.what, self.shown(self.value), f"{bound} {self.shown(self.target)}", verdict]


def table_lines(figures: list[Figure]) -> list[str]:
    rows = [["figure", "measured", "target", ""], *(f.row() for f in figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]

    def line(cells: list[str]) -> str:
        padded = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded)

    return [line(r) for r in rows]


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| Figure | Measured | Target | |", "|---|---:|---:|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in f.row()) + " |" for f in figures]
    return "\n".join(lines)


def results(figures: list[Figure], mode: str, seconds: float, date: str) -> dict[str, Any]:
    return {"date": date, "mode": mode, "seconds": round(seconds, 1),
            "machine": {"python": platform.python_version(), "system": platform.system(),
                        "processor": platform.machine()},
            "figures": [{**asdict(f), "met": f.met} for f in figures]}


def unsafe_output(path: Path) -> str | None:
    """Why the bench may not write its results to path, or None: a new file, or one the bench
    wrote before (never a file of someone else's, nor a folder)."""
    if path.is_dir():
        return f"{path} is a folder; expected a file name for the results, e.g. bench/results.json"
    if path.exists() or path.is_symlink():
        try:
            old = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            old = None
        if not (isinstance(old, dict) and {"date", "mode", "machine", "figures"} <= old.keys()):
            return (f"{path} exists and is not a results file the bench wrote; expected a new file or an "
                    "earlier bench/results.json (nothing else is overwritten)")
    return None


def write_results(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def update_docs(doc: Path, data: dict[str, Any]) -> None:
    """Replace the figures between the bench markers in docs/performance.md."""
    figures = [Figure(**{k: v for k, v in f.items() if k != "met"}) for f in data["figures"]]
    block = (f"{DOC_START}\nMeasured on {data['date']} ({data['mode']} run, {data['seconds']:.0f} s, Python "
             f"{data['machine']['python']}, {data['machine']['processor']}):\n\n{markdown_table(figures)}\n{DOC_END}")
    text = doc.read_text("utf-8")
    doc.write_text(re.sub(re.escape(DOC_START) + ".*?" + re.escape(DOC_END), lambda _: block, text, flags=re.S),
                   "utf-8")
