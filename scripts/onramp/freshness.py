"""Freshness: which records need checking, oldest first, with the source to re-check and what is
probably out of date. `onramp stale` prints it; the site's /needs-checking/ page and the record
pages' badges show the same list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from .catalog import Catalog, Record
from .facts import UNKNOWN, newest_evidence
from .problems import printable

STALE_AFTER_DAYS = 365
RECENT_WINDOW_DAYS = 365  # an active program with no window closing within this many days is suspect


@dataclass(frozen=True)
class Stale:
    id: str
    kind: str
    name: str
    path: str  # the record file, relative to the catalog root
    last_verified: str
    newest_evidence: str | None  # programs only: templates are designs, communities are judged on last_verified
    age_days: int  # days since the older of the dates that makes it stale
    recheck: str | None  # the source to open first
    hints: tuple[str, ...]  # what is probably out of date, in words

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["hints"] = list(self.hints)
        return out


def stale_records(catalog: Catalog, today: dt.date, older_than: int = STALE_AFTER_DAYS) -> list[Stale]:
    """Records last verified more than older_than days before today, and programs whose newest dated
    evidence is that old or missing; the oldest first (ties by id)."""
    found = [entry for record in catalog.records.values() if (entry := _stale(record, today, older_than))]
    return sorted(found, key=lambda s: (-s.age_days, s.id))


def _stale(record: Record, today: dt.date, older_than: int) -> Stale | None:
    verified = record.data["last_verified"]
    age = _days(today, verified)
    # Only a program states facts about a running thing that its dated evidence can vouch for; a
    # template is a design and a community changes slowly, so their check date is what counts.
    evidence = newest_evidence(record.data) if record.kind == "program" else None
    undated = record.kind == "program" and evidence is None
    if evidence is not None:
        age = max(age, _days(today, evidence))  # the older of the two decides how overdue it is
    if age <= older_than and not undated:
        return None
    return Stale(record.id, record.kind, record.name, record.path, verified, evidence, age, _recheck(record),
                 tuple(_hints(record, today, evidence, older_than)))


def _days(today: dt.date, day: str) -> int:
    return (today - dt.date.fromisoformat(day)).days


def _hints(record: Record, today: dt.date, evidence: str | None, older_than: int) -> list[str]:
    """What is probably out of date; a template is a design, so nothing in it can be."""
    if record.kind == "program":
        return _program_hints(record.data, today, evidence)
    if record.kind == "community":
        return _size_hint(record.data, today, older_than)
    return []


def _program_hints(data: dict[str, Any], today: dt.date, evidence: str | None) -> list[str]:
    hints = []
    if evidence is None:
        hints.append("no dated evidence: no source gives a publication date and no window or cohort is dated")
    hints += _window_hint(data, today)
    hints += _cohort_hint(data.get("cohorts") or [], today)
    return hints


def _window_hint(data: dict[str, Any], today: dt.date) -> list[str]:
    """An active program recruits, so a year without a window suggests a newer one was missed."""
    applications = data["applications"]
    if data.get("status") != "active" or applications["cycle"] == "rolling":  # rolling: no windows to expect
        return []
    closes = [w["closes"] for w in applications["windows"]]
    recent = (today - dt.timedelta(days=RECENT_WINDOW_DAYS)).isoformat()
    if any(c >= recent for c in closes):
        return []
    if not closes:
        return ["status is active but no application window is recorded"]
    return [f"status is active but no application window closed in the last 12 months or is open "
            f"(the last recorded one closed {max(closes)})"]


def _cohort_hint(cohorts: list[dict[str, Any]], today: dt.date) -> list[str]:
    """A finished cohort with no later one recorded: the next one may already be announced."""
    def known(day: str) -> str | None:
        return None if day == UNKNOWN else day

    dated = [(i, known(c["end"]) or known(c["start"])) for i, c in enumerate(cohorts)]
    dated = [(i, day) for i, day in dated if day]
    if not dated:
        return []
    at, _ = max(dated, key=lambda pair: (pair[1], pair[0]))
    last, end = cohorts[at], known(cohorts[at]["end"])
    # An undated cohort listed after it is probably its successor (records list cohorts in order),
    # so "no later cohort" would be wrong; and without a known end it may still be running.
    later_undated = any(known(c["start"]) is None and known(c["end"]) is None for c in cohorts[at + 1:])
    if end is None or end >= today.isoformat() or later_undated:
        return []
    return [f"the last recorded cohort ({last['label']}) ended {end} and no later cohort is recorded"]


def _size_hint(data: dict[str, Any], today: dt.date, older_than: int) -> list[str]:
    """A community's size figure is its one dated number; say when it is old too."""
    size = data["size"]
    day = size.get("as_of", UNKNOWN)
    if day == UNKNOWN:  # else the date of the page the figure comes from, when it has one
        day = next((s.get("published", UNKNOWN) for s in data["sources"] if s["url"] == size.get("source")), UNKNOWN)
    if day == UNKNOWN or _days(today, day) <= older_than:
        return []
    return [f"the size figure dates from {day}"]


def _recheck(record: Record) -> str | None:
    """For a program, a source backing status or applications first; then the first primary
    source, then any: the page most likely to show what changed."""
    sources = record.data.get("sources") or []
    if record.kind == "program":
        for s in sources:
            if any(p in ("status", "applications") or p.startswith("applications.") for p in s.get("supports", [])):
                return s["url"]
    primary = next((s["url"] for s in sources if s.get("quality") == "primary"), None)
    return primary or (sources[0]["url"] if sources else None)


def render_text(stale: list[Stale], older_than: int, today: dt.date) -> str:
    """One block per record for a terminal; record text is escaped (printable)."""
    if not stale:
        return f"no records older than {older_than} days on {today.isoformat()}\n"
    lines = []
    for s in stale:
        evidence = f", newest evidence {s.newest_evidence or 'none dated'}" if s.kind == "program" else ""
        lines.append(printable(f"{s.path}: {s.id} ({s.kind}) last verified {s.last_verified}{evidence} "
                               f"({s.age_days} days)"))
        lines.append(printable(f"  name: {s.name}"))
        if s.recheck:
            lines.append(printable(f"  re-check: {s.recheck}"))
        lines += [printable(f"  - {h}") for h in s.hints]
    lines.append(f"{len(stale)} record{'s' if len(stale) != 1 else ''} older than {older_than} days on "
                 f"{today.isoformat()}, oldest first")
    return "\n".join(lines) + "\n"
