"""Read record files safely: bytes -> plain data, or positioned problems.

Record text is never trusted. The fast path is PyYAML's C parser with a safe constructor; the
hostile cases (bad bytes, tabs, anchors, tags, duplicate keys, huge files) become problems with a
line and column, never exceptions. Positions of values are looked up only when something is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 256 * 1024  # the largest real record is a few KiB; this bounds memory and time
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


@dataclass
class Loaded:
    """One file as read: its text and data when readable, and what was wrong with it."""

    path: str  # as shown to the user
    text: str | None = None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, repr=False)

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
            child = _child(node, step)
            if child is None:
                break
            key_node, node = child
        target = key_node if (at_key and key_node is not None) else node
        return target.start_mark.line + 1, target.start_mark.column + 1

    def problem(self, code: str, message: str, json_path: tuple = (), at_key: bool = False) -> Problem:
        line, column = self.locate(json_path, at_key) if json_path or self.text else (1, 1)
        return Problem(self.path, line, column, code, message)


def _child(node: yaml.Node, step: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return None, node.value[step]
    return None


def load_file(path: Path, shown: str | None = None) -> Loaded:
    """Read one record file; never raises for any file content."""
    loaded = Loaded(shown or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            loaded.problems.append(Problem(
                loaded.path, 1, 1, "E001",
                f"file is {size} bytes; expected at most {MAX_BYTES} bytes for one record"))
            return loaded
        raw = path.read_bytes()
    except OSError as err:
        loaded.problems.append(Problem(
            loaded.path, 1, 1, "E009", f"cannot read the file ({err.strerror}); expected a readable file"))
        return loaded
    return load_bytes(raw, loaded)


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
        loaded.problems.extend(_event_problems(loaded.path, text))
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
        loaded.problems.append(_syntax_problem(loaded.path, err))
        return
    except yaml.reader.ReaderError as err:
        line, column = _line_col(text, err.position)
        loaded.problems.append(Problem(
            loaded.path, line, column, "E003",
            f"character U+{_codepoint(err.character):04X} is not allowed in YAML ({err.reason}); "
            "expected printable text"))
        return
    except yaml.YAMLError as err:
        loaded.problems.append(Problem(loaded.path, 1, 1, "E003", f"YAML error: {err}; expected valid YAML"))
        return
    except _NodeProblem as err:
        mark = err.node.start_mark
        loaded.problems.append(Problem(loaded.path, mark.line + 1, mark.column + 1, err.code, err.message))
        return
    except RecursionError:
        loaded.problems.append(Problem(
            loaded.path, 1, 1, "E003", "YAML is nested too deeply; expected a record a few levels deep"))
        return
    finally:
        loader.dispose()
    if builder.duplicates:  # positions are needed now; a clean file drops its tree to save memory
        loaded._root = root
    for first, dup in builder.duplicates:
        loaded.problems.append(Problem(
            loaded.path, dup.start_mark.line + 1, dup.start_mark.column + 1, "E005",
            f"key '{dup.value}' appears twice in one mapping (first on line {first.start_mark.line + 1}); "
            "expected each key once"))
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

    _numbers = yaml.constructor.SafeConstructor()

    def __init__(self) -> None:
        self.duplicates: list[tuple[yaml.Node, yaml.Node]] = []
        self._seen: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        kind = node.__class__
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _INT:
                return self._numbers.construct_yaml_int(node)
            if tag == _FLOAT:
                return self._numbers.construct_yaml_float(node)
            if tag == _BOOL:
                return node.value in ("true", "True", "TRUE")
            if tag == _NULL:
                return None
            raise _NodeProblem(node, "E007", f"tag '{tag}' is not allowed; expected plain values "
                                             "(strings, numbers, lists, mappings)")
        marker = id(node)
        if marker in self._seen:  # the composer shares the node an alias points at
            raise _NodeProblem(node, "E006", "alias; expected the value written out in full")
        self._seen.add(marker)
        if kind is yaml.MappingNode and node.tag == _MAP:
            out: dict = {}
            first: dict = {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if isinstance(key, (list, dict)):
                    raise _NodeProblem(key_node, "E003", "a list or mapping used as a key; expected a field name")
                if key in out:
                    self.duplicates.append((first[key], key_node))
                else:
                    first[key] = key_node
                out[key] = self.build(value_node)
            return out
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [self.build(item) for item in node.value]
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
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(
                path, number, indent.index("\t") + 1, "E004",
                "tab character in indentation; expected spaces (YAML forbids tabs for indentation)"))
    return problems


def _event_problems(path: str, text: str) -> list[Problem]:
    """Anchors, aliases and non-standard tags, found in the event stream before anything is built.

    Refusing aliases here means an alias bomb is never expanded, and a `!!python/...` tag never
    reaches a constructor.
    """
    problems = []
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
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
        problems.append(_syntax_problem(path, err))
    except yaml.YAMLError as err:
        problems.append(Problem(path, 1, 1, "E003", f"YAML error: {err}; expected valid YAML"))
    return problems


def _syntax_problem(path: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = err.problem or "invalid YAML"
    if err.context:
        what = f"{what} ({err.context})"
    return Problem(path, line, column, "E003",
                   f"YAML syntax error: {what}; expected valid YAML (check indentation and quoting)")


def _codepoint(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
