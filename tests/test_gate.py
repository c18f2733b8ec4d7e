"""`validate` is the gate: whatever passes it builds its page and matches without an error, and
whatever does not pass gets positioned problems. Hypothesis writes hostile values into a valid
record (numbers of every form, control characters, Unicode line breaks, emoji, markup, odd URLs)
and the record goes through every stage a real one does."""

from __future__ import annotations

import copy
import math
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from onramp.catalog import Record, load_catalog
from onramp.cli import render_match
from onramp.facts import facts_of
from onramp.load import Loaded, load_bytes
from onramp.match import Matcher
from onramp.profile import Profile
from onramp.site import SiteBuilder
from onramp.validate import REFERENCES, Context, RecordFile, check_record, positioned, reference_findings

from .conftest import FIXTURES, ROOT, TODAY, examples

CATALOG = load_catalog(ROOT)
CONTEXT = Context(TODAY, CATALOG.rates)
KINDS = {r.id: r.kind for r in CATALOG.records.values()}
SITE = SiteBuilder(CATALOG, ROOT / "site_templates", today=TODAY)
BASE = yaml.safe_load((FIXTURES / "valid" / "base-program.yaml").read_text("utf-8"))
PRAGMA = "# yaml-language-server: $schema=../schemas/program.schema.json\n"
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE_CHARS = st.sampled_from(list("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\u2028\u2029\u202e\u2066\ufeff")
                                + ["\n", "\r", "\r\n", "\t", "🚀", "Ω", "é", "<", ">", "&", "*", "_", "[", "]",
                                   "(", ")", "`", "#", "{{", "}}", "{%", "'", '"', ": ", "- ", "\\"])
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_CHARS, st.text(max_size=4)), min_size=1, max_size=12).map("".join)
NUMBER_TEXT = st.sampled_from(["0x1A", "0b101", "017", "1:30", "1_000", ".nan", ".inf", "-.inf", "1e400",
                               "9" * 400, "1000000000000000", "1000000000000001", "0.5", "12", "-3", "5."])
NUMBERS = st.one_of(st.integers(min_value=-(10**20), max_value=10**20),
                    st.floats(allow_nan=True, allow_infinity=True), NUMBER_TEXT.map(lambda t: ("raw", t)))


def edit(draw_value, where: tuple) -> dict:
    data = copy.deepcopy(BASE)
    data["id"] = "gate"
    target = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = draw_value
    return data


PLACES = [("name",), ("summary",), ("organiser",), ("url",), ("format", "hours_per_week", "min"),
          ("format", "duration_weeks", "max"), ("funding", "stipend", "amount"), ("eligibility", "min_age"),
          ("format", "locations"), ("sources", 0, "url"), ("applications", "windows", 0, "label")]


def to_yaml(data: dict) -> str:
    """YAML text for data, with ('raw', text) values written as they are (YAML 1.1 number forms)."""
    raws: dict[str, str] = {}

    def mark(value):
        if isinstance(value, tuple) and value and value[0] == "raw":
            key = f"RAW{len(raws)}RAW"
            raws[key] = value[1]
            return key
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = yaml.safe_dump(mark(data), allow_unicode=True, sort_keys=False, width=10_000)
    for key, raw in raws.items():
        text = text.replace(key, raw)
    return PRAGMA + text


def run_every_stage(text: str) -> str | None:
    """Validate one program record; when it passes, match it, print it and render its page."""
    loaded = load_bytes(text.encode("utf-8", "surrogatepass"), Loaded("programs/gate.yaml"))
    rf = RecordFile(loaded, ROOT / "programs" / "gate.yaml", "program")
    check_record(rf, CATALOG.schemas, CONTEXT)
    if loaded.ok:  # references resolve against the real catalog
        rf.findings.extend(reference_findings(loaded.data, REFERENCES["program"], KINDS))
    problems = positioned(rf)
    for problem in problems:
        assert not UNPRINTABLE.search(problem.format()), problem.format()
    if problems:
        return None
    # It passed validate: every later stage must take it.
    for value in _numbers(loaded.data):
        assert math.isfinite(value) and abs(value) <= 10**15, value
    record = Record("gate", "program", "programs/gate.yaml", loaded.data)
    facts = facts_of(record.id, record.kind, record.data, CATALOG.rates, CATALOG.schemas.region_members)
    CATALOG.records["gate"], CATALOG.facts["gate"] = record, facts
    try:
        result = Matcher([facts], CATALOG.rates).match(
            Profile(country="NG", city="Lagos", relocate="none", hours_per_week=10, weeks=8, age=30,
                    min_stipend={"amount": 300, "currency": "USD", "period": "month"}, no_fee=True), TODAY)
        for line in render_match(result, CATALOG, TODAY).splitlines():
            assert not UNPRINTABLE.search(line), line
        html = SITE.render("program.html.j2", record=record, facts=facts, **SITE.freshness(record))
        assert str(escape(record.data["organiser"])) in html  # shown, as text, never as markup
        return html
    finally:
        del CATALOG.records["gate"], CATALOG.facts["gate"]


def _numbers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACES), st.one_of(HOSTILE_TEXT, NUMBERS))
def test_hostile_values_pass_every_stage_or_get_positioned_problems(where: tuple, value) -> None:
    run_every_stage(to_yaml(edit(value, where)))


@settings(max_examples=examples(150), deadline=None)
@given(NUMBERS)
def test_numbers_are_plain_finite_and_bounded_or_a_problem(value) -> None:
    text = to_yaml(edit(value, ("funding", "stipend", "amount")))
    loaded = load_bytes(text.encode("utf-8"), Loaded("programs/gate.yaml"))
    if isinstance(value, float) and not math.isfinite(value):
        assert [p.code for p in loaded.problems] == ["E010"]
    if isinstance(value, tuple) and value[1] in ("0x1A", "0b101", "017", "1:30", "1_000", ".nan", ".inf", "-.inf"):
        assert [p.code for p in loaded.problems] == ["E010"]
    run_every_stage(text)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.sampled_from(["\u2028", "\u2029", "\x85", "\r", "\r\n", "\n", "x", "é", "🚀"]), max_size=10),
       st.integers(min_value=0, max_value=30))
def test_line_breaks_in_text_never_shift_positions(breaks: list[str], at_line: int) -> None:
    """A problem below a value holding Unicode line breaks is reported on the line an editor shows."""
    data = edit("".join(breaks) or "x", ("summary",))
    data["format"]["mode"] = "online"  # the one problem, below the summary
    text = to_yaml(data)
    loaded = load_bytes(text.encode("utf-8"), Loaded("programs/gate.yaml"))
    rf = RecordFile(loaded, ROOT / "programs" / "gate.yaml", "program")
    check_record(rf, CATALOG.schemas, CONTEXT)
    problems = [p for p in positioned(rf) if p.code == "E105"]
    editor_lines = re.split(r"\r\n?|\n", text)
    expected = next(n for n, line in enumerate(editor_lines, 1) if "mode: online" in line)
    assert [(p.line, p.column) for p in problems] == [(expected, editor_lines[expected - 1].index("online") + 1)]


def test_a_hostile_but_valid_record_passes_every_stage_escaped() -> None:
    data = edit("Sprint 🚀 \x1b[31m<script>alert(1)</script>\u2028*x* & [l](http://e.org)", ("organiser",))
    data["name"] = "Ω \u202eevil\u202c 🚀"
    html = run_every_stage(to_yaml(data))
    assert html is not None, "the record should pass validate"
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Values that validate accepts: each must reach the page and the matcher (so the property tests'
# later stages are known to run, whatever Hypothesis happens to draw).
VALID_HOSTILE = [(("name",), "🚀 \x1b[2J\u2028<b>x</b> {{ 7*7 }} {% raw %}"), (("summary",), "a\nb\rc\x85d"),
                 (("url",), "https://例え.jp/パス?q=<x>"), (("funding", "stipend", "amount"), 1000000000000000),
                 (("format", "hours_per_week", "min"), 0.5), (("eligibility", "min_age"), 0),
                 (("applications", "windows", 0, "label"), "\u202eevil\u202c 🚀")]


@pytest.mark.parametrize(("where", "value"), VALID_HOSTILE)
def test_valid_hostile_values_reach_every_stage(where: tuple, value) -> None:
    assert run_every_stage(to_yaml(edit(value, where))) is not None
