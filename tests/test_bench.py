"""The bench's command line: bad flags are usage errors, and --output never overwrites a file the
bench did not write (checked before any measuring starts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onramp.bench import main
from onramp.bench.figures import Figure, results, unsafe_output, write_results


def refused(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def test_output_refuses_a_file_the_bench_did_not_write(tmp_path: Path, capsys) -> None:
    precious = tmp_path / "notes.json"
    precious.write_text('{"mine": true}\n', "utf-8")
    err = refused(["--output", str(precious)], capsys)
    assert "is not a results file the bench wrote" in err and "Traceback" not in err
    assert precious.read_text("utf-8") == '{"mine": true}\n'


def test_output_refuses_a_folder_and_unknown_flags(tmp_path: Path, capsys) -> None:
    assert "is a folder" in refused(["--output", str(tmp_path)], capsys)
    assert "unrecognized arguments: --fast" in refused(["--fast"], capsys)


def test_output_names_are_shown_without_terminal_escapes(tmp_path: Path, capsys) -> None:
    hostile = tmp_path / "\x1b[2Jx.json"
    hostile.write_text("not results", "utf-8")
    assert "\x1b" not in refused(["--output", str(hostile)], capsys)


def test_output_may_replace_its_own_earlier_results(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    assert unsafe_output(path) is None  # a new file
    write_results(path, results([Figure("x", "a figure", 1.0, 2.0, "x")], "quick", 1.0, "2026-12-01"))
    assert unsafe_output(path) is None
    assert json.loads(path.read_text("utf-8"))["figures"][0]["met"] is True
