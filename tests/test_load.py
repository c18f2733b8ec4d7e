"""Hostile input: every case becomes one clear, positioned problem, never an exception."""

from __future__ import annotations

import re
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from onramp.load import MAX_BYTES, Loaded, load_bytes, load_file
from onramp.schema import Schemas
from onramp.validate import Context, RecordFile, check_catalog, check_record, positioned, read_rates

from .conftest import FIXTURES, ROOT, TODAY, examples

BASE = (FIXTURES / "valid" / "base-program.yaml").read_bytes()


def load(raw: bytes) -> Loaded:
    return load_bytes(raw, Loaded("x.yaml"))


def codes(loaded: Loaded) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in loaded.problems]


def test_empty_file() -> None:
    assert codes(load(b"")) == [("E008", 1, 1)]
    assert codes(load(b"# only a comment\n")) == [("E008", 1, 1)]


def test_top_level_list_and_scalar() -> None:
    assert codes(load(b"- a\n- b\n")) == [("E008", 1, 1)]
    assert codes(load(b"just text\n")) == [("E008", 1, 1)]


def test_syntax_error_is_positioned() -> None:
    loaded = load(b"id: x\nname: [unclosed\nkind: program\n")
    assert [c for c, _, _ in codes(loaded)] == ["E003"]
    assert loaded.problems[0].line >= 2


def test_tabs_in_indentation_each_reported() -> None:
    assert codes(load(b"a:\n\tb: 1\n  \tc: 2\n")) == [("E004", 2, 1), ("E004", 3, 3)]


def test_tab_inside_a_value_is_fine() -> None:
    loaded = load(b"a: 'x\ty'\n")
    assert loaded.problems == [] and loaded.data == {"a": "x\ty"}


def test_duplicate_keys_at_any_depth() -> None:
    loaded = load(b"a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert codes(loaded) == [("E005", 4, 3), ("E005", 5, 1)]


def test_anchor_and_alias_refused() -> None:
    assert codes(load(b"a: &x 1\nb: *x\n")) == [("E006", 1, 4), ("E006", 2, 4)]


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    tracemalloc.start()
    loaded = load("\n".join(lines).encode())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert loaded.data is None
    assert {c for c, _, _ in codes(loaded)} == {"E006"}
    assert peak < 20 * 1024 * 1024  # a billion "lol"s expanded would need gigabytes


def test_python_tags_are_never_executed(tmp_path) -> None:
    marker = tmp_path / "pwned"
    raw = f'a: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    loaded = load(raw)
    assert codes(loaded) == [("E007", 1, 4)]
    assert not marker.exists()


def test_any_non_standard_tag_refused() -> None:
    assert codes(load(b"a: !custom 1\n")) == [("E007", 1, 4)]
    assert codes(load(b"a: !!binary aGVsbG8=\n")) == [("E007", 1, 4)]


def test_standard_tags_are_allowed() -> None:
    loaded = load(b"a: !!str 12\n")
    assert loaded.problems == [] and loaded.data == {"a": "12"}


def test_non_utf8_byte_position_is_line_and_column() -> None:
    loaded = load(b"id: x\nname: Caf\xe9\n")
    assert codes(loaded) == [("E002", 2, 10)]
    assert "offset 15" in loaded.problems[0].message


def test_utf8_bom_is_accepted() -> None:
    loaded = load(b"\xef\xbb\xbf" + BASE)
    assert loaded.problems == [] and loaded.data["id"] == "base-program"


def test_control_character_is_positioned() -> None:
    assert codes(load(b"a: 1\nb: x\x00y\n")) == [("E003", 2, 5)]


def test_size_cap(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(BASE + b"#" * (MAX_BYTES + 1))
    assert codes(load_file(path)) == [("E001", 1, 1)]


def test_deep_nesting_does_not_crash() -> None:
    loaded = load(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    assert loaded.problems or isinstance(loaded.data, dict)


def test_dates_stay_text_and_norway_stays_a_country() -> None:
    loaded = load(b"a: 2026-02-30\nb: NO\nc: yes\nd: true\n")
    assert loaded.data == {"a": "2026-02-30", "b": "NO", "c": "yes", "d": True}


SCHEMAS = Schemas(ROOT / "schemas")
CONTEXT = Context(TODAY, read_rates(ROOT, SCHEMAS)[0])


def check_all(raw: bytes) -> None:
    """Every stage validate runs, on one record: no exception, and every position inside the file."""
    loaded = load(raw)
    rf = RecordFile(loaded, ROOT / "programs" / "x.yaml", "program")
    check_record(rf, SCHEMAS, CONTEXT)
    check_catalog([rf])
    lines = len(re.split(rb"\r\n?|\n", raw))
    for problem in positioned(rf):
        assert 1 <= problem.line <= lines and problem.column >= 1, problem
        assert "\n" not in problem.format()


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    check_all(raw)


YAMLISH = st.lists(st.sampled_from(list("ab:- \n\t[]{}&*!#'\"|>,?%@`1.\\") + ["id", "kind", "\ufeff", "\n  "]),
                   max_size=120).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(YAMLISH)
def test_yaml_looking_text_never_raises(text: str) -> None:
    check_all(text.encode("utf-8"))


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE) - 1), st.binary(min_size=1, max_size=8))
def test_mutated_real_record_never_raises(offset: int, junk: bytes) -> None:
    check_all(BASE[:offset] + junk + BASE[offset:])
