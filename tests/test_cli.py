"""The `onramp` command as a user runs it: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import FIXTURES, ROOT

ERRORS = FIXTURES / "errors"


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "onramp", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")}, timeout=120)


def test_clean_catalog_exits_0() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_invalid_record_exits_1_with_positioned_line() -> None:
    result = run("validate", "--today", "2026-12-01", str(ERRORS / "e103.yaml"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/fixtures/errors/e103.yaml:13:25: E103 format.hours_per_week.min is -5; expected a number >= 0"]


def test_no_traceback_for_any_fixture() -> None:
    result = run("validate", "--today", "2026-12-01", str(ERRORS))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    # one problem per fixture, whatever the case of its extension (e011.YAML is one)
    assert len(result.stdout.splitlines()) == len([p for p in ERRORS.rglob("*") if p.suffix.lower() == ".yaml"])


@pytest.mark.parametrize("args", [("validate", "no/such/path.yaml"), ("validate", "--frobnicate"),
                                  ("validate", "--format", "xml"), ("validate", "--today", "yesterday"),
                                  ("nonsense",)])
def test_usage_errors_exit_2(args) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_json_format() -> None:
    result = run("validate", "--format", "json", "--today", "2026-12-01", str(ERRORS / "e105.yaml"))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["files"] == 1
    assert payload["problems"] == [{
        "path": "tests/fixtures/errors/e105.yaml", "line": 10, "column": 9, "code": "E105",
        "message": "format.mode is 'online'; expected one of: in_person, remote, hybrid, unknown"}]


def test_github_format_is_an_annotation() -> None:
    result = run("validate", "--format", "github", "--today", "2026-12-01", str(ERRORS / "e207.yaml"))
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=tests/fixtures/errors/e207.yaml,line=7,col=6,title=E207::url is")


def test_codes_lists_every_code() -> None:
    from onramp.problems import CODES
    result = run("codes")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(CODES)


def test_runs_from_a_subfolder_and_finds_the_root() -> None:
    result = run("validate", cwd=ROOT / "programs")
    assert result.returncode == 0, result.stdout + result.stderr
