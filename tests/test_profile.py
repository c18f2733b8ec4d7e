"""Reading profiles: stipend text, CSV cells and whole batch files, hostile ones included."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onramp.catalog import read_rates
from onramp.match import Matcher
from onramp.problems import CODES
from onramp.profile import (
    MAX_CELL,
    MAX_ROW,
    BadStipend,
    Profile,
    check_profile,
    parse_stipend,
    read_batch,
    read_row,
    row_data,
)
from onramp.schema import Schemas

from .conftest import ROOT, TODAY, examples

SCHEMAS = Schemas(ROOT / "schemas")
RATES = read_rates(ROOT, SCHEMAS)[0]
COMMUNITIES = ["debaters", "osint"]
HEADER = "name,country,city,hours_per_week,min_stipend"


def usd(amount, currency="USD", period="month"):
    return {"amount": amount, "currency": currency, "period": period}


def batch(tmp_path, content: bytes | str, name: str = "b.csv") -> list[tuple[int, str | list[str]]]:
    """Each row read from `content` as (line, profile name) or (line, its problems formatted)."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out = []
    for row in read_batch(path, name, SCHEMAS, RATES, COMMUNITIES):
        assert (row.profile is None) == bool(row.problems)
        out.append((row.line, row.profile.name if row.profile else [p.format() for p in row.problems]))
    return out


# -- stipends -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "money"), [
    ("1,500 usd/Month", usd(1500)), ("1500USD/week", usd(1500, period="week")),
    ("12,000.50 EUR / year", usd(12000.5, "EUR", "year")), ("300.0 GBP/week", usd(300, "GBP", "week"))])
def test_parse_stipend_reads_amount_currency_and_period(text, money) -> None:
    assert parse_stipend(text) == money


@pytest.mark.parametrize(("text", "code", "message"), [
    ("lots", "E106", "'lots' is not a stipend; expected 'AMOUNT CUR/PERIOD' such as '1500 USD/month' "
                     "(period: week, month, year)"),
    ("1500 USD total", "E106", "'1500 USD total' is not a stipend"),
    ("nan USD/month", "E010", "the amount 'nan' is not a number (NaN); expected a plain decimal number"),
    ("inf USD/month", "E010", "the amount 'inf' is an infinity"),
    ("1e400 USD/month", "E010", "the amount '1e400' is too large"),
    ("9" * 400 + " USD/month", "E010", f"the amount '{'9' * 37}...' is too large; expected a number of at most "
                                       "1,000,000,000,000,000"),
    ("1_000 USD/month", "E010", "the amount '1_000' is a number with '_' separators"),
    ("1,,5 USD/month", "E010", "the amount '1,,5' is not a number"),
])
def test_parse_stipend_refuses_what_is_not_a_plain_amount(text, code, message) -> None:
    with pytest.raises(BadStipend) as caught:
        parse_stipend(text)
    assert caught.value.code == code
    assert str(caught.value).startswith(message)


# -- one row --------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "form"), [
    ("nan", "is not a number (NaN)"), ("NaN", "is not a number (NaN)"), ("-inf", "is an infinity"),
    ("Infinity", "is an infinity"), ("1e400", "is too large"), ("9" * 30, "is too large"),
    ("1_000", "is a number with '_' separators"), ("0x10", "is a hexadecimal number"),
    ("\uff11\uff10", "is not a number"),  # fullwidth digits, which float() would read as 10
    ("ten", "is not a number")])
def test_number_cells_follow_the_one_definition_of_a_number(cell, form) -> None:
    data, findings = row_data({"country": "NG", "hours_per_week": cell})
    assert data == {"country": "NG"}
    assert [(f.code, f.path) for f in findings] == [("E010", ("hours_per_week",))]
    assert findings[0].message.startswith("hours_per_week: '") and form in findings[0].message


def test_row_data_reads_numbers_lists_flags_and_stipends() -> None:
    data, findings = row_data({"country": " NG ", "hours_per_week": " 7.5 ", "weeks": "12", "city": "",
                               "communities": "debaters; ;osint;", "no_fee": "Yes", "min_stipend": "1,000 USD/month"})
    assert findings == []
    assert data == {"country": "NG", "hours_per_week": 7.5, "weeks": 12, "communities": ["debaters", "osint"],
                    "no_fee": True, "min_stipend": usd(1000)}


def test_a_bad_cell_is_reported_before_the_schema_is_asked() -> None:
    profile, findings = read_row({"country": "XX", "relocate": "short", "max_weeks_away": "nan"}, SCHEMAS, RATES,
                                 COMMUNITIES)
    assert profile is None and [f.code for f in findings] == ["E010"]
    profile, findings = read_row({"country": "XX", "hours_per_week": "200"}, SCHEMAS, RATES, COMMUNITIES)
    assert sorted(f.code for f in findings) == ["E103", "E105"]


# -- a batch file ---------------------------------------------------------------------------

def test_a_spreadsheet_byte_order_mark_is_accepted(tmp_path) -> None:
    assert batch(tmp_path, b"\xef\xbb\xbf" + f"{HEADER}\r\nada,NG,Lagos,10,\r\n".encode()) == [(2, "ada")]


def test_hostile_rows_are_positioned_at_their_first_line_and_the_others_still_read(tmp_path) -> None:
    long_city = "x" * (MAX_CELL + 1)
    content = (f"{HEADER}\n"
               "ada,NG,Lagos,10,\n"
               '"two\nlines",NG,"Ab\nuja",nan,\n'  # starts on line 3, ends on line 5
               "bob,NG,Z\xe9rich,10,\n"
               "cyd,NG,Lagos,10,,surplus,more\n"
               f"dee,NG,{long_city},10,\n"
               "eve,NG,Lagos,,lots\n"
               "\n"
               ",,,,\n"  # the empty rows a spreadsheet leaves at the end
               "fay,GB,,40,1500 GBP/month\n").encode("latin-1")  # é as one Latin-1 byte, which is not UTF-8
    assert batch(tmp_path, content) == [
        (2, "ada"),
        (3, ["b.csv:3:1: E010 hours_per_week: 'nan' is not a number (NaN); expected a plain decimal number "
             "such as 1500"]),
        (6, ["b.csv:6:8: E002 city has a byte that is not UTF-8 (0xE9, character 2 of the cell); expected UTF-8 "
             "text (a spreadsheet's 'CSV UTF-8')"]),
        (7, ["b.csv:7:18: E107 row has 7 cells; expected at most 5, one per column"]),
        (8, [f"b.csv:8:8: E107 city has 1,001 characters; expected at most {MAX_CELL:,} in a cell"]),
        (9, ["b.csv:9:15: E106 min_stipend: 'lots' is not a stipend; expected 'AMOUNT CUR/PERIOD' such as "
             "'1500 USD/month' (period: week, month, year)"]),
        (12, "fay")]


def test_schema_problems_point_at_their_cell(tmp_path) -> None:
    content = "name,country,relocate,hours_per_week,communities\nada,XX,maybe,200,debaters;nobody\n"
    problems = batch(tmp_path, content)[0][1]
    assert [re.match(r"\S+ \S+", p).group() for p in problems] == [
        "b.csv:2:5: E105", "b.csv:2:8: E105", "b.csv:2:14: E103"]
    content = "name,country,relocate,hours_per_week,communities\nada,NG,,10,debaters;nobody\n"
    assert batch(tmp_path, content) == [(2, [
        "b.csv:2:12: E203 communities[1] is 'nobody', but no community record has that id; expected one of: "
        "debaters, osint"])]


def test_a_bad_header_is_reported_at_line_1_and_no_row_is_read(tmp_path) -> None:
    fields = ("age, citizenship, city, communities, country, hours_per_week, interests, max_weeks_away, "
              "min_stipend, name, no_fee, relocate, stage, weeks")
    assert batch(tmp_path, "name,country,hours,name,\nada,NG,10,ada,\n") == [(1, [
        f"b.csv:1:14: E102 unknown column 'hours'; expected columns among: {fields}",
        "b.csv:1:20: E005 column 'name' appears twice in the header (first as column 1); expected each column "
        "once",
        f"b.csv:1:25: E102 column 5 has no name; expected columns among: {fields}"])]
    assert batch(tmp_path, b"name,c\xf4untry\nada,NG\n") == [(1, [
        "b.csv:1:6: E002 column 2 of the header has a byte that is not UTF-8 (0xF4, character 2 of the cell); "
        "expected UTF-8 text (a spreadsheet's 'CSV UTF-8')"])]


def test_a_header_of_thousands_of_bad_columns_reports_the_first_hundred(tmp_path) -> None:
    # positions are computed once per record: this took minutes when each was recomputed
    [(line, problems)] = batch(tmp_path, ",".join(["country"] * 12_000) + "\nNG\n")
    assert line == 1 and len(problems) == 100
    assert problems[0].startswith("b.csv:1:9: E005 column 'country' appears twice")
    assert problems[-1].startswith("b.csv:1:801: E005") and problems[-1].endswith(
        "(and more problems in the header, not shown)")


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_one_problem(tmp_path, content) -> None:
    assert batch(tmp_path, content) == [(1, ["b.csv:1:1: E008 file is empty; expected a header row naming the "
                                             "columns, such as name,country,city"])]


def test_a_quote_left_open_stops_the_file_without_holding_it_in_memory(tmp_path) -> None:
    rest = "".join(f"row{i},NG,Lagos,10,\n" for i in range(MAX_ROW // 10))
    assert batch(tmp_path, f'{HEADER}\nada,NG,Lagos,10,\n"open,NG,Lagos,10,\n{rest}') == [
        (2, "ada"),
        (3, [f"b.csv:3:1: E107 row is longer than {MAX_ROW:,} characters, so the rest of the file is not read; "
             f"expected at most {MAX_CELL:,} characters a cell (is a quote left open?)"])]


def test_the_csv_field_limit_is_raised_only_while_reading(tmp_path) -> None:
    before = csv.field_size_limit(10)  # another caller's small limit must neither end the file nor be lost
    try:
        assert batch(tmp_path, f"{HEADER}\nada,NG,{'L' * 900},10,\nbob,NG,Lagos,10,\n") == [(2, "ada"), (3, "bob")]
        assert csv.field_size_limit() == 10
    finally:
        csv.field_size_limit(before)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_rows_are_read_as_they_arrive(tmp_path) -> None:
    """A reader that took the whole file first would wait for the writer to finish."""
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    first_seen = threading.Event()

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as out:
            out.write("name,country\nada,NG\n")
            out.flush()
            first_seen.wait(20)
            out.write("bob,GB\n")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        rows = read_batch(fifo, "rows.csv", SCHEMAS, RATES, COMMUNITIES)
        start = time.monotonic()
        first = next(rows)
        assert time.monotonic() - start < 10 and first.profile.name == "ada"
    finally:
        first_seen.set()
    assert [r.profile.name for r in rows] == ["bob"]
    writer.join()


# -- properties: no cell or byte crashes the reader -----------------------------------------

TRICKY = ["", " ", "NG", "GB", "Lagos", "10", "7.5", "-3", "200", "nan", "NaN", "-inf", "Infinity", "1e400",
          "9" * 400, "1_000", "0x1A", "\uff11\uff10", "true", "no", "short", "none", "yes", "debaters;osint",
          "1000 USD/month", "nan USD/month", "1e999 EUR/year", "=1+1", '"', "a,b", "\r", "\n", "\u2028",
          "\u2029", "\x85", "\x00", "\x1b[31m", "\ufeff"]
COLUMNS = ["name", "country", "city", "citizenship", "relocate", "max_weeks_away", "hours_per_week", "weeks",
           "min_stipend", "no_fee", "stage", "age", "communities", "interests"]
cells = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30),
                  st.text(alphabet=st.sampled_from("0123456789.,eE+-_ \t\r\n\x85\u2028\u2029\x0b\x0c\x1cinfa"),
                          max_size=40))
numbers = st.one_of(st.integers(0, 100).map(str), st.decimals(0, 100, places=2).map(str))
PLAUSIBLE = {"name": st.text(max_size=20), "country": st.sampled_from(["NG", "GB", "US"]),
             "city": st.text(max_size=20), "citizenship": st.sampled_from(["US", "GB; IN"]),
             "relocate": st.sampled_from(["none", "yes"]), "max_weeks_away": numbers, "hours_per_week": numbers,
             "weeks": numbers, "min_stipend": st.sampled_from(["1000 USD/month", "300 GBP/week", "12,000 EUR/year"]),
             "no_fee": st.sampled_from(["true", "No"]), "stage": st.sampled_from(["early-career", "senior"]),
             "age": numbers, "communities": st.sampled_from(["debaters", "osint;debaters"]),
             "interests": st.sampled_from(["", "evaluations"])}
# Mostly plausible cells, so that some rows are profiles; any cell may be hostile.
rows = st.dictionaries(st.sampled_from(COLUMNS), cells, max_size=len(COLUMNS))
plausible_rows = st.fixed_dictionaries({"country": PLAUSIBLE["country"]},
                                       optional={c: PLAUSIBLE[c] for c in COLUMNS if c != "country"})
PROPERTIES = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                              HealthCheck.function_scoped_fixture])
MATCHER = None


def matcher() -> Matcher:
    global MATCHER
    if MATCHER is None:
        MATCHER = Matcher([], RATES)
    return MATCHER


def assert_checked(profile: Profile) -> None:
    """A profile that was read passes check_profile again, holds only finite numbers, and matches."""
    data = {k: v for k, v in profile.to_dict().items() if v is not None}
    assert check_profile(data, SCHEMAS, RATES, COMMUNITIES) == []
    numbers = [v for v in (profile.hours_per_week, profile.weeks, profile.age, profile.max_weeks_away,
                           (profile.min_stipend or {}).get("amount")) if v is not None]
    assert all(math.isfinite(v) for v in numbers)
    json.dumps(matcher().match(profile, TODAY).to_dict(), allow_nan=False)


@PROPERTIES
@given(rows)
def test_any_row_gives_a_checked_profile_or_findings_on_its_cells(row) -> None:
    profile, findings = read_row(row, SCHEMAS, RATES, COMMUNITIES)
    if profile is None:
        assert findings
        for f in findings:
            assert f.code in CODES
            assert not f.path or f.path[0] in row
    else:
        assert findings == []
        assert_checked(profile)


@PROPERTIES
@given(plausible_rows, st.sampled_from(COLUMNS), cells)
def test_one_hostile_cell_is_either_read_or_blamed_alone(row, column, cell) -> None:
    profile, findings = read_row(row, SCHEMAS, RATES, COMMUNITIES)
    assert findings == []
    assert_checked(profile)
    profile, findings = read_row({**row, column: cell}, SCHEMAS, RATES, COMMUNITIES)
    if profile is None:  # the cell's own column, or the whole row when it emptied a required one
        assert findings and all(f.path[:1] in ((column,), ()) for f in findings), findings
    else:
        assert_checked(profile)


@PROPERTIES
@given(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique=True),
       st.lists(st.lists(cells, min_size=0, max_size=7), max_size=8), st.booleans())
def test_any_written_batch_is_read_row_by_row_at_the_right_lines(tmp_path, header, body, bom) -> None:
    out = io.StringIO()
    writer = csv.writer(out)  # its \r\n line ends make it quote a cell holding \r or \n
    writer.writerow(header)
    starts = []
    for cells_of_row in body:
        starts.append(len(out.getvalue()))
        writer.writerow(cells_of_row)
    text = out.getvalue()
    path = tmp_path / "p.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    lines = [1 + len(re.findall(r"\r\n|\r|\n", text[:offset])) for offset in starts]
    # blank rows ([] or only empty or blank cells) are skipped, as a spreadsheet's trailing ones must be
    expected = [line for line, cells_of_row in zip(lines, body, strict=True)
                if not all(not c.strip() for c in cells_of_row)]
    got = list(read_batch(path, "p.csv", SCHEMAS, RATES, COMMUNITIES))
    assert [r.line for r in got] == expected
    for r in got:
        if r.profile is not None:
            assert_checked(r.profile)
        for p in r.problems:
            assert (p.line, p.path) == (r.line, "p.csv") and p.column >= 1 and p.code in CODES
            assert "\n" not in p.format() and "\x1b" not in p.format()


@PROPERTIES
@given(st.binary(max_size=3000))
def test_any_bytes_after_a_header_never_crash_the_reader(tmp_path, raw) -> None:
    path = tmp_path / "raw.csv"
    path.write_bytes(f"{HEADER}\n".encode() + raw)
    total_lines = 1 + len(re.findall(rb"\r\n|\r|\n", raw)) + 1
    previous = 1
    for r in read_batch(path, "raw.csv", SCHEMAS, RATES, COMMUNITIES):
        assert previous < r.line <= total_lines
        previous = r.line
        assert (r.profile is None) == bool(r.problems)
        if r.profile is not None:
            assert_checked(r.profile)
        for p in r.problems:
            assert p.line == r.line and p.column >= 1 and p.code in CODES
            p.format().encode("utf-8")  # printable: no lone surrogate from a bad byte reaches the output
