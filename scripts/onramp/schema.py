"""The record schemas in schemas/: loaded and compiled once, their vocabularies, and their errors
turned into findings whose message says what was found and what is expected."""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .problems import Finding, InputError, Problem, dotted

if TYPE_CHECKING:  # the Python validator is imported only when a record is invalid (0.1 s a run)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

KINDS = ("program", "template", "community")
DEFS = "defs.schema.json"
_RANGE = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
_LENGTH = {"minItems", "maxItems", "minLength", "maxLength"}
_SHAPE = {"type", "const", "enum"}  # a branch that failed only these did not match at all
_LIST_AT_MOST = 12  # list every allowed value when there are at most this many
MAX_FINDINGS = 100  # per record: a file with thousands of bad keys gets the first hundred, fast


class Schemas:
    """Every schema in one folder, compiled once per record kind."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.documents = {p.name: _read_schema(p) for p in sorted(folder.glob("*.schema.json"))}
        missing = [f"{kind}.schema.json" for kind in KINDS if f"{kind}.schema.json" not in self.documents]
        if missing or DEFS not in self.documents:
            raise InputError([Problem(str(folder / name), 1, 1, "E009", "cannot read the file (it is missing); "
                                      "expected the schema Onramp ships") for name in missing or [DEFS]])
        for name, doc in self.documents.items():
            try:
                jsonschema_rs.meta.validate(doc)  # fast; Python's check_schema costs 0.2 s a run
            except jsonschema_rs.ValidationError as err:
                where = "/".join(map(str, err.instance_path)) or "the top level"
                raise InputError([Problem(str(folder / name), 1, 1, "E109", f"not a valid JSON Schema "
                                          f"({_first_line(err)} at {where}); expected JSON Schema 2020-12")]) from None
        try:
            fast_registry = jsonschema_rs.Registry([(self._uri(name), doc) for name, doc in self.documents.items()])
            self._fast_registry = fast_registry
            self._documents: dict[str, Any] = {}  # schema file name -> its Rust validator
            self._explainers: dict[str, Draft202012Validator] = {}  # ... and its Python one, once needed
            self.fast = {
                kind: jsonschema_rs.validator_for({"$ref": self._uri(f"{kind}.schema.json")}, registry=fast_registry)
                for kind in KINDS
            }
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as err:
            where = getattr(err, "json_path", None) or "/".join(map(str, getattr(err, "path", ()))) or "the schema"
            raise InputError([Problem(str(folder), 1, 1, "E109", f"a schema in this folder is not a valid JSON Schema "
                                      f"({_first_line(err)} at {where}); expected the schemas Onramp ships")]) from None

    # Two compilations of the same schemas: the Rust one (self.fast) answers "valid?" for every
    # record fast; the Python one, built only when a record is invalid, gives the detailed errors.
    @cached_property
    def _registry(self) -> Any:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        return Registry().with_resources([(self._uri(name), Resource.from_contents(
            doc, default_specification=DRAFT202012)) for name, doc in self.documents.items()])

    def _detailed(self, ref: dict) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(ref, registry=self._registry)

    @cached_property
    def validators(self) -> dict[str, Draft202012Validator]:
        return {kind: self._detailed({"$ref": self._uri(f"{kind}.schema.json")}) for kind in KINDS}

    def _uri(self, name: str) -> str:
        return (self.folder / name).resolve().as_uri()

    @property
    def defs(self) -> dict:
        return self.documents[DEFS]["$defs"]

    def vocabulary(self, name: str) -> list[dict]:
        """The terms of a controlled vocabulary in defs: [{id, title, description, ...}]."""
        return [{"id": t["const"], **{k.removeprefix("x-"): v for k, v in t.items() if k != "const"}}
                for t in self.defs[name]["anyOf"]]

    @cached_property
    def region_members(self) -> dict[str, frozenset[str]]:
        """Region group -> member country codes; a country is a group of itself."""
        groups = {t["id"]: frozenset(t["members"]) for t in self.vocabulary("region_group")}
        countries = {c: frozenset((c,)) for c in self.defs["country"]["enum"]}
        return countries | groups

    def fields(self, kind: str) -> list[dict]:
        """Every field of a record kind, depth first: {path, required, expected, description}.

        The record-format page is generated from this, so the docs cannot drift from the schema.
        """
        out: list[dict] = []
        self._walk_fields(self.documents[f"{kind}.schema.json"], "", out, set())
        return out

    def _walk_fields(self, schema: dict, prefix: str, out: list[dict], seen: set) -> None:
        schema = self._deref(schema)
        required = set(schema.get("required", []))
        for key, sub in schema.get("properties", {}).items():
            path = f"{prefix}{key}"
            resolved = self._deref(sub)
            out.append({"path": path, "required": key in required, "expected": self.expected(sub),
                        "description": sub.get("description") or resolved.get("description", "")})
            for part in self._object_parts(resolved):
                marker = id(part)
                if marker not in seen:
                    self._walk_fields(part, f"{path}.", out, seen | {marker})

    def _object_parts(self, schema: dict) -> list[dict]:
        """The object schemas a field may hold, directly, as list items, or as an anyOf branch."""
        schema = self._deref(schema)
        if schema.get("type") == "object" and "properties" in schema:
            return [schema]
        if "items" in schema:
            return self._object_parts(schema["items"])
        parts = []
        for key in ("anyOf", "allOf"):
            for sub in schema.get(key, []):
                parts.extend(self._object_parts(sub))
        return parts

    def check_document(self, name: str, data: Any) -> list[Finding]:
        """Findings for a data file checked against the schema file `name` (not a record kind).

        Compiled once per name, and answered by the Rust validator when the data is valid: a batch
        checks every CSV row against the candidate schema.
        """
        if name not in self._documents:
            ref = {"$ref": self._uri(name)}
            self._documents[name] = jsonschema_rs.validator_for(ref, registry=self._fast_registry)
        fast = self._documents[name]
        try:
            if fast.is_valid(data):
                return []
        except (ValueError, TypeError):
            pass  # the detailed validator says what is wrong
        findings: list[Finding] = []
        if name not in self._explainers:
            self._explainers[name] = self._detailed({"$ref": self._uri(name)})
        for error in self._explainers[name].iter_errors(data):
            findings.extend(self._translate(error))
            if len(findings) > MAX_FINDINGS:
                break
        return findings

    def check(self, kind: str, data: Any) -> list[Finding]:
        try:
            if self.fast[kind].is_valid(data):
                return []
        except (ValueError, TypeError):
            pass  # e.g. a mapping key that is not a string: the detailed validator reports it

        findings: list[Finding] = []
        for error in self.validators[kind].iter_errors(data):
            findings.extend(self._translate(error))
            if len(findings) > MAX_FINDINGS:  # the rest would only repeat; time stays bounded
                break
        return findings

    # -- turning jsonschema errors into findings -------------------------------------------

    def _translate(self, error: ValidationError) -> list[Finding]:
        path = tuple(error.absolute_path)
        name = dotted(path)
        value = error.instance
        rule = error.validator
        if rule in ("anyOf", "oneOf"):
            return self._translate_alternatives(error, path, name)
        if rule == "required":
            # jsonschema reports each missing field as its own error, naming it in the message
            missing = [k for k in error.validator_value if isinstance(value, dict) and k not in value]
            missing = [k for k in missing if repr(k) in error.message][:1] or missing[:1]
            props = error.schema.get("properties", {})
            return [Finding("E101", f"missing required field '{key}'{_in(name)}; expected {key}: "
                                    f"{self.expected(props.get(key, {}))}", path)
                    for key in missing]
        if rule in ("additionalProperties", "unevaluatedProperties"):
            allowed = sorted(error.schema.get("properties", {}))
            extras = [k for k in value if k not in allowed][:MAX_FINDINGS + 1] if isinstance(value, dict) else []
            return [Finding("E102", f"unknown field '{key}'{_in(name)}{did_you_mean(key, allowed)}; expected one of: "
                                    f"{', '.join(allowed)}", path + (key,), at_key=True) for key in extras]
        if rule == "type":
            return [Finding("E104", f"{name} is {show(value)}; expected {self.expected(error.schema)}", path)]
        if rule in _RANGE:
            op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[rule]
            return [Finding("E103", f"{name} is {show(value)}; expected a number {op} {error.validator_value}", path)]
        if rule in ("enum", "const"):
            hint = did_you_mean(value, self._allowed_values(error.schema) or [])
            return [Finding("E105", f"{name} is {show(value)}{hint}; expected {self.expected(error.schema)}", path)]
        if rule == "pattern":
            return [Finding("E106", f"{name} is {show(value)}; expected {self.expected(error.schema)}", path)]
        if rule in _LENGTH:
            return [Finding("E107", _length_message(name, value, rule, error.validator_value), path)]
        if rule == "uniqueItems":
            index = _first_repeat(value)
            return [Finding("E108", f"{name} lists {show(value[index])} twice; expected each item once",
                            path + (index,))]
        # Rules without a keyword of their own carry their message in the schema (x-message).
        return [Finding("E109", f"{name} {error.schema.get('x-message') or error.message}", path)]

    def _translate_alternatives(self, error: ValidationError, path: tuple, name: str) -> list[Finding]:
        """Report the branch the value was evidently meant for, or say what the branches allow."""
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [errs for errs in branches.values() if not all(_shape_only(e, path) for e in errs)]
        if meant:
            best = min(meant, key=len)
            return [f for sub in best for f in self._translate(sub)]
        only_values = all(_values_only(e) for errs in branches.values() for e in errs)
        code = "E105" if only_values else "E104"
        hint = did_you_mean(error.instance, self._allowed_values(error.schema) or []) if only_values else ""
        return [Finding(code, f"{name} is {show(error.instance)}{hint}; expected {self.expected(error.schema)}",
                        path)]

    def expected(self, schema: dict) -> str:
        """A phrase for what a schema accepts, for messages: its title, or what its parts allow."""
        schema = self._deref(schema)
        values = self._allowed_values(schema)
        if values is not None and len(values) <= _LIST_AT_MOST:
            return "one of: " + ", ".join(str(v) for v in values)
        if "title" in schema:
            return schema["title"]
        if "anyOf" in schema:
            return " or ".join(self.expected(s) for s in schema["anyOf"])
        if "allOf" in schema:  # a shared definition narrowed locally: the definition says what it is
            return self.expected(schema["allOf"][0])
        if schema.get("type") == "array":
            return "a list of " + self.expected(schema.get("items", {})).removeprefix("one of: ")
        if "type" in schema:
            return f"a {schema['type']}"
        return "a valid value"

    def _allowed_values(self, schema: dict) -> list | None:
        schema = self._deref(schema)
        if "enum" in schema:
            return list(schema["enum"])
        if "const" in schema:
            return [schema["const"]]
        if "anyOf" in schema:
            out = []
            for sub in schema["anyOf"]:
                values = self._allowed_values(sub)
                if values is None:
                    return None
                out.extend(values)
            return out
        return None

    def _deref(self, schema: dict) -> dict:
        while isinstance(schema, dict) and "$ref" in schema and len(schema) <= 2:
            ref = schema["$ref"]
            target = ref.split("#/$defs/")[-1]
            merged = dict(self.defs.get(target, {}))
            if "title" in schema:  # a local title overrides the definition's
                merged["title"] = schema["title"]
            schema = merged
        return schema


def _read_schema(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as err:
        raise InputError([Problem(str(path), err.lineno, err.colno, "E003", f"JSON syntax error: {err.msg}; "
                                  "expected a valid JSON Schema file")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(str(path), 1, 1, "E009", f"cannot read the file ({err}); expected a readable "
                                  "UTF-8 JSON file")]) from None


def _first_line(err: Exception) -> str:
    return str(getattr(err, "message", None) or err).splitlines()[0][:200]


def _shape_only(error: ValidationError, path: tuple) -> bool:
    """True when the value simply is not of this branch's kind (so the branch was not meant)."""
    if len(error.absolute_path) > len(path):
        return False
    if error.validator in ("anyOf", "oneOf"):
        return all(_shape_only(e, path) for e in error.context)
    return error.validator in _SHAPE


def _values_only(error: ValidationError) -> bool:
    """True when every branch failed only because the value is not an allowed constant."""
    if error.validator in ("anyOf", "oneOf"):
        return all(_values_only(e) for e in error.context)
    return error.validator in ("const", "enum")


def did_you_mean(value: Any, allowed: Iterable[Any]) -> str:
    """' — did you mean 'X'?' for the allowed value closest to a wrong one, or ''. Case and
    punctuation are ignored, and a country written by its English name finds its code
    ('Nigeria' -> 'NG')."""
    if not isinstance(value, str) or not value.strip():
        return ""
    choices = [a for a in allowed if isinstance(a, str)]
    found = _country_code(value, choices) or _closest(value, choices)
    return f" — did you mean '{found}'?" if found and found != value else ""


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def _closest(value: str, choices: list[str]) -> str | None:
    folded = {_fold(c): c for c in choices}
    if _fold(value) in folded:
        return folded[_fold(value)]
    found = difflib.get_close_matches(_fold(value), list(folded), n=1, cutoff=0.75)
    return folded[found[0]] if found else None


@functools.cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    return {_fold(name): code for code, name in Locale("en").territories.items() if len(code) == 2}


def _country_code(value: str, choices: list[str]) -> str | None:
    if len(value) <= 3 or not any(len(c) == 2 and c.isupper() for c in choices):
        return None
    code = _country_names().get(_fold(value))
    return code if code in choices else None


def _in(name: str) -> str:
    return "" if name == "the record" else f" in {name}"


def show(value: Any) -> str:
    """A short, safe rendering of a found value for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty (null)"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return "'" + text.replace("\n", "\\n") + "'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    return type(value).__name__


def _length_message(name: str, value: Any, rule: str, limit: int) -> str:
    unit = "item" if isinstance(value, list) else "character"
    plural = "" if limit == 1 else "s"
    if rule.startswith("min"):
        found = "empty" if not value else f"too short ({len(value)} {unit}s)"
        return f"{name} is {found}; expected at least {limit} {unit}{plural}"
    return f"{name} is too long ({len(value)} {unit}s); expected at most {limit} {unit}{plural}"


def _first_repeat(items: Iterable) -> int:
    seen = []
    for index, item in enumerate(items):
        if item in seen:
            return index
        seen.append(item)
    return 0
