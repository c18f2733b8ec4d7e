"""Read record files safely: bytes -> plain data, or positioned problems.

Record text is never trusted. The fast path is PyYAML's C parser with a safe constructor; the
hostile cases (bad bytes, tabs, anchors, tags, duplicate keys, huge files) become problems with a
line and column, never exceptions. Positions of values are looked up only when something is wrong.
"""

from __future__ import annotations

import bisect
import operator
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, printable

MAX_BYTES = 256 * 1024  # the largest real record is a few KiB; this bounds memory and time
MAX_DEPTH = 40  # records nest five or six levels; deeper input is refused before Python recursion is
KEEP_TREE_ABOVE = 32 * 1024  # characters; real records are a few KiB
MAX_NUMBER = 10**15  # larger than any stipend, headcount or community size; bounds float conversion
# A number is written in plain decimal: YAML 1.1's other forms (0x1A, 0b101, 017, 1:30, 1_000, .nan,
# .inf) are refused rather than read silently as a value the author did not mean.
_DECIMAL = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?$")
BOM = "\ufeff"
STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
# An anchor (&a), alias (*a) or tag (!t) can only start a node: after the start of a line,
# whitespace, or a flow indicator. Prose such as "R&D" or "A & B" does not match; a false
# match only costs the careful event scan, a miss is impossible.
_PROPERTY_CHARS = re.compile(r"[&*!]")
_NODE_START_BEFORE = frozenset(" \t\n\r[{,")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"


def read_number(text: str) -> tuple[int | float | None, str | None]:
    """(number, None) for a plain decimal within bounds, else (None, why it is not one).

    The one definition of a number, for records, the rate table, profiles, CSV cells and flags.
    """
    bare = text.strip()
    if not _DECIMAL.match(bare):
        return None, f"{_shown_number(bare)} is {_number_form(bare)}; expected a plain decimal number such as 1500"
    value = float(bare)  # at most 3 exponent digits: an overflow is inf, never an exception
    if not abs(value) <= MAX_NUMBER:
        return None, f"{_shown_number(bare)} is too large; expected a number of at most {MAX_NUMBER:,}"
    if "." in bare or "e" in bare or "E" in bare:
        return value, None
    return int(bare), None  # exact: bounded to 16 digits above


def number_problem(text: str) -> str | None:
    """Why `text` is not an acceptable number (see read_number), or None when it is one."""
    return read_number(text)[1]


def parse_number(text: str) -> int | float:
    """A plain decimal number from text; ValueError (whose message says what is expected) otherwise."""
    value, problem = read_number(text)
    if problem:
        raise ValueError(problem)
    return value


def _number_form(text: str) -> str:
    lower = text.lower().lstrip("+-")
    if lower in (".nan", "nan"):
        return "not a number (NaN)"
    if lower in (".inf", "inf", "infinity"):
        return "an infinity"
    for prefix, form in (("0x", "a hexadecimal number"), ("0b", "a binary number"), ("0o", "an octal number")):
        if lower.startswith(prefix):
            return form
    if ":" in lower:
        return "a base-60 (sexagesimal) number, such as a time"
    if "_" in lower:
        return "a number with '_' separators"
    if len(lower) > 1 and lower[0] == "0" and lower[1].isdigit():
        return "a number with a leading zero (YAML 1.1 reads it as octal)"
    return "not a number"


def _shown_number(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


class RecordLoader(yaml.CSafeLoader):
    """The C parser and composer with strict implicit types, used to compose node trees.

    Dates stay strings so that `2026-02-30` is a positioned problem rather than a crash; only
    true/false are booleans, so that `NO` (Norway) stays a country code; `<<` is a plain key.
    """


def _strict_resolvers() -> dict:
    resolvers: dict = {}
    for first_char, pairs in yaml.CSafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in pairs if tag not in (_TIMESTAMP, _BOOL, _MERGE)]
        if kept:
            resolvers[first_char] = kept
    strict_bool = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    for first_char in "tTfF":
        resolvers.setdefault(first_char, []).append((_BOOL, strict_bool))
    return resolvers


RecordLoader.yaml_implicit_resolvers = _strict_resolvers()
_RESOLVERS = {first: tuple(pairs + RecordLoader.yaml_implicit_resolvers.get(None, []))
              for first, pairs in RecordLoader.yaml_implicit_resolvers.items() if first is not None}


def _resolve(self: RecordLoader, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
    """PyYAML's resolve without its path resolvers (records have none): the C composer calls it
    for every node, so this is a tenth of what validating a catalog costs."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
                if regexp.match(value):
                    return tag
        return _STR
    return _SEQ if kind is yaml.SequenceNode else _MAP


_WILDCARD = tuple(RecordLoader.yaml_implicit_resolvers.get(None, []))
RecordLoader.resolve = _resolve
# Called for every node too, to track path resolvers: a builtin that takes the same arguments and
# does nothing costs a third of a Python no-op.
RecordLoader.descend_resolver = staticmethod(operator.is_)
RecordLoader.ascend_resolver = staticmethod(tuple)


@dataclass
class Loaded:
    """One file as read: its text and data when readable, and what was wrong with it."""

    path: str  # as shown to the user
    text: str | None = None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, repr=False)
    _lines: Lines | None = field(default=None, repr=False)
    _children: dict = field(default_factory=dict, repr=False)  # id(mapping node) -> {key: (key, value)}

    @property
    def ok(self) -> bool:
        return not self.problems and isinstance(self.data, dict)

    def node_tree(self) -> yaml.Node | None:
        """The composed YAML tree, with marks; built only when a position is needed."""
        if self._root is None and self.text is not None:
            try:
                self._root = yaml.compose(self.text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                return None
        return self._root

    def locate(self, json_path: tuple, at_key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value at json_path (or of its key).

        When the path goes deeper than the file does (a missing field), the deepest node that
        exists is returned: the mapping that lacks the field.
        """
        node = self.node_tree()
        if node is None:
            return 1, 1
        key_node = None
        for step in json_path:
            child = self._child(node, step)
            if child is None:
                break
            key_node, node = child
        target = key_node if (at_key and key_node is not None) else node
        return self.position(target.start_mark)

    def position(self, mark: yaml.Mark) -> tuple[int, int]:
        """1-based line and column of a YAML mark, counted as editors count lines."""
        if self.text is None:
            return mark.line + 1, mark.column + 1
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines.position(mark.index)

    def _child(self, node: yaml.Node, step: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.MappingNode):
            # Indexed once per mapping, so that locating every key of a huge mapping stays linear.
            index = self._children.get(id(node))
            if index is None:
                index = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        index.setdefault(key_node.value, (key_node, value_node))
                self._children[id(node)] = index
            return index.get(str(step))
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            return None, node.value[step]
        return None

    def problem(self, code: str, message: str, json_path: tuple = (), at_key: bool = False) -> Problem:
        line, column = self.locate(json_path, at_key) if json_path or self.text else (1, 1)
        return Problem(self.path, line, column, code, message)


class Lines:
    """Line and column of a character offset, counting only CR, LF and CRLF as line breaks.

    YAML also breaks lines at NEL, U+2028 and U+2029, so its own marks drift from what an editor
    shows; every position reported is computed here from the mark's offset instead.
    """

    _BREAK = re.compile(r"\r\n?|\n")

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in self._BREAK.finditer(text)]
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def load_file(path: Path, shown: str | None = None) -> Loaded:
    """Read one record file; never raises, and never blocks, for any file or file content.

    Only a regular file is read (a FIFO, a device or /dev/zero behind a symlink is refused at
    once), and the size cap counts the bytes actually read, not what the file system claims.
    """
    loaded = Loaded(shown or str(path))
    try:
        raw = read_regular_file(path, MAX_BYTES)
    except _Unreadable as err:
        loaded.problems.append(Problem(loaded.path, 1, 1, err.code, err.message))
        return loaded
    return load_bytes(raw, loaded)


class _Unreadable(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, or _Unreadable saying why not (E001 or E009)."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError) as err:
        raise _Unreadable("E009", f"cannot read the file ({_reason(err)}); expected a readable file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("E009", f"is {_file_kind(info.st_mode)}, not a regular file; expected a record file")
        if info.st_size > limit:
            raise _Unreadable("E001", f"file is {info.st_size} bytes; expected at most {limit} bytes for one record")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise _Unreadable("E009", f"cannot read the file ({_reason(err)}); expected a readable file") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _Unreadable("E001", f"file is more than {limit} bytes; expected at most {limit} bytes for one record")
    return b"".join(chunks)


def _reason(err: OSError | ValueError) -> str:
    return getattr(err, "strerror", None) or str(err)


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def load_bytes(raw: bytes, loaded: Loaded) -> Loaded:
    """Parse raw record bytes into loaded.data, or record problems on loaded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        loaded.problems.append(_bad_byte(loaded.path, raw, err.start))
        return loaded
    if text.startswith(BOM):
        text = text[len(BOM):]
    loaded.text = text
    if "\t" in text:
        loaded.problems.extend(_tab_problems(loaded.path, text))
        if loaded.problems:
            return loaded
    if _may_hold_node_property(text):
        # Only files that could hold an anchor, alias or tag pay for the event scan.
        loaded.problems.extend(_event_problems(loaded, text))
        if loaded.problems:
            return loaded
    _construct(loaded, text)
    return loaded


def _construct(loaded: Loaded, text: str) -> None:
    loader = RecordLoader(text)
    try:
        root = loader.get_single_node()
        builder = _Builder()
        data = builder.build(root) if root is not None else None
    except yaml.MarkedYAMLError as err:
        loaded.problems.append(_syntax_problem(loaded, err))
        return
    except yaml.reader.ReaderError as err:
        line, column = Lines(text).position(err.position)
        loaded.problems.append(Problem(
            loaded.path, line, column, "E003",
            f"character U+{_codepoint(err.character):04X} is not allowed in YAML ({err.reason}); "
            "expected printable text"))
        return
    except yaml.YAMLError as err:
        loaded.problems.append(Problem(loaded.path, 1, 1, "E003", f"YAML error: {err}; expected valid YAML"))
        return
    except _NodeProblem as err:
        loaded.problems.append(Problem(loaded.path, *loaded.position(err.node.start_mark), err.code, err.message))
        return
    except RecursionError:
        loaded.problems.append(Problem(
            loaded.path, 1, 1, "E003", "YAML is nested too deeply; expected a record a few levels deep"))
        return
    finally:
        loader.dispose()
    # Positions are needed now for duplicates; a large file keeps its tree because composing it
    # again for positions would double its cost; a small clean file drops it to save memory.
    if builder.duplicates or len(text) > KEEP_TREE_ABOVE:
        loaded._root = root
    for first, dup in builder.duplicates:
        loaded.problems.append(Problem(
            loaded.path, *loaded.position(dup.start_mark), "E005",
            f"key {show_text(dup.value)} appears twice in one mapping (first on line "
            f"{loaded.position(first.start_mark)[0]}); expected each key once"))
    if loaded.problems:
        return
    if data is None:
        loaded.problems.append(Problem(
            loaded.path, 1, 1, "E008", "file is empty; expected a mapping of fields such as id, kind, name"))
    elif not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        line, column = loaded.locate(())
        loaded.problems.append(Problem(
            loaded.path, line, column, "E008",
            f"top level is {what}; expected a mapping of fields such as id, kind, name"))
    loaded.data = data


class _NodeProblem(Exception):
    def __init__(self, node: yaml.Node, code: str, message: str) -> None:
        self.node, self.code, self.message = node, code, message


_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP = ("tag:yaml.org,2002:" + t for t in
                                                ("str", "int", "float", "bool", "null", "seq", "map"))


class _Builder:
    """Plain data from a composed node tree, in one tight pass.

    Leaner than PyYAML's generic constructor (so validating costs less than a bare yaml.load),
    and strict: a node reached twice is an alias, a non-standard tag is refused, duplicate keys
    are recorded in document order.
    """

    def __init__(self) -> None:
        self.duplicates: list[tuple[yaml.Node, yaml.Node]] = []
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        kind = node.__class__
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _INT or tag == _FLOAT:
                value, problem = read_number(node.value)
                if problem:
                    raise _NodeProblem(node, "E010", problem + " (or quote it if it is text)")
                return value
            if tag == _BOOL:
                return node.value in ("true", "True", "TRUE")
            if tag == _NULL:
                return None
            raise _NodeProblem(node, "E007", f"tag '{tag}' is not allowed; expected plain values "
                                             "(strings, numbers, lists, mappings)")
        if depth >= MAX_DEPTH:
            raise _NodeProblem(node, "E003", f"value is nested more than {MAX_DEPTH} levels deep; "
                                             "expected a record a few levels deep")
        marker = id(node)
        if marker in self._seen:  # the composer shares the node an alias points at
            raise _NodeProblem(node, "E006", "alias; expected the value written out in full")
        self._seen.add(marker)
        if kind is yaml.MappingNode and node.tag == _MAP:
            out: dict = {}
            first: dict = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not yaml.ScalarNode:
                    raise _NodeProblem(key_node, "E003", "a list or mapping used as a key; expected a field name")
                if key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
                    self.build(key_node)  # refuses the tag
                # A key is a field name, kept as written: `~:` is '~' and `true:` is 'true', not None
                # and True (which would also collide with a key `1`).
                key = key_node.value
                if key in out:
                    self.duplicates.append((first[key], key_node))
                else:
                    first[key] = key_node
                out[key] = self.build(value_node, depth + 1)
            return out
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [self.build(item, depth + 1) for item in node.value]
        raise _NodeProblem(node, "E007", f"tag '{node.tag}' is not allowed; expected plain values "
                                         "(strings, numbers, lists, mappings)")


def _may_hold_node_property(text: str) -> bool:
    for match in _PROPERTY_CHARS.finditer(text):
        at = match.start()
        if at == 0 or text[at - 1] in _NODE_START_BEFORE:
            following = text[at + 1: at + 2]
            if match.group() == "!" or (following and not following.isspace()):
                return True
    return False


def _bad_byte(path: str, raw: bytes, offset: int) -> Problem:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Problem(
        path, line, column, "E002",
        f"byte 0x{raw[offset]:02X} at offset {offset} is not valid UTF-8; expected a UTF-8 text file")


def _tab_problems(path: str, text: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(re.split(r"\r\n?|\n", text), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(
                path, number, indent.index("\t") + 1, "E004",
                "tab character in indentation; expected spaces (YAML forbids tabs for indentation)"))
    return problems


def _event_problems(loaded: Loaded, text: str) -> list[Problem]:
    """Anchors, aliases and non-standard tags, found in the event stream before anything is built.

    Refusing aliases here means an alias bomb is never expanded, and a `!!python/...` tag never
    reaches a constructor.
    """
    problems = []
    path = loaded.path
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            where = loaded.position(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(path, *where, "E006",
                                        f"alias '*{event.anchor}'; expected the value written out in full"))
            elif getattr(event, "anchor", None):
                problems.append(Problem(path, *where, "E006",
                                        f"anchor '&{event.anchor}'; expected plain values without anchors"))
            tag = getattr(event, "tag", None)
            if tag and tag not in STANDARD_TAGS:
                problems.append(Problem(
                    path, *where, "E007",
                    f"tag '{tag}' is not allowed; expected plain values (strings, numbers, lists, mappings)"))
    except yaml.MarkedYAMLError as err:
        problems.append(_syntax_problem(loaded, err))
    except yaml.YAMLError as err:
        problems.append(Problem(path, 1, 1, "E003", f"YAML error: {err}; expected valid YAML"))
    return problems


def _syntax_problem(loaded: Loaded, err: yaml.MarkedYAMLError) -> Problem:
    """A syntax error where the reader can act on it.

    An error found at the end of the file (an unclosed `[`, `{` or quote) is reported where the
    unclosed construct opened, not at a line past the last one.
    """
    mark = err.problem_mark or err.context_mark
    text = loaded.text or ""
    at_end = mark is not None and mark.index >= len(text.rstrip())
    if at_end and err.context_mark is not None:
        mark = err.context_mark
    line, column = loaded.position(mark) if mark else (1, 1)
    what = err.problem or "invalid YAML"
    if err.context:
        what = f"{what} ({err.context}" + (", which is never closed)" if at_end and err.context_mark else ")")
    return Problem(loaded.path, line, column, "E003",
                   f"YAML syntax error: {what}; expected valid YAML (check indentation and quoting)")


def _codepoint(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def show_text(value: str, limit: int = 60) -> str:
    """A value as quoted in a message: shortened, with unprintable characters escaped."""
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return "'" + printable(text) + "'"
