"""Problems found in records, and the one registry of their stable codes.

A problem is a value, not an exception: every check returns problems, and the CLI formats them.
Codes never change meaning; docs/errors.md documents each with an example.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# code -> one-line description. Add new codes at the end of their block; never renumber.
CODES: dict[str, str] = {
    # E0xx: the file cannot be read as one YAML mapping
    "E001": "file is larger than the size cap",
    "E002": "file is not valid UTF-8",
    "E003": "YAML syntax error",
    "E004": "tab character in indentation",
    "E005": "duplicate key in a mapping",
    "E006": "YAML anchor or alias (records never need them)",
    "E007": "non-standard YAML tag",
    "E008": "file is empty or its top level is not a mapping",
    "E009": "file cannot be read, is not a regular file, or lies outside the catalog",
    "E010": "number is not written in plain decimal, is not finite, or is too large",
    "E011": "record file name does not end in .yaml",
    # E1xx: the record does not match its JSON Schema
    "E101": "required field is missing",
    "E102": "unknown field",
    "E103": "number out of range",
    "E104": "value has the wrong type",
    "E105": "value is not one of the allowed values",
    "E106": "text does not have the expected shape",
    "E107": "list or text is too short or too long",
    "E108": "list has a duplicate item",
    "E109": "value breaks another schema rule",
    # E2xx: rules a schema cannot express
    "E201": "id does not equal the file name",
    "E202": "id is used by two records (or twice in a data file)",
    "E203": "reference to a record (or place) that does not exist",
    "E204": "date is not a real calendar date",
    "E205": "date is in the future",
    "E206": "range minimum is larger than its maximum",
    "E207": "URL is not http(s)",
    "E208": "record kind does not match its folder",
    "E209": "first line is not the yaml-language-server schema comment",
    "E210": "size figure has no matching source",
    "E211": "source 'supports' names a field the record does not have",
    "E212": "application window opens after it closes",
    "E213": "id is reserved for a page the site generates",
    "E214": "currency has no rate in the exchange-rate table",
    "E215": "open_to_all is false but no community is listed",
    "E216": "a design figure or reported cost cites a source the record does not list",
    "E217": "a group of facts with a known value is supported by none of the record's sources",
    # Wxxx: warnings, likely mistakes that may be right; `onramp validate` exits 0 unless --strict
    "W001": "another record has the same URL: likely a duplicate",
    "W002": "another record has a nearly identical name: likely a duplicate",
}


# Characters that must never reach a terminal or a line-oriented file raw: C0 and C1 controls
# (newlines could forge a `path:line:col` line, ESC could drive the terminal), Unicode line and
# paragraph separators, and the bidirectional overrides that can reorder what a reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """Text safe for one line of terminal or file output: every unprintable character escaped.

    A backslash is left alone, so the escaping is for reading, not a reversible encoding.
    """
    return _UNPRINTABLE.sub(_escape_char, text)


def _escape_char(found: re.Match) -> str:
    char = found.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one record, at a 1-based line and column."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code}")

    def format(self) -> str:
        """The one-line form; path and message are escaped so that no value can forge a line."""
        return f"{printable(self.path)}:{self.line}:{self.column}: {self.code} {printable(self.message)}"

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def is_warning(self) -> bool:
        return self.code.startswith("W")


class InputError(Exception):
    """Input files (records, schemas, the rate table) are wrong; `problems` says where.

    The CLI prints the problems and exits 1 wherever this is raised: a wrong input is never an
    internal error.
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the input files")
        self.problems = problems


@dataclass(frozen=True)
class Finding:
    """A problem whose position is still a path into the record's data.

    Checks work on plain data and return findings; the loader turns them into positioned
    problems only for files that have any, so clean files are never parsed twice.
    """

    code: str
    message: str
    path: tuple = ()
    at_key: bool = False
    at_start: bool = False  # about the file as a whole (its first line), not a value


def dotted(path: tuple) -> str:
    """`('format', 'locations', 0, 'city')` -> `format.locations[0].city`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "the record"
