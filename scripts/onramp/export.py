"""Open data: the catalog as JSON (with a published schema), CSV per kind (with a Frictionless Data
Package), an RFC 5545 calendar of application windows, SQLite (with Datasette metadata) and an
Atom feed. The site publishes every file under /data/; `onramp export` writes one.

Every export is made from the Catalog and its normalised Facts, never from YAML again, so the site,
the CLI and the files agree. Writing never replaces a file that is not an Onramp export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .catalog import Catalog, Record
from .facts import Facts
from .problems import printable
from .webdata import fact_dict

EXPORT_VERSION = 1
GENERATOR = "onramp"
LICENCE = {
    "name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "why": "Anyone may copy, combine and republish the data, commercially too, as long as they credit Onramp: "
           "the credit leads readers back to the catalog, where every fact keeps its source and its date and "
           "where corrections land. The facts themselves belong to the organisers' pages cited with each record.",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_SCHEMA = Path("schemas") / "export" / "catalog.schema.json"
ONRAMP_ROOT = Path(__file__).resolve().parents[2]  # this checkout: a copied catalog may lack schemas/export/
# The files the site publishes under /data/, in the order the data page lists them.
FILES = ("catalog.json", "programs.csv", "templates.csv", "communities.csv", "datapackage.json", "deadlines.ics",
         "catalog.db", "metadata.json", "feed.xml")
# catalog.json's schema and the record schemas it refers to are published beside them, under schemas/.
SCHEMAS = "schemas"


class UnsafeOutput(ValueError):
    """An output path holds something that is not an Onramp export: it is never replaced."""


def spreadsheet_cell(text: str) -> str:
    """A cell a spreadsheet shows as text (OWASP, CSV injection): one that it would run as a
    formula gets a leading single quote; control characters are escaped as `printable` does."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# -- JSON --------------------------------------------------------------------------------------

def catalog_json(catalog: Catalog) -> dict[str, Any]:
    """Every record as it is written, with its normalised facts (programs and templates)."""
    records = []
    for r in sorted(catalog.records.values(), key=lambda r: (r.kind, r.id)):
        facts = catalog.facts.get(r.id)
        records.append({"id": r.id, "kind": r.kind, "path": r.path, "data": r.data,
                        "facts": fact_dict(facts) if facts else None})
    return {"version": EXPORT_VERSION, "generator": GENERATOR, "licence": LICENCE,
            "rates": {"as_of": catalog.rates.as_of, "source": catalog.rates.source_url,
                      "usd_per_unit": catalog.rates.usd_per_unit},
            "records": records}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=1) + "\n"


# -- CSV ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, number, integer, boolean, date
    description: str
    value: Callable[[Record, Facts | None], Any]


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values)


def _listed(value: Any) -> str | None:
    return None if value == "unknown" or value is None else _join(value)


def _locations(f: Facts) -> str | None:
    if f.locations is None:
        return None
    return _join(f"{city} ({country})" if city else country for city, country in f.locations)


def _windows(r: Record) -> str:
    windows = r.data["applications"]["windows"]
    return _join(f"{w['label']}: {w.get('opens', 'unknown')} to {w['closes']}" for w in windows)


def _size(r: Record) -> Any:
    figure = r.data["size"]["figure"]
    return figure.get("min") if isinstance(figure, dict) else figure


PROGRAM_COLUMNS = (
    Column("id", "string", "The record's id (programs/<id>.yaml).", lambda r, f: r.id),
    Column("name", "string", "The program's name as the organiser uses it.", lambda r, f: r.name),
    Column("organiser", "string", "Who runs it.", lambda r, f: r.data.get("organiser")),
    Column("url", "string", "The organiser's page.", lambda r, f: r.data.get("url")),
    Column("status", "string", "active, paused or ended; empty when unknown.", lambda r, f: f.status),
    Column("mode", "string", "remote, in_person or hybrid; empty when unknown.", lambda r, f: f.mode),
    Column("locations", "string", "Where it is held, 'City (CC)' joined by '; '; empty when unknown.",
           lambda r, f: _locations(f)),
    Column("relocation", "string", "none, optional or required; empty when unknown.", lambda r, f: f.relocation),
    Column("hours_min", "number", "Fewest hours a week asked; empty when unknown.", lambda r, f: f.hours_min),
    Column("hours_max", "number", "Most hours a week asked; empty when unknown.", lambda r, f: f.hours_max),
    Column("weeks_min", "number", "Shortest length in weeks; empty when unknown.", lambda r, f: f.weeks_min),
    Column("weeks_max", "number", "Longest length in weeks; empty when unknown.", lambda r, f: f.weeks_max),
    Column("paid", "boolean", "Whether a stipend is paid; empty when unknown.", lambda r, f: f.paid),
    Column("stipend", "string", "The stipend as the organiser states it.", lambda r, f: f.stipend_text),
    Column("stipend_usd_month", "number", "The lowest monthly USD figure the record supports (rates of "
           "data/exchange-rates.yaml); 0 when unpaid, empty when unknown.", lambda r, f: f.stipend_usd_month),
    Column("fee", "boolean", "Whether participants pay a fee; empty when unknown.", lambda r, f: f.fee),
    Column("regions", "string", "Eligible regions as the record lists them, joined by '; '; empty when unknown.",
           lambda r, f: _listed(r.data["eligibility"]["regions"])),
    Column("career_stages", "string", "Eligible career stages joined by '; '; empty when unknown.",
           lambda r, f: _listed(r.data["eligibility"]["career_stages"])),
    Column("min_age", "number", "Minimum age; 0 when there is no limit, empty when unknown.", lambda r, f: f.min_age),
    Column("communities", "string", "Communities it recruits from (ids) joined by '; '.",
           lambda r, f: _join(sorted(f.communities))),
    Column("open_to_all", "boolean", "Whether anyone eligible may apply; empty when unknown.",
           lambda r, f: f.open_to_all),
    Column("research_areas", "string", "Research areas (ids) joined by '; '.", lambda r, f: _join(sorted(f.areas))),
    Column("windows", "string", "Recorded application windows, 'label: opens to closes' joined by '; '.",
           lambda r, f: _windows(r)),
    Column("last_verified", "date", "The day someone last checked the record against its sources.",
           lambda r, f: r.data["last_verified"]),
    Column("sources", "string", "Source URLs joined by '; '.", lambda r, f: _join(s["url"] for s in r.data["sources"])),
)
TEMPLATE_COLUMNS = (
    *PROGRAM_COLUMNS[:2],
    *(c for c in PROGRAM_COLUMNS if c.name in ("mode", "hours_min", "hours_max", "weeks_min", "weeks_max", "paid",
                                               "stipend", "stipend_usd_month", "communities", "research_areas")),
    Column("cohort_size", "integer", "The cohort size the design assumes.",
           lambda r, f: r.data["design"]["cohort"]["size"]),
    Column("examples", "string", "Real programs it generalises (ids) joined by '; '.",
           lambda r, f: _join(r.data["design"]["examples"])),
    *(c for c in PROGRAM_COLUMNS if c.name in ("last_verified", "sources")),
)
COMMUNITY_COLUMNS = (
    *PROGRAM_COLUMNS[:2],
    Column("summary", "string", "What the community is.", lambda r, f: r.data["summary"]),
    Column("size", "number", "The size figure (the lower end of a range); empty when unknown.", lambda r, f: _size(r)),
    Column("size_what", "string", "What the size counts.", lambda r, f: r.data["size"]["what"]),
    Column("regions", "string", "Where members are, joined by '; '; empty when unknown.",
           lambda r, f: _listed(r.data["regions"])),
    *(c for c in PROGRAM_COLUMNS if c.name in ("last_verified", "sources")),
)
COLUMNS = {"program": PROGRAM_COLUMNS, "template": TEMPLATE_COLUMNS, "community": COMMUNITY_COLUMNS}
CSV_NAME = {"program": "programs.csv", "template": "templates.csv", "community": "communities.csv"}


def cell(value: Any) -> str:
    """A CSV cell: empty for unknown, true/false, numbers without a needless .0, text made safe."""
    if value is None or value == "unknown":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return spreadsheet_cell(str(value))


def csv_text(catalog: Catalog, kind: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = COLUMNS[kind]
    writer.writerow([c.name for c in columns])
    for r in sorted(catalog.of_kind(kind), key=lambda r: r.id):
        facts = catalog.facts.get(r.id)
        writer.writerow([cell(c.value(r, facts)) for c in columns])
    return out.getvalue()


def datapackage(catalog: Catalog) -> dict[str, Any]:
    """A Frictionless Data Package describing the CSV files."""
    resources = []
    for kind, columns in COLUMNS.items():
        resources.append({
            "name": CSV_NAME[kind].removesuffix(".csv"), "path": CSV_NAME[kind], "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "description": f"One row per {kind} record; cells are empty where the record says 'unknown'.",
            "schema": {"fields": [{"name": c.name, "type": c.type, "description": c.description} for c in columns],
                       "primaryKey": ["id"], "missingValues": [""]},
        })
    return {"name": "onramp-catalog", "title": "Onramp: AI-safety talent programs and communities",
            "version": f"{EXPORT_VERSION}.0.0", "generator": GENERATOR,
            "licenses": [{k: LICENCE[k] for k in ("name", "title", "path")}],
            "sources": [{"title": "Onramp catalog records (each row lists its own sources)"}],
            "resources": resources}


# -- ICS ---------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "window"


def window_uid(program_id: str, label: str, closes: str) -> str:
    """The same UID the Find page's calendar gives the window (web/src/ics.js), so both update one event."""
    return f"{program_id}-{closes}-{_slug(label)}@onramp"


def deadlines_ics(catalog: Catalog) -> bytes:
    """One all-day event per recorded application window, on its closing day. DTSTAMP is the
    record's last_verified date, so an unchanged record gives a byte-identical event."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Onramp//Open data//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "AI-safety program application windows (Onramp)")
    cal.add("x-wr-caldesc", f"Recorded application windows from the Onramp catalog. Licence: {LICENCE['title']} "
                            f"({LICENCE['path']}).")
    for r in sorted(catalog.programs, key=lambda r: r.id):
        for w in r.data["applications"]["windows"]:
            closes = dt.date.fromisoformat(w["closes"])
            opens = w.get("opens", "unknown")
            event = Event()
            event.add("uid", window_uid(r.id, w["label"], w["closes"]))
            event.add("dtstamp", dt.datetime.fromisoformat(r.data["last_verified"] + "T00:00:00+00:00"))
            event.add("dtstart", closes)
            event.add("dtend", closes + dt.timedelta(days=1))
            event.add("summary", f"Applications close: {r.name} ({w['label']})")
            opened = f"Opens {opens}." if opens != "unknown" else "Opening date not known."
            event.add("description", f"{r.name}: {w['label']}. {opened} A recorded window: check the organiser's "
                                     "site before you rely on it.")
            if r.data.get("url"):
                event.add("url", r.data["url"])
            cal.add_component(event)
    return cal.to_ical()


# -- SQLite --------------------------------------------------------------------------------------

def _row(columns: tuple[Column, ...], r: Record, f: Facts | None) -> dict[str, Any]:
    row = {}
    for c in columns:
        value = c.value(r, f)
        row[c.name] = None if value == "unknown" else value
    return row


def sqlite_bytes(catalog: Catalog) -> bytes:
    """The catalog as a SQLite database: one table per kind, link tables, full-text search."""
    import sqlite_utils

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.db"
        db = sqlite_utils.Database(path)
        db["_onramp"].insert({"generator": GENERATOR, "version": EXPORT_VERSION, "licence": LICENCE["name"]})
        for kind, table in (("program", "programs"), ("template", "templates"), ("community", "communities")):
            rows = [{**_row(COLUMNS[kind], r, catalog.facts.get(r.id)), "summary": r.data["summary"]}
                    for r in catalog.of_kind(kind)]
            db[table].insert_all(rows, pk="id", alter=True)
            db[table].enable_fts(["name", "summary"], create_triggers=False)
        links = [("program_communities", "community_id", "communities", lambda r: r.data["communities"]),
                 ("program_areas", "area", None, lambda r: r.data["research_areas"])]
        for table, column, other, values in links:
            rows = [{"program_id": r.id, column: v} for r in catalog.programs for v in values(r)]
            db[table].insert_all(rows, foreign_keys=[("program_id", "programs", "id")] +
                                 ([(column, other, "id")] if other else []))
        db["windows"].insert_all(
            [{"program_id": r.id, "label": w["label"], "opens": None if w.get("opens", "unknown") == "unknown"
              else w["opens"], "closes": w["closes"], "uid": window_uid(r.id, w["label"], w["closes"])}
             for r in catalog.programs for w in r.data["applications"]["windows"]],
            foreign_keys=[("program_id", "programs", "id")])
        db["cohorts"].insert_all(
            [{"program_id": r.id, "label": c["label"], "start": _known(c["start"]), "end": _known(c["end"]),
              "size": _known(c.get("size", "unknown"))}
             for r in catalog.programs for c in r.data.get("cohorts", [])],
            foreign_keys=[("program_id", "programs", "id")])
        db["sources"].insert_all(
            [{"record_id": r.id, "kind": r.kind, "url": s["url"], "title": s.get("title"), "accessed": s["accessed"],
              "published": _known(s.get("published", "unknown")), "quality": s.get("quality")}
             for r in sorted(catalog.records.values(), key=lambda r: (r.kind, r.id)) for s in r.data["sources"]])
        db.close()
        return path.read_bytes()


def _known(value: Any) -> Any:
    return None if value == "unknown" else value


def datasette_metadata(catalog: Catalog) -> dict[str, Any]:
    """metadata.json for `datasette catalog.db --metadata metadata.json`: titles, descriptions, licence."""
    tables = {}
    for kind, table in (("program", "programs"), ("template", "templates"), ("community", "communities")):
        columns = {c.name: c.description for c in COLUMNS[kind]} | {"summary": "The record's summary."}
        tables[table] = {"description": f"One row per {kind} record.", "columns": columns}
    tables |= {
        "program_communities": {"description": "Which communities each program recruits from."},
        "program_areas": {"description": "The research areas each program trains for."},
        "windows": {"description": "Recorded application windows (past and present: a pattern, not a promise)."},
        "cohorts": {"description": "Recorded cohorts with their dates and sizes where known."},
        "sources": {"description": "Every source of every record, with the date it was read."},
        "_onramp": {"hidden": True},
    }
    return {"title": "Onramp: AI-safety talent programs and communities", "generator": GENERATOR,
            "description": f"{len(catalog.programs)} programs, {len(catalog.templates)} program templates and "
                           f"{len(catalog.communities)} communities; unknown facts are empty (NULL).",
            "license": LICENCE["name"], "license_url": LICENCE["path"],
            "source": "Onramp catalog records", "databases": {"catalog": {"tables": tables}}}


# -- Atom ----------------------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


def file_dates(root: Path) -> dict[str, tuple[str, str]]:
    """{path relative to root: (first, last) commit date} from one `git log`, when the catalog is a
    git checkout; empty otherwise (copied catalogs, no git)."""
    try:
        done = subprocess.run(["git", "log", "--format=%x00%cI", "--name-only", "--", "programs", "communities"],
                              cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    dates: dict[str, tuple[str, str]] = {}
    for block in done.stdout.split("\0")[1:]:  # newest commit first
        stamp, *names = block.strip().splitlines()
        for name in filter(None, names):
            first, last = dates.get(name, (stamp, stamp))
            dates[name] = (stamp, last)  # older commits come later: each moves "first" back
    return dates


def atom_feed(catalog: Catalog, limit: int = 100) -> bytes:
    """Records added and changed, newest first: updated is the later of last_verified and the file's
    last commit, published its first commit (or last_verified outside a git checkout)."""
    ET.register_namespace("", ATOM)
    entries = []
    history = file_dates(catalog.root)
    for r in catalog.records.values():
        first, last = history.get(Path(r.path).as_posix(), (None, None))
        verified = r.data["last_verified"] + "T00:00:00+00:00"
        updated = max(verified, last or verified, key=lambda s: dt.datetime.fromisoformat(s))
        entries.append((dt.datetime.fromisoformat(updated), r, first or verified))
    entries.sort(key=lambda e: (e[0], e[1].id), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", "Onramp: records added and changed")
    _sub(feed, "id", "urn:onramp:catalog")
    _sub(feed, "updated", _iso(entries[0][0]) if entries else "1970-01-01T00:00:00Z")
    _sub(feed, "generator", "Onramp")
    _sub(feed, "rights", f"{LICENCE['title']} ({LICENCE['path']})")
    ET.SubElement(feed, f"{{{ATOM}}}author").append(_el("name", "Onramp contributors"))
    for updated, r, published in entries[:limit]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "title", f"{r.name} ({r.kind})")
        _sub(entry, "id", f"urn:onramp:{r.kind}:{r.id}")
        _sub(entry, "updated", _iso(updated))
        _sub(entry, "published", _iso(dt.datetime.fromisoformat(published)))
        ET.SubElement(entry, f"{{{ATOM}}}category", term=r.kind)
        if r.data.get("url"):
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=r.data["url"])
        _sub(entry, "summary", r.data["summary"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def _el(tag: str, text: str) -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    parent.append(_el(tag, text))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- all of them, and writing them safely -------------------------------------------------------

def export_files(catalog: Catalog) -> dict[str, str | bytes]:
    """Every published file, by name (FILES)."""
    files: dict[str, str | bytes] = {"catalog.json": dumps(catalog_json(catalog))}
    for kind, name in CSV_NAME.items():
        files[name] = csv_text(catalog, kind)
    files |= {"datapackage.json": dumps(datapackage(catalog)), "deadlines.ics": deadlines_ics(catalog),
              "catalog.db": sqlite_bytes(catalog), "metadata.json": dumps(datasette_metadata(catalog)),
              "feed.xml": atom_feed(catalog)}
    return files | schema_files(catalog)


def schema_files(catalog: Catalog) -> dict[str, str]:
    """catalog.json's schema (schemas/export/) and the record schemas it refers to, by published name."""
    folder = catalog.schemas.folder
    out = {f"{SCHEMAS}/{name}": (folder / name).read_text("utf-8") for name in catalog.schemas.documents}
    export = folder.parent / EXPORT_SCHEMA if (folder.parent / EXPORT_SCHEMA).exists() else ONRAMP_ROOT / EXPORT_SCHEMA
    out[f"{SCHEMAS}/export/catalog.schema.json"] = export.read_text("utf-8")
    return out


def is_export(path: Path) -> bool:
    """Whether an existing file is one of Onramp's exports (so it may be replaced)."""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return False
    if head.startswith(b"SQLite format 3\x00"):
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                return db.execute("select generator from _onramp").fetchone() == (GENERATOR,)
        except sqlite3.Error:
            return False
    text = head.decode("utf-8", "replace")
    headers = {",".join(c.name for c in columns) for columns in COLUMNS.values()}
    return (f'"generator": "{GENERATOR}"' in text or "PRODID:-//Onramp//" in text
            or "<generator>Onramp</generator>" in text or text.split("\r\n", 1)[0] in headers)


# Marks a folder `onramp export --format all` wrote: only such a folder (or a new or empty one) is
# written into, so the schema copies it holds can be replaced; a catalog's own schemas/ never is.
EXPORT_MARK = ".onramp-export"


def is_export_folder(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and (not any(folder.iterdir()) or (folder / EXPORT_MARK).is_file()))


def write_safely(path: Path, content: str | bytes) -> None:
    """Write content to path, replacing it only when it is an Onramp export; atomically."""
    if path.is_dir() or (path.exists() and not is_export(path)):
        raise UnsafeOutput(printable(f"{path} exists and is not an Onramp export; expected a new file or one "
                                     "that onramp export wrote (nothing else is ever replaced)"))
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".onramp-export-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
