"""Open data: every export round-trips the catalog's facts, the calendar keeps its event ids, the
data package validates, SQL on catalog.db answers with the catalog's counts, catalog.json
validates against its published schema, and `onramp export` never replaces what is not its own."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from onramp.catalog import Record, load_catalog
from onramp.export import (
    COLUMNS,
    atom_feed,
    catalog_json,
    csv_text,
    deadlines_ics,
    export_files,
    is_export,
    sqlite_bytes,
    window_uid,
)
from onramp.webdata import fact_dict, facts_from_dict

from .conftest import ROOT
from .test_cli import run


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT)


@pytest.fixture(scope="module")
def files(catalog):
    return export_files(catalog)


def test_catalog_json_round_trips_every_record_and_its_facts(catalog, files) -> None:
    data = json.loads(files["catalog.json"])
    assert data["version"] == 1 and data["licence"]["name"] == "CC-BY-4.0"
    assert len(data["records"]) == len(catalog.records)
    for exported in data["records"]:
        record = catalog.records[exported["id"]]
        assert exported["data"] == record.data and exported["kind"] == record.kind
        if record.kind == "community":
            assert exported["facts"] is None
        else:
            assert fact_dict(facts_from_dict(exported["facts"])) == fact_dict(catalog.facts[record.id])


def test_catalog_json_validates_against_its_published_schema(files, tmp_path) -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    folder = tmp_path / "data"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    schemas = {p: json.loads(p.read_text()) for p in (folder / "schemas").rglob("*.json")}
    registry = Registry().with_resources((p.resolve().as_uri(), Resource.from_contents(doc)) for p, doc in
                                         schemas.items())
    root = (folder / "schemas" / "export" / "catalog.schema.json").resolve().as_uri()
    validator = Draft202012Validator({"$ref": root}, registry=registry)
    data = json.loads(files["catalog.json"])
    assert list(validator.iter_errors(data)) == []
    data["records"][0]["data"]["id"] = 5  # a broken record must fail, or the schema checks nothing
    assert list(validator.iter_errors(data))


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def boolean(text: str) -> bool | None:
    return {"": None, "true": True, "false": False}[text]


def test_programs_csv_round_trips_the_facts(catalog, files) -> None:
    rows = read_csv(files["programs.csv"])
    assert [r["id"] for r in rows] == sorted(r.id for r in catalog.programs)
    for row in rows:
        f = catalog.facts[row["id"]]
        assert row["name"] == catalog.records[row["id"]].name
        for key in ("hours_min", "hours_max", "weeks_min", "weeks_max", "stipend_usd_month", "min_age"):
            assert number(row[key]) == getattr(f, key), (row["id"], key)
        for key in ("paid", "fee", "open_to_all"):
            assert boolean(row[key]) == getattr(f, key), (row["id"], key)
        assert (row["mode"] or None, row["status"] or None) == (f.mode, f.status)
        assert set(filter(None, row["communities"].split("; "))) == f.communities
        assert set(filter(None, row["research_areas"].split("; "))) == f.areas
        assert (row["stipend"] or "unknown") == f.stipend_text  # unknown is an empty cell


def test_csv_cells_are_formula_safe(catalog) -> None:
    hostile = copy.copy(catalog)
    hostile.records = dict(catalog.records)
    record = catalog.records["mats"]
    data = copy.deepcopy(record.data)
    data["name"] = "=HYPERLINK(\"http://evil.example\",\"click\")"
    data["organiser"] = "+1 call me\n@once"
    hostile.records["mats"] = Record("mats", "program", record.path, data)
    row = next(r for r in read_csv(csv_text(hostile, "program")) if r["id"] == "mats")
    assert row["name"].startswith("'=") and row["organiser"].startswith("'+") and "\n" not in row["organiser"]


def test_the_data_package_validates_with_frictionless(files, tmp_path) -> None:
    from frictionless import validate

    for name in ("datapackage.json", "programs.csv", "templates.csv", "communities.csv"):
        content = files[name]
        (tmp_path / name).write_bytes(content.encode() if isinstance(content, str) else content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        kind = {"programs": "program", "templates": "template", "communities": "community"}[resource["name"]]
        assert [f["name"] for f in resource["schema"]["fields"]] == [c.name for c in COLUMNS[kind]]


def test_the_calendar_parses_back_with_every_window_and_stable_uids(catalog) -> None:
    from icalendar import Calendar

    first, second = deadlines_ics(catalog), deadlines_ics(load_catalog(ROOT))
    assert first == second  # two builds, the same file: a subscribed calendar updates, never duplicates
    events = Calendar.from_ical(first).walk("VEVENT")
    windows = [(r.id, w) for r in catalog.programs for w in r.data["applications"]["windows"]]
    assert len(events) == len(windows) > 0
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert set(uids) == {window_uid(pid, w["label"], w["closes"]) for pid, w in windows}
    mats = next(e for e in events if str(e["UID"]).startswith("mats-"))
    closes = mats.decoded("DTSTART").isoformat()
    label = next(w["label"] for pid, w in windows if pid == "mats" and w["closes"] == closes)
    # the Find page's calendar (web/src/ics.js) gives the same window the same UID
    assert str(mats["UID"]) == f"mats-{closes}-" + "-".join(filter(None, "".join(
        c if c.isalnum() else " " for c in label.lower()).split())) + "@onramp"


def test_sql_on_catalog_db_answers_with_the_catalogs_counts(catalog, tmp_path) -> None:
    path = tmp_path / "catalog.db"
    path.write_bytes(sqlite_bytes(catalog))
    db = sqlite3.connect(path)
    one = lambda sql, *args: db.execute(sql, args).fetchone()[0]  # noqa: E731
    assert one("select count(*) from programs") == len(catalog.programs)
    assert one("select count(*) from templates") == len(catalog.templates)
    assert one("select count(*) from communities") == len(catalog.communities)
    links = sum(len(r.data["communities"]) for r in catalog.programs)
    assert one("select count(*) from program_communities pc join communities c on c.id = pc.community_id") == links
    assert one("select count(*) from windows") == sum(len(r.data["applications"]["windows"]) for r in catalog.programs)
    assert one("select count(*) from sources") == sum(len(r.data["sources"]) for r in catalog.records.values())
    debaters = {r.id for r in catalog.programs if "debaters" in r.data["communities"]}
    got = {row[0] for row in db.execute("select p.id from programs p join program_communities pc on "
                                        "pc.program_id = p.id where pc.community_id = 'debaters'")}
    assert got == debaters
    found = {row[0] for row in db.execute("select id from programs where rowid in (select rowid from programs_fts "
                                          "where programs_fts match 'MATS')")}
    assert "mats" in found
    paid = one("select count(*) from programs where paid = 1")
    assert paid == sum(1 for r in catalog.programs if catalog.facts[r.id].paid)


def test_datasette_metadata_describes_the_tables_that_exist(catalog, files, tmp_path) -> None:
    path = tmp_path / "catalog.db"
    path.write_bytes(files["catalog.db"])
    tables = {row[0] for row in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    metadata = json.loads(files["metadata.json"])
    assert metadata["license"] == "CC-BY-4.0" and metadata["license_url"].startswith("https://creativecommons.org/")
    assert set(metadata["databases"]["catalog"]["tables"]) <= tables


def test_the_atom_feed_lists_records_newest_first(catalog) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom_feed(catalog))
    entries = feed.findall("a:entry", ns)
    assert len(entries) == min(100, len(catalog.records))
    updated = [e.find("a:updated", ns).text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find("a:updated", ns).text == updated[0]
    assert all(e.find("a:id", ns).text.startswith("urn:onramp:") for e in entries)


# -- the command ----------------------------------------------------------------------------------

def test_export_json_to_standard_output() -> None:
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["generator"] == "onramp"


def test_export_all_writes_the_sites_files_and_replaces_only_its_own(tmp_path) -> None:
    out = tmp_path / "out"
    assert run("export", "--format", "all", "-o", str(out)).returncode == 0
    assert {"catalog.json", "programs.csv", "deadlines.ics", "catalog.db", "feed.xml", "datapackage.json"} <= \
        {p.name for p in out.iterdir()}
    (out / "notes.txt").write_text("mine")
    assert run("export", "--format", "all", "-o", str(out)).returncode == 0  # its own files: replaced
    assert (out / "notes.txt").read_text() == "mine"
    assert all(is_export(p) for p in out.glob("*") if p.is_file() and p.name not in ("notes.txt", ".onramp-export"))


def test_export_all_never_writes_into_a_catalog_or_a_foreign_folder(tmp_path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "schemas", catalog / "schemas")
    edited = catalog / "schemas" / "program.schema.json"
    edited.write_text(edited.read_text().replace("Onramp program record", "Onramp program record, edited"))
    before = edited.read_text()
    result = run("export", "--format", "all", "-o", str(catalog))
    assert result.returncode == 2 and "not empty" in result.stderr
    assert edited.read_text() == before and not (catalog / "catalog.json").exists()


@pytest.mark.parametrize("name", ["programs.csv", "catalog.db", "feed.xml", "catalog.json"])
def test_export_never_replaces_a_file_that_is_not_an_export(tmp_path, name) -> None:
    target = tmp_path / name
    target.write_text("precious")
    fmt = {"programs.csv": "csv", "catalog.db": "sqlite", "feed.xml": "atom", "catalog.json": "json"}[name]
    result = run("export", "--format", fmt, "-o", str(target))
    assert result.returncode == 2 and "is not an Onramp export" in result.stderr
    assert target.read_text() == "precious"
    folder = tmp_path / "all"
    folder.mkdir()
    (folder / name).write_text("precious")
    assert run("export", "--format", "all", "-o", str(folder)).returncode == 2
    assert [p.name for p in folder.iterdir()] == [name]  # refused before writing anything


def test_export_usage_errors_exit_2() -> None:
    for args in (("--format", "sqlite"), ("--format", "all"), ("--format", "xml"),
                 ("--format", "json", "-o", "/no/such/folder/x.json")):
        result = run("export", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, args


def test_exports_do_not_depend_on_the_day(catalog) -> None:
    assert catalog_json(catalog) == catalog_json(load_catalog(ROOT, today=__import__("datetime").date(2030, 1, 1)))


def test_the_schema_files_are_the_repositorys(files) -> None:
    assert files["schemas/program.schema.json"] == (ROOT / "schemas" / "program.schema.json").read_text()
    assert Path(ROOT / "schemas" / "export" / "catalog.schema.json").read_text() == \
        files["schemas/export/catalog.schema.json"]
