"""Freshness: which records need checking, oldest first, with the source to re-check and what is
probably out of date. `onramp stale` prints it; the site's /needs-checking/ page and the record
pages' badges show the same list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from .catalog import Catalog, Record
from .facts import newest_evidence
from .problems import printable

STALE_AFTER_DAYS = 365
RECENT_WINDOW_DAYS = 365  # an active program with no window closing within this many days is suspect


@dataclass(frozen=True)
class Stale:
    id: str
    kind: str
    name: str
    path: str
    last_verified: str
    newest_evidence: str | None
    age_days: int  # days since the older of the dates that makes it stale
    recheck: str | None  # the source to open first
    hints: tuple[str, ...]  # what is probably out of date, in words

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["hints"] = list(self.hints)
        return out


def stale_records(catalog: Catalog, today: dt.date, older_than: int = STALE_AFTER_DAYS) -> list[Stale]:
    """Records last verified more than older_than days ago, and programs whose newest dated
    evidence is that old or missing; the oldest first (ties by id)."""
    found = []
    for record in catalog.records.values():
        entry = _stale(record, today, older_than)
        if entry is not None:
            found.append(entry)
    return sorted(found, key=lambda s: (-s.age_days, s.id))


def _stale(record: Record, today: dt.date, older_than: int) -> Stale | None:
    verified = record.data["last_verified"]
    age = (today - dt.date.fromisoformat(verified)).days
    evidence = newest_evidence(record.data) if record.kind == "program" else None
    undated = record.kind == "program" and evidence is None  # nothing dated vouches for its facts
    if evidence is not None:
        age = max(age, (today - dt.date.fromisoformat(evidence)).days)
    if age <= older_than and not undated:
        return None
    return Stale(record.id, record.kind, record.name, record.path, verified, evidence, age, _recheck(record),
                 tuple(_hints(record, today, evidence)))


def _hints(record: Record, today: dt.date, evidence: str | None) -> list[str]:
    if record.kind != "program":
        return []
    data, hints = record.data, []
    if evidence is None:
        hints.append("no dated evidence: no source gives a publication date and no window or cohort is dated")
    if data.get("status") == "active":
        closes = [w["closes"] for w in data["applications"]["windows"]]
        recent = (today - dt.timedelta(days=RECENT_WINDOW_DAYS)).isoformat()
        if not any(c >= recent for c in closes):
            last = f" (the last recorded closed {max(closes)})" if closes else ""
            hints.append(f"status is active but no application window closed in the last 12 months or is "
                         f"open{last}")
    hints.extend(_cohort_hint(data.get("cohorts") or [], today))
    return hints


def _cohort_hint(cohorts: list[dict], today: dt.date) -> list[str]:
    """A past cohort with no later one recorded: the next one may already be announced."""
    dated = [(c.get("end") if c.get("end", "unknown") != "unknown" else c.get("start"), c) for c in cohorts]
    dated = [(day, c) for day, c in dated if day and day != "unknown"]
    if not dated:
        return []
    day, last = max(dated, key=lambda pair: pair[0])
    if day < today.isoformat():
        return [f"the last recorded cohort ({last['label']}) ended {day} and no later cohort is recorded"]
    return []


def _recheck(record: Record) -> str | None:
    """A source backing status or applications first, then the first primary source, then any."""
    sources = record.data.get("sources") or []
    for s in sources:
        if any(p == "status" or p.startswith("applications") for p in s.get("supports") or []):
            return s["url"]
    primary = next((s["url"] for s in sources if s.get("quality") == "primary"), None)
    return primary or (sources[0]["url"] if sources else None)


def render_text(stale: list[Stale], older_than: int, today: dt.date) -> str:
    """One block per record for a terminal; record text is escaped (printable)."""
    if not stale:
        return f"no records older than {older_than} days on {today.isoformat()}\n"
    lines = []
    for s in stale:
        evidence = s.newest_evidence or "none dated"
        lines.append(printable(f"{s.path}: {s.id} ({s.kind}) last verified {s.last_verified}, newest evidence "
                               f"{evidence} ({s.age_days} days)"))
        if s.recheck:
            lines.append(printable(f"  re-check: {s.recheck}"))
        lines += [printable(f"  - {h}") for h in s.hints]
    lines.append(f"{len(stale)} record{'s' if len(stale) != 1 else ''} older than {older_than} days on "
                 f"{today.isoformat()}, oldest first")
    return "\n".join(lines) + "\n"
