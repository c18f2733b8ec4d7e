"""Hostile files in a catalog: each case is one positioned problem, nothing hangs, nothing is echoed.

Every test copies the catalog, plants one hostile file or value, runs `onramp validate` as a user
would (a subprocess with a timeout, so a hang fails instead of stalling the suite) and asserts the
exact code, position and exit status.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from onramp.load import load_file
from onramp.validate import validate_paths

from .conftest import FIXTURES, ROOT, TODAY

# The copies of the real catalog are checked against the real date, as the real catalog is (its
# sources are dated up to the day they were read); the fixtures keep the pinned TODAY.
REAL_DAY = dt.date.today()

BASE = (FIXTURES / "valid" / "base-program.yaml").read_text("utf-8").replace("../../../schemas", "../schemas")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the catalog (records, schemas, rate table) that a test may break."""
    root = tmp_path / "repo"
    for name in ("schemas", "programs", "communities", "data"):
        shutil.copytree(ROOT / name, root / name)
    return root


def validate(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "onramp", "validate", "--root", str(root), *args], cwd=root,
                          capture_output=True, text=True, timeout=60)


def lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.splitlines()


def check(root: Path, name: str) -> list[str]:
    """In-process validate of one file of the catalog copy: its problem lines."""
    problems, _ = validate_paths([root / "programs" / name], root, TODAY, base=root)
    return [p.format() for p in problems]


def record(record_id: str, text: str = BASE) -> str:
    return text.replace("id: base-program", f"id: {record_id}")


# -- files that are not regular files -------------------------------------------------------

def test_fifo_is_refused_without_blocking(repo: Path) -> None:
    os.mkfifo(repo / "programs" / "pipe.yaml")
    result = validate(repo)
    assert result.returncode == 1
    assert lines(result) == ["programs/pipe.yaml:1:1: E009 is a named pipe (FIFO), not a regular file; "
                             "expected a record file"]


def test_device_is_refused_without_reading(repo: Path) -> None:
    # /dev/zero behind a link from the catalog: refused as lying outside, before it is opened
    (repo / "programs" / "zero.yaml").symlink_to("/dev/zero")
    result = validate(repo)
    assert result.returncode == 1
    assert lines(result) == ["programs/zero.yaml:1:1: E009 is a symbolic link to a file outside the catalog; "
                             "expected a record file inside it (the target is not read)"]
    # read directly (as a --profile file may be), a device is refused by what it is
    assert [p.format() for p in load_file(Path("/dev/zero"), "zero.yaml").problems] == [
        "zero.yaml:1:1: E009 is a character device, not a regular file; expected a record file"]


def test_symlink_out_of_the_catalog_is_refused_and_never_echoed(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-SECRET\n")
    (repo / "programs" / "passwd.yaml").symlink_to(secret)
    result = validate(repo)
    assert result.returncode == 1
    assert lines(result) == ["programs/passwd.yaml:1:1: E009 is a symbolic link to a file outside the catalog; "
                             "expected a record file inside it (the target is not read)"]
    assert "SECRET" not in result.stdout + result.stderr


def test_symlink_inside_the_catalog_is_read(repo: Path) -> None:
    (repo / "data" / "linked.yaml").write_text(record("linked"))
    (repo / "programs" / "linked.yaml").symlink_to(repo / "data" / "linked.yaml")
    result = validate(repo)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_symlink_loop_is_e009_not_an_internal_error(repo: Path) -> None:
    (repo / "programs" / "loop.yaml").symlink_to("loop.yaml")
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert lines(result) == ["programs/loop.yaml:1:1: E009 cannot read the file (Too many levels of symbolic "
                             "links); expected a readable file"]


def test_symlinked_folder_is_reported_not_followed(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.yaml").write_text("secret: SECRET\n")
    (repo / "programs" / "more").symlink_to(outside)
    result = validate(repo)
    assert lines(result) == ["programs/more:1:1: E009 is a symbolic link to a folder; expected record files in "
                             "plain folders of the catalog"]
    assert "SECRET" not in result.stdout


def test_unlistable_folder_is_reported(repo: Path, monkeypatch) -> None:
    # Tests run as root, for whom chmod 000 hides nothing: make listing fail as it would for a user.
    locked = repo / "programs" / "locked"
    locked.mkdir()
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def refuse_list(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    monkeypatch.setattr(os, "listdir", refuse_list)
    problems, _ = validate_paths([repo / "programs"], repo, REAL_DAY, base=repo)
    assert [p.format() for p in problems] == [
        "programs/locked:1:1: E009 cannot list the folder (Permission denied); expected a readable folder of records"]


@pytest.mark.parametrize("name", ["upper.YAML", "short.yml", "mixed.Yaml"])
def test_record_named_unlike_a_record_is_reported_not_skipped(repo: Path, name: str) -> None:
    (repo / "programs" / name).write_text(record(name.split(".")[0]))
    problems, _ = validate_paths([repo / "programs"], repo, REAL_DAY, base=repo)
    suffix = "." + name.split(".")[1]
    assert [p.format() for p in problems] == [
        f"programs/{name}:1:1: E011 file name ends in '{suffix}'; expected '.yaml' (rename it to "
        f"{name.split('.')[0]}.yaml)"]


def test_reserved_id_is_refused(repo: Path) -> None:
    (repo / "programs" / "index.yaml").write_text(record("index"))
    result = validate(repo)
    assert lines(result) == ["programs/index.yaml:2:5: E213 id 'index' is reserved: its page would replace the "
                             "list page of its section; expected another id (and file name)"]


# -- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "form"), [
    ("0x3E8", "a hexadecimal number"), ("0b101", "a binary number"),
    ("017", "a number with a leading zero (YAML 1.1 reads it as octal)"),
    ("1:30", "a base-60 (sexagesimal) number, such as a time"), ("1_000", "a number with '_' separators"),
    (".nan", "not a number (NaN)"), (".inf", "an infinity"), ("-.inf", "an infinity"),
])
def test_yaml_11_number_forms_are_problems(repo: Path, written: str, form: str) -> None:
    text = record("odd-number").replace("stipend: {amount: 1000,", f"stipend: {{amount: {written},")
    (repo / "programs" / "odd-number.yaml").write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "stipend:" in t)
    assert check(repo, "odd-number.yaml") == [
        f"programs/odd-number.yaml:{line}:21: E010 '{written}' is {form}; expected a plain decimal number such as "
        "1500 (or quote it if it is text)"]


def test_hundreds_of_digits_is_a_problem_not_a_crash(repo: Path) -> None:
    text = record("huge").replace("stipend: {amount: 1000,", "stipend: {amount: " + "9" * 5000 + ",")
    (repo / "programs" / "huge.yaml").write_text(text)
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert len(lines(result)) == 1 and " E010 '99999999" in result.stdout and "is too large" in result.stdout


def test_bad_number_in_the_rate_table_stops_match_with_a_position(repo: Path) -> None:
    rates = repo / "data" / "exchange-rates.yaml"
    text = rates.read_text()
    rates.write_text(text.replace("EUR: ", "EUR: .nan #", 1))
    line = next(n for n, t in enumerate(rates.read_text().splitlines(), 1) if "EUR: .nan" in t)
    for command in (["validate"], ["match", "--country", "NG"]):
        result = subprocess.run([sys.executable, "-m", "onramp", *command, "--root", str(repo)], cwd=repo,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert f"data/exchange-rates.yaml:{line}:" in result.stdout and "E010 '.nan'" in result.stdout


# -- positions ------------------------------------------------------------------------------

def test_unicode_line_separators_do_not_shift_line_numbers(repo: Path) -> None:
    text = record("separators").replace("name: Base fixture program", 'name: "A\u2028B\u2029C\u0085D"')
    text = text.replace("mode: remote", "mode: online")
    (repo / "programs" / "separators.yaml").write_text(text)
    line = next(n for n, t in enumerate(text.split("\n"), 1) if "mode: online" in t)
    assert [t.split(": E")[0] for t in lines(validate(repo))] == [f"programs/separators.yaml:{line}:9"]


def test_error_inside_deep_nesting_points_at_its_line(repo: Path) -> None:
    deep = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1\n"
    (repo / "programs" / "deep.yaml").write_text(record("deep") + "notes_extra:\n" + "".join(
        "  " + line + "\n" for line in deep.splitlines()))
    result = validate(repo)
    problem = lines(result)[0]
    text = (repo / "programs" / "deep.yaml").read_text()
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "k39:" in t)  # the mapping 41 levels down
    assert problem.startswith(f"programs/deep.yaml:{line}:") and " E003 value is nested more than 40 levels" in problem


def test_unclosed_bracket_on_the_last_line_points_where_it_opened(repo: Path) -> None:
    text = record("unclosed") + "extra: [a, b"
    (repo / "programs" / "unclosed.yaml").write_text(text)
    last = len(text.splitlines())
    assert lines(validate(repo)) == [
        f"programs/unclosed.yaml:{last}:8: E003 YAML syntax error: did not find expected ',' or ']' (while parsing "
        "a flow sequence, which is never closed); expected valid YAML (check indentation and quoting)"]


def test_odd_keys_are_reported_as_written(repo: Path) -> None:
    (repo / "programs" / "odd-keys.yaml").write_text(record("odd-keys") + "~: 1\ntrue: 2\n1: 3\n")
    found = [t.split(": E102 ")[1].split(";")[0] for t in lines(validate(repo))]
    assert found == ["unknown field '~'", "unknown field 'true'", "unknown field '1'"]


# -- values the rules must guard against ----------------------------------------------------

@pytest.mark.parametrize("url", ["https://[x", "https://user:pw@example.org/", "http://exa mple.org",
                                 "https://example.org\\@evil.org", "https://exa<mple.org", "https://:80",
                                 "https://example.org:99999/", "javascript:alert(1)"])
def test_urls_that_are_not_plain_web_urls_are_e207(repo: Path, url: str) -> None:
    text = record("odd-url").replace("url: https://example.org/program\n", f"url: '{url}'\n", 1)
    (repo / "programs" / "odd-url.yaml").write_text(text)
    assert [t.split(": ")[1].split()[0] for t in check(repo, "odd-url.yaml")] == ["E207"]


def test_over_long_modeline_is_e209(repo: Path) -> None:
    text = "# yaml-language-server: $schema=" + "x/" * 5000 + "program.schema.json\n" + record("long-modeline").split(
        "\n", 1)[1]
    (repo / "programs" / "long-modeline.yaml").write_text(text)
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert [t.split(": ")[1].split()[0] for t in lines(result)] == ["E209"]


def test_non_strings_where_strings_are_expected_are_positioned(repo: Path) -> None:
    text = record("non-strings").replace("url: https://example.org/program\n", "url: 12\n", 1)
    text = text.replace("supports: [funding.stipend]", "supports: [{a: 1}]")
    (repo / "programs" / "non-strings.yaml").write_text(text)
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout and all(": E1" in t for t in lines(result))


# -- output ---------------------------------------------------------------------------------

def test_no_value_can_forge_a_problem_line(repo: Path) -> None:
    forged = "online\\nprograms/mats.yaml:1:1: E999 forged\\u001b[31m"
    text = record("forger").replace("mode: remote", f'mode: "{forged}"')
    (repo / "programs" / "forger.yaml").write_text(text)
    for fmt in ("text", "github"):
        result = validate(repo, "--format", fmt)
        assert len(lines(result)) == 1, result.stdout
        assert "\x1b" not in result.stdout and "\\x1b" in result.stdout


def test_a_big_file_of_unknown_keys_reports_the_first_hundred(repo: Path) -> None:
    padding = "".join(f"k{i}: 1\n" for i in range(30000))
    (repo / "programs" / "padded.yaml").write_text((record("padded") + padding)[:250_000].rsplit("\n", 1)[0] + "\n")
    result = validate(repo)
    assert result.returncode == 1
    assert len(lines(result)) == 100
    assert lines(result)[-1].endswith("(and more problems in this file, not shown: fix these and run again)")


# -- the schemas are input too --------------------------------------------------------------

def test_a_schema_with_a_json_syntax_error_is_positioned_not_an_internal_error(repo: Path) -> None:
    schema = repo / "schemas" / "program.schema.json"
    schema.write_text(schema.read_text().replace('"type": "object"', '"type": "object",,', 1))
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert len(lines(result)) == 1 and " E003 JSON syntax error: " in result.stdout
    assert lines(result)[0].startswith(f"{schema}:")
    assert "internal error" not in result.stderr


def test_a_schema_that_is_not_a_json_schema_is_e109(repo: Path) -> None:
    defs = repo / "schemas" / "defs.schema.json"
    defs.write_text(defs.read_text().replace('"type": "number"', '"type": 5', 1))
    result = validate(repo)
    assert result.returncode == 1, result.stderr
    assert lines(result) == [f"{defs}:1:1: E109 not a valid JSON Schema (5 is not valid under any of the schemas "
                             "listed in the 'anyOf' keyword at $defs/count/type); expected JSON Schema 2020-12"]
