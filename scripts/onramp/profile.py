"""Reading candidate profiles: a YAML file, flag values, or the rows of a CSV batch.

Profile text is never trusted. Each reader turns it into a `Profile` whose data passed
`check_profile` (the candidate schema and its references to the catalog), or into problems
positioned like `onramp validate`'s; none raises for any input. The rules live in `match`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from .facts import Rates
from .load import load_file, number_problem, parse_number
from .problems import Finding, Problem
from .schema import MAX_FINDINGS, show

CANDIDATE_SCHEMA = "candidate.schema.json"
PERIODS = ("week", "month", "year")
LIST_FIELDS = ("citizenship", "communities", "interests")
NUMBER_FIELDS = ("max_weeks_away", "hours_per_week", "weeks", "age")
YES_NO = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
# A CSV cell holds one short value; a row is at most every column of such cells. Longer rows
# (a quote left open swallows the rest of the file) are refused before they are held in memory.
MAX_CELL = 1_000
MAX_ROW = 100_000
# The `onramp match` flag of each profile field (the CLI's flags; also used to show a command).
FLAGS = {"country": "--country", "city": "--city", "citizenship": "--citizenship", "relocate": "--relocate",
         "max_weeks_away": "--max-weeks-away", "hours_per_week": "--hours", "weeks": "--weeks",
         "min_stipend": "--min-stipend", "no_fee": "--no-fee", "stage": "--stage", "age": "--age",
         "communities": "--community", "interests": "--interest"}
_STIPEND = re.compile(r"^\s*(\S+?)\s*([A-Za-z]{3})\s*/\s*([A-Za-z]+)\s*$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$")  # 1,500 or 12,000.50
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape keeps them


# -- the candidate --------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """What a candidate can and cannot do. An absent value (None, False, empty) is no constraint."""

    country: str
    city: str | None = None
    citizenship: tuple[str, ...] = ()
    relocate: str = "yes"  # none | short | yes
    max_weeks_away: float | None = None  # with relocate = short
    hours_per_week: float | None = None
    weeks: float | None = None
    min_stipend: dict | None = None  # {amount, currency, period}
    no_fee: bool = False
    stage: str | None = None
    age: float | None = None
    communities: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    name: str | None = None
    assumed: tuple[str, ...] = ()  # fields left out and taken at their default (relocate: yes)

    def to_dict(self) -> dict[str, Any]:
        """The profile as the candidate schema names it (what was assumed is for the text answer)."""
        out = asdict(self)
        out.pop("assumed")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """A profile from schema-valid data (schemas/candidate.schema.json)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and v is not None}
        for key in LIST_FIELDS:
            if key in known:
                known[key] = tuple(known[key])
        if "min_stipend" in known:
            known["min_stipend"] = dict(known["min_stipend"])
        known.pop("assumed", None)
        return cls(**known, assumed=() if "relocate" in known else ("relocate",))

    def apply(self, change: dict[str, Any]) -> Profile:
        """The profile with a conflict's change applied (lists are given whole)."""
        return replace(self, **{k: tuple(v) if isinstance(v, list) else v for k, v in change.items()})


class BadStipend(ValueError):
    """A stipend text that is not 'AMOUNT CUR/PERIOD' (E106) or whose amount is no number (E010)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_stipend(text: str) -> dict[str, Any]:
    """`"1,500 USD/month"` -> {amount: 1500, currency: USD, period: month}; BadStipend if not that."""
    found = _STIPEND.match(text)
    if not found or found.group(3).lower() not in PERIODS:
        raise BadStipend("E106", f"{show(text.strip())} is not a stipend; expected 'AMOUNT CUR/PERIOD' such as "
                                 f"'1500 USD/month' (period: {', '.join(PERIODS)})")
    amount = found.group(1)
    if _THOUSANDS.match(amount):
        amount = amount.replace(",", "")
    problem = number_problem(amount)
    if problem:
        raise BadStipend("E010", f"the amount {problem}")
    value = parse_number(amount)
    return {"amount": int(value) if float(value).is_integer() else value, "currency": found.group(2).upper(),
            "period": found.group(3).lower()}


# -- checking profile data ------------------------------------------------------------------

def check_profile(data: Any, schemas: Any, rates: Rates, community_ids: Iterable[str]) -> list[Finding]:
    """Findings for profile data: the candidate schema, then its references to the catalog."""
    findings = schemas.check_document(CANDIDATE_SCHEMA, data)
    if findings or not isinstance(data, dict):
        return findings
    known = set(community_ids)
    for index, com in enumerate(data.get("communities", [])):
        if com not in known:
            findings.append(Finding("E203", f"communities[{index}] is {show(com)}, but no community record has "
                                            f"that id; expected one of: {', '.join(sorted(known))}",
                                    ("communities", index)))
    money = data.get("min_stipend")
    if money and money["currency"] not in rates.usd_per_unit:
        findings.append(Finding("E105", f"min_stipend.currency is '{money['currency']}', which the rate table "
                                        f"of {rates.as_of} does not have; expected one of: "
                                        f"{', '.join(sorted(rates.usd_per_unit))}", ("min_stipend", "currency")))
    return findings


def load_profile(path: Any, shown: str, schemas: Any, rates: Rates,
                 community_ids: Iterable[str]) -> tuple[Profile | None, list[Problem]]:
    """A profile from a YAML file, or the file's problems, positioned like `onramp validate`'s."""
    loaded = load_file(path, shown)
    if not loaded.ok:
        return None, loaded.problems or [Problem(shown, 1, 1, "E008", "top level is not a mapping; expected "
                                                                      "a mapping of fields such as country")]
    findings = check_profile(loaded.data, schemas, rates, community_ids)
    if findings:
        return None, sorted(loaded.problem(f.code, f.message, f.path, f.at_key) for f in findings)
    return Profile.from_dict(loaded.data), []


def row_data(row: Mapping[str, str]) -> tuple[dict[str, Any], list[Finding]]:
    """A CSV row as profile data (empty cells left out, lists split on ';'), and the cells that
    cannot be read as their field: a number or a stipend that is not one. The schema checks the rest."""
    data: dict[str, Any] = {}
    findings: list[Finding] = []
    for key, cell in row.items():
        text = (cell or "").strip()
        if not text:
            continue
        if key in LIST_FIELDS:
            data[key] = [part.strip() for part in text.split(";") if part.strip()]
        elif key in NUMBER_FIELDS:
            problem = number_problem(text)
            if problem:
                findings.append(Finding("E010", f"{key}: {problem}", (key,)))
            else:
                data[key] = parse_number(text)
        elif key == "no_fee":
            data[key] = YES_NO.get(text.lower(), text)  # anything else: the schema says what is expected
        elif key == "min_stipend":
            try:
                data[key] = parse_stipend(text)
            except BadStipend as err:
                findings.append(Finding(err.code, f"min_stipend: {err}", (key,)))
        else:
            data[key] = text
    return data, findings


def read_row(row: Mapping[str, str], schemas: Any, rates: Rates,
             community_ids: Iterable[str]) -> tuple[Profile | None, list[Finding]]:
    """One row of cells as a checked Profile, or the findings that say why it is not one."""
    data, findings = row_data(row)
    if not findings:
        findings = check_profile(data, schemas, rates, community_ids)
    return (None, findings) if findings else (Profile.from_dict(data), [])


# -- a CSV batch ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchRow:
    """One candidate row of a batch: the line it starts on, and its profile or its problems."""

    line: int
    profile: Profile | None
    problems: tuple[Problem, ...] = ()


def read_batch(path: Path, shown: str, schemas: Any, rates: Rates,
               community_ids: Iterable[str]) -> Iterator[BatchRow]:
    """The candidate rows of a CSV file, one at a time, as they are read (the file is streamed).

    Each BatchRow holds the line the row starts on and its Profile, or its problems positioned at
    that line and the column where the bad cell starts. A bad row is followed by the next one. A
    bad header, an empty or unreadable file, or a row too long to hold (a quote left open) is one
    last BatchRow of problems. A UTF-8 byte-order mark is skipped; bytes that are not UTF-8 are a
    problem of their cell.
    """
    community_ids = list(community_ids)
    try:
        handle = open(path, "rb")  # closed below, after the last row
    except OSError as err:
        yield BatchRow(1, None, (Problem(shown, 1, 1, "E009", f"cannot read the file ({err.strerror or err}); "
                                                              "expected a readable CSV file"),))
        return
    fields = list(schemas.documents[CANDIDATE_SCHEMA]["properties"])
    columns: list[str] | None = None
    with handle:
        rows = _Rows(io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline=""))
        try:
            for record in rows:
                if all(not cell.strip() for cell in record.cells):
                    continue  # a blank line, or the empty rows a spreadsheet leaves at the end
                if columns is None:
                    columns, problems = _read_header(record, fields, shown)
                    if problems:
                        yield BatchRow(record.line, None, tuple(problems))
                        return
                    continue
                yield _batch_row(record, columns, shown, schemas, rates, community_ids)
        except _RowTooLong as err:  # nothing after an unbounded row can be trusted to start a row
            yield BatchRow(err.line, None, (Problem(shown, err.line, 1, "E107", err.message),))
            return
        except (OSError, csv.Error) as err:
            line = rows.line + 1
            yield BatchRow(line, None, (Problem(shown, line, 1, "E009", f"cannot read the file from here on ({err}); "
                                                                      "expected a readable CSV file"),))
            return
    if columns is None:
        yield BatchRow(1, None, (Problem(shown, 1, 1, "E008", "file is empty; expected a header row naming the "
                                                              "columns, such as name,country,city"),))


def _read_header(header: _Record, fields: list[str], shown: str) -> tuple[list[str], list[Problem]]:
    problems: list[Problem] = []
    columns: list[str] = []
    first: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        name = cell.strip()
        columns.append(name)
        line, column = header.position(index)
        found = _cell_problem(cell, f"column {index + 1} of the header")
        if found:
            problems.append(Problem(shown, line, column, *found))
        elif name in first:
            problems.append(Problem(shown, line, column, "E005", f"column {show(name)} appears twice in the header "
                                                                 f"(first as column {first[name] + 1}); "
                                                                 "expected each column once"))
        elif name not in fields:
            what = f"column {index + 1} has no name" if not name else f"unknown column {show(name)}"
            problems.append(Problem(shown, line, column, "E102", f"{what}; expected columns among: "
                                                                 f"{', '.join(sorted(fields))}"))
        first.setdefault(name, index)
        if len(problems) >= MAX_FINDINGS:  # as validate does: the first hundred, then a note
            last = problems[-1]
            problems[-1] = replace(last, message=f"{last.message} (and more problems in the header, not shown)")
            break
    return columns, problems


def _batch_row(record: _Record, columns: list[str], shown: str, schemas: Any, rates: Rates,
               community_ids: list[str]) -> BatchRow:
    problems = []
    if len(record.cells) > len(columns):
        line, column = record.position(len(columns))
        problems.append(Problem(shown, line, column, "E107", f"row has {len(record.cells)} cells; expected at "
                                                             f"most {len(columns)}, one per column"))
    for index, (name, cell) in enumerate(zip(columns, record.cells, strict=False)):
        found = _cell_problem(cell, name)
        if found:
            problems.append(Problem(shown, *record.position(index), *found))
    if problems:
        return BatchRow(record.line, None, tuple(problems))
    profile, findings = read_row(dict(zip(columns, record.cells, strict=False)), schemas, rates, community_ids)
    if findings:
        at = {name: index for index, name in enumerate(columns)}
        problems = sorted(Problem(shown, *_finding_position(f, record, at), f.code, f.message) for f in findings)
        return BatchRow(record.line, None, tuple(problems))
    return BatchRow(record.line, profile)


def _cell_problem(cell: str, name: str) -> tuple[str, str] | None:
    if len(cell) > MAX_CELL:
        return "E107", f"{name} has {len(cell):,} characters; expected at most {MAX_CELL:,} in a cell"
    bad = _NOT_UTF8.search(cell)
    if bad:
        return "E002", (f"{name} has a byte that is not UTF-8 (0x{ord(bad.group()) - 0xDC00:02X}, character "
                        f"{bad.start() + 1} of the cell); expected UTF-8 text (a spreadsheet's 'CSV UTF-8')")
    return None


def _finding_position(f: Finding, record: _Record, at: dict[str, int]) -> tuple[int, int]:
    index = at.get(f.path[0]) if f.path else None
    return record.position(index) if index is not None else (record.line, 1)


class _RowTooLong(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line
        self.message = (f"row is longer than {MAX_ROW:,} characters, so the rest of the file is not read; "
                        f"expected at most {MAX_CELL:,} characters a cell (is a quote left open?)")


@dataclass(frozen=True)
class _Record:
    """One CSV record: its cells, the line it starts on, and its text (for positions, when needed)."""

    cells: list[str]
    line: int
    text: str

    @cached_property
    def _starts(self) -> tuple[list[int], int | None]:
        """Where each cell starts, and where the first line ends: computed once per record, so a
        header of thousands of bad columns is positioned in linear time."""
        first_line = re.search(r"[\r\n]", self.text)
        return _cell_starts(self.text), None if first_line is None else first_line.start()

    def position(self, index: int) -> tuple[int, int]:
        """Line and column where cell `index` starts: its column when that is on the first line."""
        starts, first_end = self._starts
        offset = starts[index] if index < len(starts) else 0
        inside = first_end is None or offset <= first_end
        return self.line, offset + 1 if inside else 1


def _cell_starts(text: str) -> list[int]:
    """Where each cell of one record starts, by the rules of csv's excel dialect (not strict)."""
    starts, quoted, after_quote = [0], False, False
    at_start = True
    for offset, char in enumerate(text):
        if quoted:
            if char == '"':
                quoted, after_quote = False, True
            continue
        if char == '"' and (at_start or after_quote):
            quoted, after_quote, at_start = True, False, False  # "" inside quotes: an escaped quote
        elif char == ",":
            starts.append(offset + 1)
            at_start, after_quote = True, False
        elif char in "\r\n":
            break
        else:
            at_start, after_quote = False, False
    return starts


class _Lines:
    """The lines of a text stream for csv.reader, each at most what a row may still hold.

    It also keeps the text of the record being read, so that a problem can be positioned.
    """

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream, self.line, self.start, self.pieces, self.size = stream, 0, 1, [], 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        piece = self.stream.readline(MAX_ROW - self.size + 1)
        if not piece:
            raise StopIteration
        self.line += 1
        self.size += len(piece)
        if self.size > MAX_ROW:
            raise _RowTooLong(self.start)
        self.pieces.append(piece)
        return piece

    def begin(self) -> None:
        self.start, self.pieces, self.size = self.line + 1, [], 0


class _Rows:
    """csv.reader over _Lines, as _Records; the csv field limit is raised only while it reads."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.lines = _Lines(stream)
        self.reader = csv.reader(self.lines)

    @property
    def line(self) -> int:
        return self.lines.line

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> _Record:
        self.lines.begin()
        limit = csv.field_size_limit(MAX_ROW + 1)  # a long cell is a problem of its row, not a csv.Error
        try:
            cells = next(self.reader)
        finally:
            csv.field_size_limit(limit)
        return _Record(cells, self.lines.start, "".join(self.lines.pieces))
