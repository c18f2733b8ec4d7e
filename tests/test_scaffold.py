"""`onramp new`: the skeletons have every required key, validate once filled in, and fail with the
codes that name what is missing; bad, reserved or taken ids are refused and nothing is replaced."""

from __future__ import annotations

import shutil

import pytest

from onramp.validate import validate_paths

from .conftest import ROOT, TODAY
from .test_cli import run

SUPPORTS = {"program": "[format, funding, eligibility, applications]",
            "community": "[gathering_places, skills, barriers]"}
FILLED = {  # what a contributor writes where the skeleton leaves a gap
    'name: ""': "name: Example",
    'summary: ""': "summary: An example record.",
    'url: ""': "url: https://example.org/p",
    'what: ""': "what: members of the example forum",
    "research_areas: []": "research_areas: [evaluations]",
    "gathering_places: []": "gathering_places: [{name: Forum, url: https://example.org/f, kind: online-community}]",
    "skills: []": "skills: [{skill: Reading records, research_areas: [incident-monitoring]}]",
    "barriers: []": "barriers: [Programs ask for relocation.]",
}


@pytest.fixture
def catalog(tmp_path):
    for folder in ("schemas", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "communities").mkdir()
    (tmp_path / "programs").mkdir()
    return tmp_path


def new(catalog, *args):
    return run("new", *args, "--root", str(catalog), "--today", TODAY.isoformat())


@pytest.mark.parametrize(("kind", "path", "missing"), [
    ("program", "programs/x-program.yaml", ["E107", "E107", "E107", "E207", "E107", "E107"]),
    ("community", "communities/x-community.yaml", ["E107"] * 7),
])
def test_a_new_record_names_what_is_missing_and_validates_once_filled(catalog, kind, path, missing) -> None:
    result = new(catalog, kind, f"x-{kind}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == path
    text = (catalog / path).read_text()
    assert text.startswith("# yaml-language-server: $schema=../") and f"last_verified: {TODAY.isoformat()}" in text
    problems, _ = validate_paths([catalog / path], catalog, TODAY, base=catalog)
    assert [p.code for p in problems] == missing
    for old, filled in FILLED.items():
        text = text.replace(old, filled, 1)
    text = text.replace("sources: []", "sources: [{url: https://example.org/p, accessed: 2026-11-30, "
                                        f"quality: primary, supports: {SUPPORTS[kind]}}}]", 1)
    (catalog / path).write_text(text)
    problems, _ = validate_paths([catalog / path], catalog, TODAY, base=catalog)
    assert [p.format() for p in problems] == []


def test_a_new_template_has_every_design_part(catalog) -> None:
    assert new(catalog, "template", "x-design").returncode == 0
    problems, _ = validate_paths([catalog / "programs" / "templates" / "x-design.yaml"], catalog, TODAY,
                                 base=catalog)
    assert {p.code for p in problems} == {"E107"}  # only empty texts and lists: no key is missing
    assert not any("missing required" in p.message for p in problems)


@pytest.mark.parametrize("bad", ["Bad_Id", "-x", "x--y", "a" * 81, "index", "../escape"])
def test_a_bad_or_reserved_id_is_a_usage_error(catalog, bad) -> None:
    result = new(catalog, "program", bad)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert list((catalog / "programs").iterdir()) == []


def test_a_taken_id_is_refused_and_nothing_is_replaced(catalog) -> None:
    assert new(catalog, "program", "taken").returncode == 0
    (catalog / "programs" / "taken.yaml").write_text("mine")
    result = new(catalog, "program", "taken")
    assert result.returncode == 2 and "already used" in result.stderr
    assert (catalog / "programs" / "taken.yaml").read_text() == "mine"
    other_kind = new(catalog, "community", "taken")  # ids are unique across kinds
    assert other_kind.returncode == 2
