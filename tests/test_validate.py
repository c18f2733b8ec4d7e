"""Each documented problem code, on its own failing fixture: exact code, line and column."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from onramp.problems import CODES
from onramp.validate import validate_paths

from .conftest import FIXTURES, ROOT, TODAY

ERRORS = FIXTURES / "errors"

# code -> (fixture, line, column), read off each fixture by hand: the column is where the
# offending value (or key, or byte) starts.
EXPECTED = {
    "E001": ("e001.yaml", 1, 1),
    "E002": ("e002.yaml", 4, 10),   # 'name: Caf' is 9 bytes; the Latin-1 é follows
    "E003": ("e003.yaml", 10, 15),  # the second ':' in 'mode: remote: yes'
    "E004": ("e004.yaml", 10, 1),
    "E005": ("e005.yaml", 5, 1),    # the second 'name'
    "E006": ("e006.yaml", 25, 17),  # '&areas'
    "E007": ("e007.yaml", 4, 7),    # '!!python/object/apply'
    "E008": ("e008.yaml", 2, 1),    # the list starts after the comment line
    "E009": ("e009.yaml", 1, 1),    # a symlink to nothing
    "E010": ("e010.yaml", 16, 21),  # 0x3E8
    "E011": ("e011.YAML", 1, 1),
    "E101": ("e101.yaml", 2, 1),    # the top-level mapping that lacks 'status'
    "E102": ("e102.yaml", 15, 3),   # the key 'colour' inside format
    "E103": ("e103.yaml", 13, 25),  # -5
    "E104": ("e104.yaml", 22, 12),  # 'eighteen'
    "E105": ("e105.yaml", 10, 9),   # 'online'
    "E106": ("e106.yaml", 36, 16),  # '1 June 2026'
    "E107": ("e107.yaml", 25, 17),  # []
    "E108": ("e108.yaml", 17, 21),  # the second 'compute'
    "E109": ("e109.yaml", 20, 12),  # [worldwide, GB]
    "E201": ("e201.yaml", 2, 5),
    "E202": ("e202/mats.yaml", 2, 5),
    "E203": ("e203.yaml", 24, 15),
    "E204": ("e204.yaml", 36, 16),
    "E205": ("e205.yaml", 36, 16),
    "E206": ("e206.yaml", 14, 25),  # the min of duration_weeks
    "E207": ("e207.yaml", 7, 6),
    "E208": ("e208/programs/templates/e208.yaml", 3, 7),
    "E209": ("e209.yaml", 1, 1),
    "E210": ("e210.yaml", 9, 11),
    "E211": ("e211.yaml", 35, 73),  # 'funding.salary' inside supports
    "E212": ("e212.yaml", 29, 35),  # the opens date
    "E213": ("e213/index.yaml", 2, 5),
    "E214": ("e214.yaml", 16, 37),  # NGN, which the rate table lacks
    "E215": ("e215.yaml", 25, 14),  # false, with no community listed
    "E216": ("e216.yaml", 35, 11),  # a reported cost citing a page the record does not list
    "E217": ("e217.yaml", 26, 1),   # applications, which no source's supports names
    "W001": ("w001/w001.yaml", 7, 6),  # MATS's url on another record
    "W002": ("w002/w002.yaml", 4, 7),  # "The MATS (...)": MATS's name once the aside is set aside
}


def test_every_code_has_a_fixture_and_a_test() -> None:
    assert set(EXPECTED) == set(CODES)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_fixture_yields_exactly_its_code_at_its_position(code: str) -> None:
    name, line, column = EXPECTED[code]
    problems, count = validate_paths([ERRORS / name], ROOT, TODAY, base=ROOT)
    assert count == 1
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, column)]
    assert problems[0].path == f"tests/fixtures/errors/{name}"


def test_every_code_is_documented_with_its_fixtures_real_output() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text("utf-8")
    for code in CODES:
        section = re.search(rf"^## {code}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
        assert section, f"{code} is not documented in docs/errors.md"
        problems, _ = validate_paths([ERRORS / EXPECTED[code][0]], ROOT, TODAY, base=ROOT)
        assert problems[0].format() in section.group(1), f"docs/errors.md example for {code} is out of date"


def test_valid_fixtures_are_clean() -> None:
    problems, count = validate_paths([FIXTURES / "valid"], ROOT, TODAY, base=ROOT)
    assert count == 2
    assert problems == []


def test_whole_error_folder_reports_every_file_sorted() -> None:
    problems, count = validate_paths([ERRORS], ROOT, TODAY, base=ROOT)
    assert count == len(EXPECTED)
    assert len(problems) == len(EXPECTED)
    assert problems == sorted(problems)


def test_all_problems_of_one_file_are_reported(tmp_path) -> None:
    text = (FIXTURES / "valid" / "base-program.yaml").read_text()
    text = (text.replace("../../../schemas", str(ROOT / "schemas"))
                .replace("mode: remote", "mode: online")
                .replace("{min: 5, max: 10}", "{min: 12, max: 10}")
                .replace("last_verified: 2026-06-01", "last_verified: 2026-13-01"))
    path = tmp_path / "base-program.yaml"
    path.write_text(text)
    problems, _ = validate_paths([path], ROOT, TODAY, base=tmp_path)
    assert [p.code for p in problems] == ["E105", "E206", "E204"]


def test_reference_to_a_record_of_the_wrong_kind(tmp_path) -> None:
    text = (FIXTURES / "valid" / "base-program.yaml").read_text()
    text = text.replace("../../../schemas", str(ROOT / "schemas"))
    text = text.replace("communities: [osint]", "communities: [mats]")
    (tmp_path / "base-program.yaml").write_text(text)
    problems, _ = validate_paths([tmp_path / "base-program.yaml"], ROOT, TODAY, base=tmp_path)
    assert [(p.code, p.line) for p in problems] == [("E203", 24)]
    assert "names a program" in problems[0].message


def test_messages_say_what_is_expected() -> None:
    problems, _ = validate_paths([ERRORS], ROOT, TODAY, base=ROOT)
    for problem in problems:
        assert "expected" in problem.message, problem.format()


def test_fast_and_detailed_validators_agree() -> None:
    """The Rust validator decides who gets detailed errors; it must never call a bad record good."""
    from onramp.load import load_file
    from onramp.schema import Schemas
    from onramp.validate import catalog_files, expand

    schemas = Schemas(ROOT / "schemas")
    checked = 0
    for path in catalog_files(ROOT) + expand([FIXTURES]):
        loaded = load_file(path)
        if not loaded.ok:
            continue
        for kind in ("program", "template", "community"):
            detailed = not any(True for _ in schemas.validators[kind].iter_errors(loaded.data))
            assert schemas.fast[kind].is_valid(loaded.data) == detailed, (path, kind)
            checked += 1
    assert checked > 200


def test_each_missing_field_is_reported_once(tmp_path) -> None:
    text = (FIXTURES / "valid" / "base-program.yaml").read_text().replace("../../../schemas", str(ROOT / "schemas"))
    kept = [line for line in text.splitlines() if not line.startswith(("status:", "url:", "organiser:"))]
    (tmp_path / "base-program.yaml").write_text("\n".join(kept) + "\n")
    problems, _ = validate_paths([tmp_path / "base-program.yaml"], ROOT, TODAY, base=tmp_path)
    assert [(p.code, p.message.split("'")[1]) for p in problems] == [
        ("E101", "organiser"), ("E101", "status"), ("E101", "url")]


def test_a_broken_file_does_not_break_references_to_it(tmp_path) -> None:
    """A record that cannot be parsed still holds its id (= its file name) for the others."""
    import shutil

    root = tmp_path / "repo"
    for name in ("schemas", "programs", "communities"):
        shutil.copytree(ROOT / name, root / name)
    osint = root / "communities" / "osint.yaml"
    osint.write_text(osint.read_text() + "broken: [\n")
    # the real catalog is checked against the real date (its sources are dated up to today)
    problems, _ = validate_paths([root / "communities", root / "programs"], root, dt.date.today(), base=root)
    assert [(p.path, p.code) for p in problems] == [("communities/osint.yaml", "E003")]


@pytest.mark.parametrize(("old", "new", "hint"), [
    ("communities: [osint]", "communities: [osnit]", "did you mean 'osint'?"),
    ("regions: [worldwide]", "regions: [Nigeria]", "did you mean 'NG'?"),
    ("mode: remote", "mode: Remote", "did you mean 'remote'?"),
    ("currency: USD", "currency: usd", "did you mean 'USD'?"),
    ("  locations: []", "  location: []", "did you mean 'locations'?"),
    ("stages: [early-career]", "stages: [early career]", "did you mean 'early-career'?"),
])
def test_a_near_miss_gets_the_closest_allowed_value(tmp_path, old, new, hint) -> None:
    text = (FIXTURES / "valid" / "base-program.yaml").read_text().replace("../../../schemas", str(ROOT / "schemas"))
    assert old in text
    (tmp_path / "base-program.yaml").write_text(text.replace(old, new))
    problems, _ = validate_paths([tmp_path / "base-program.yaml"], ROOT, TODAY, base=tmp_path)
    assert any(hint in p.message for p in problems), [p.format() for p in problems]


def test_a_far_miss_gets_no_suggestion(tmp_path) -> None:
    text = (FIXTURES / "valid" / "base-program.yaml").read_text().replace("../../../schemas", str(ROOT / "schemas"))
    (tmp_path / "base-program.yaml").write_text(text.replace("mode: remote", "mode: zeppelin"))
    problems, _ = validate_paths([tmp_path / "base-program.yaml"], ROOT, TODAY, base=tmp_path)
    assert [p.code for p in problems] == ["E105"] and "did you mean" not in problems[0].message


def test_warnings_pass_unless_strict(tmp_path) -> None:
    from .test_cli import run

    fixture = str(ERRORS / "w001" / "w001.yaml")
    assert run("validate", fixture).returncode == 0
    strict = run("validate", "--strict", fixture)
    assert strict.returncode == 1 and "W001" in strict.stdout
    github = run("validate", "--format", "github", fixture)
    assert github.stdout.startswith("::warning file=")
