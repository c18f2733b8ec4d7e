"""Validate record files: the schema, then the rules a schema cannot express.

`validate_paths` is what `onramp validate` calls: it loads every record of the catalog (so that
references resolve even when one file is checked), checks the requested files, and returns their
problems sorted. Each rule is a small function over plain data that yields findings.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .facts import Rates
from .load import Loaded, load_file
from .problems import Finding, Problem, dotted
from .schema import KINDS, MAX_FINDINGS, Schemas, did_you_mean, show

RECORD_SUFFIX = ".yaml"
# Files that look like records but are not named like one are reported, never skipped silently.
RECORD_LIKE_SUFFIXES = (".yaml", ".yml")
# Ids whose page would replace a page the site generates in the same folder (programs/index.md is
# the programs list). site.py's generated pages inside a record folder must be listed here.
RESERVED_IDS = {"index": "the list page of its section"}
RATES_FILE = Path("data") / "exchange-rates.yaml"
FOLDER_KIND = {"communities": "community", "templates": "template", "programs": "program"}
PRAGMA = "# yaml-language-server: $schema="
DATE_KEYS = frozenset({"accessed", "published", "last_verified", "opens", "closes", "start", "end", "as_of"})
NOT_IN_FUTURE = frozenset({"accessed", "published", "last_verified"})
URL_KEYS = frozenset({"url", "source"})
# A design figure may rest on the template's own assumption or on a typical lead time, said plainly.
CITATION_WORDS = frozenset({"estimate", "typical"})
_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Which fields refer to which kinds of record: (path pattern, allowed kinds). '*' is any list index.
REFERENCES = {
    "program": [(("communities", "*"), ("community",))],
    "template": [(("communities", "*"), ("community",)), (("design", "examples", "*"), ("program",))],
    "community": [(("outreach", "*", "program"), ("program", "template"))],
}


@dataclass
class RecordFile:
    """A loaded record file and the kind its folder (or, outside the catalog, its text) gives it."""

    loaded: Loaded
    path: Path
    kind: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.loaded.data

    @cached_property
    def nodes(self) -> list[tuple[tuple, Any]]:
        """Every (path, value) in the record, computed once and shared by the rules."""
        return walk(self.data)

    def forget_nodes(self) -> None:
        """Drop nodes and by_key once the rules have read them: a catalog of ten thousand records
        then keeps only their data, not three copies of their structure."""
        self.__dict__.pop("nodes", None)
        self.__dict__.pop("by_key", None)

    @cached_property
    def by_key(self) -> dict[Any, list[tuple[tuple, Any]]]:
        """The nodes grouped by their last key: rules about one field name wherever it appears
        (dates, urls, currencies) read their few nodes instead of every node of the record."""
        index: dict[Any, list[tuple[tuple, Any]]] = {}
        for node in self.nodes:
            if node[0]:
                index.setdefault(node[0][-1], []).append(node)
        return index


def folder_kind(path: Path | str) -> str | None:
    """The kind implied by the nearest catalog folder above the file, if any."""
    for name in reversed(os.path.dirname(path).split(os.sep)):
        if name in FOLDER_KIND:
            return FOLDER_KIND[name]
    return None


def record_files(folder: Path) -> list[Path]:
    """Every file under folder that looks like a record, whatever the case of its extension.

    Symbolic links are never followed into folders; a link, a broken link and a folder that
    cannot be listed are returned too, so that read_record reports them (E009) instead of the
    walk skipping them silently.
    """
    out: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            out.append(current)
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                stack.append(path)
            elif path.suffix.lower() in RECORD_LIKE_SUFFIXES or (entry.is_symlink() and path.is_dir()):
                out.append(path)
    return sorted(out, key=_path_order)


def _path_order(path: Path) -> tuple[str, ...]:
    return path.parts  # the order of sorting Paths themselves, without their slow comparisons


def catalog_files(root: Path) -> list[Path]:
    """Every record file of the catalog rooted at root."""
    return [p for sub in ("communities", "programs") if (root / sub).is_dir() for p in record_files(root / sub)]


def expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out.extend(record_files(path) if path.is_dir() else [path])
    return sorted(set(out), key=_path_order)


def absolute(path: Path) -> Path:
    """An absolute path that, unlike resolve(), keeps symlinks as they are named."""
    return Path(os.path.abspath(path))


def shown(path: Path, base: Path) -> str:
    """path relative to base when it is inside it, else as given (strings: thousands a run)."""
    full, folder = os.path.abspath(path), os.path.abspath(base)
    if full == folder:
        return "."
    inside = folder.rstrip(os.sep) + os.sep
    return full[len(inside):] if full.startswith(inside) else str(path)


def read_record(path: Path, base: Path, root: Path | None = None) -> RecordFile:
    name = shown(path, base)
    refused = _refusal(path, name, root)
    loaded = Loaded(name, problems=[refused]) if refused else load_file(path, name)
    kind = folder_kind(os.path.abspath(path))
    if kind is None and loaded.ok and loaded.data.get("kind") in KINDS:
        kind = loaded.data["kind"]
    return RecordFile(loaded, path, kind)


def _refusal(path: Path, name: str, root: Path | None) -> Problem | None:
    """Why a path found as a record is not read at all, if it is not: never echo what it holds."""
    try:
        mode = os.lstat(path).st_mode  # one look at the file; Path's is_* would take three
    except (OSError, ValueError):
        mode = 0  # missing or unnameable: load_file says why it cannot be read
    link = stat.S_ISLNK(mode)
    if link and path.is_dir():
        return Problem(name, 1, 1, "E009", "is a symbolic link to a folder; expected record files in "
                                                "plain folders of the catalog")
    if stat.S_ISDIR(mode):
        try:
            os.listdir(path)
        except OSError as err:
            return Problem(name, 1, 1, "E009", f"cannot list the folder ({err.strerror}); expected a "
                                                    "readable folder of records")
        return Problem(name, 1, 1, "E009", "is a folder; expected a record file")
    if root is not None and link:
        target = Path(os.path.realpath(path))  # unlike resolve(), never raises on a link loop
        if not target.is_relative_to(root.resolve()):
            return Problem(name, 1, 1, "E009", "is a symbolic link to a file outside the catalog; "
                                                    "expected a record file inside it (the target is not read)")
    if path.suffix != RECORD_SUFFIX:
        return Problem(name, 1, 1, "E011", f"file name ends in '{path.suffix}'; expected '{RECORD_SUFFIX}' "
                                                f"(rename it to {path.stem}{RECORD_SUFFIX})")
    return None


def validate_paths(paths: list[Path], root: Path, today: dt.date | None = None,
                   base: Path | None = None) -> tuple[list[Problem], int]:
    """Problems in the record files under paths, checked against the catalog at root.

    Returns the sorted problems and the number of files checked.
    """
    problems, count, _ = check_paths(paths, root, today, base)
    return problems, count


@dataclass(frozen=True)
class Context:
    """What the rules on one record may consult besides the record: the date and the rate table."""

    today: dt.date
    rates: Rates | None  # None when the rate table itself is invalid (it is reported on its own)


def check_paths(paths: list[Path], root: Path, today: dt.date | None = None,
                base: Path | None = None) -> tuple[list[Problem], int, list[RecordFile]]:
    """validate_paths, also returning every record file read (the whole catalog plus paths)."""
    base = base or Path.cwd()
    schemas = Schemas(root / "schemas")
    context = Context(today or dt.date.today(), read_rates(root, schemas)[0])
    targets = expand(paths)
    wanted = {os.path.abspath(p) for p in targets}
    everything = {os.path.abspath(p): p for p in catalog_files(root)} | {os.path.abspath(p): p for p in targets}
    # Records are trees of plain dicts and lists, with no reference cycles; pausing the cyclic
    # garbage collector while thousands of them accumulate saves it re-scanning them all.
    paused = gc.isenabled()
    gc.disable()
    try:
        files = [read_record(p, base, root) for p in everything.values()]
        chosen = [full in wanted for full in everything]
        for rf in files:
            check_record(rf, schemas, context)
            rf.forget_nodes()
        check_catalog(files)
    finally:
        if paused:
            gc.enable()
    problems = [p for rf, asked in zip(files, chosen, strict=True) if asked for p in positioned(rf)]
    return sorted(problems), len(targets), files


def positioned(rf: RecordFile) -> list[Problem]:
    """The file's load problems plus its findings, each with a line and column, in order.

    At most MAX_FINDINGS per file: past that, the last one shown says that more were left out.
    """
    out = list(rf.loaded.problems)
    for f in rf.findings:
        if f.at_start:
            out.append(Problem(rf.loaded.path, 1, 1, f.code, f.message))
        else:
            out.append(rf.loaded.problem(f.code, f.message, f.path, f.at_key))
    if len(out) <= MAX_FINDINGS:
        return out
    out.sort()
    last = out[MAX_FINDINGS - 1]
    note = f"{last.message} (and more problems in this file, not shown: fix these and run again)"
    return out[: MAX_FINDINGS - 1] + [replace(last, message=note)]


def check_record(rf: RecordFile, schemas: Schemas, context: Context) -> None:
    """Everything that can be said about one record on its own."""
    if not rf.loaded.ok:
        return
    data = rf.data
    if rf.kind is None:
        found = data.get("kind")
        rf.findings.append(Finding(
            "E101" if found is None else "E105",
            ("missing required field 'kind'" if found is None else f"kind is {found!r}")
            + f"; expected one of: {', '.join(KINDS)}", ("kind",) if found is not None else ()))
        return
    declared = data.get("kind")
    # A record filed in the wrong folder is checked as what it says it is, so that the one
    # mistake (E208) is not buried under the other schema's complaints.
    shape = schemas.check(declared if declared in KINDS else rf.kind, data)
    rf.findings.extend(shape)
    # Rules that read a record's structure run only once the schema has confirmed it; the others
    # look at every value and check its type themselves, so their findings come with the schema's.
    for rule in ANY_SHAPE_RULES + (() if shape else SHAPED_RULES):
        rf.findings.extend(rule(rf, context))


# -- rules on one record ------------------------------------------------------------------

def rule_pragma(rf: RecordFile, context: Context) -> Iterator[Finding]:
    first = (rf.loaded.text or "").split("\n", 1)[0].rstrip()
    declared = rf.data.get("kind")
    wanted = f"{declared if declared in KINDS else rf.kind}.schema.json"
    target = first[len(PRAGMA):] if first.startswith(PRAGMA) else ""
    if not (target.endswith(wanted) and _is_file(rf.path.parent / target)):
        yield Finding("E209", f"first line is {show(first)}; expected '{PRAGMA}<relative path>/{wanted}' "
                              "pointing at the schema file, so that editors check and complete the record",
                      at_start=True)


def rule_id_is_stem(rf: RecordFile, context: Context) -> Iterator[Finding]:
    rid = rf.data.get("id")
    if isinstance(rid, str) and rid != rf.path.stem:
        yield Finding("E201", f"id is '{rid}' but the file is {rf.path.name}; expected id: {rf.path.stem} "
                              f"(or rename the file to {rid}.yaml)", ("id",))


def rule_kind_matches_folder(rf: RecordFile, context: Context) -> Iterator[Finding]:
    found = rf.data.get("kind")
    if found in KINDS and found != rf.kind:
        home = {"program": "programs/", "template": "programs/templates/", "community": "communities/"}
        yield Finding("E208", f"kind is '{found}' but the file is in {home[rf.kind]}; expected kind: {rf.kind} "
                              f"here, or move the file to {home[found]}", ("kind",))


def rule_dates(rf: RecordFile, context: Context) -> Iterator[Finding]:
    for path, value in _named(rf, DATE_KEYS):
        key = path[-1]
        if not isinstance(value, str) or not _DATE_SHAPE.match(value):
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            yield Finding("E204", f"{dotted(path)} is '{value}', which is not a calendar date; "
                                  "expected a real date YYYY-MM-DD", path)
            continue
        if key in NOT_IN_FUTURE and day > context.today:
            yield Finding("E205", f"{dotted(path)} is {value}, after today ({context.today.isoformat()}); "
                                  "expected a date that is not in the future", path)


def _named(rf: RecordFile, keys: Iterable[str]) -> Iterator[tuple[tuple, Any]]:
    """The nodes whose last key is one of keys."""
    index = rf.by_key
    for key in keys:
        yield from index.get(key, ())


def rule_ranges(rf: RecordFile, context: Context) -> Iterator[Finding]:
    for path, value in rf.nodes:
        if isinstance(value, dict) and len(value) == 2 and "min" in value and "max" in value:
            low, high = value["min"], value["max"]
            if _number(low) and _number(high) and low > high:
                yield Finding("E206", f"{dotted(path)}.min is {low} but max is {high}; "
                                      "expected min <= max", path + ("min",))


def rule_urls(rf: RecordFile, context: Context) -> Iterator[Finding]:
    for path, value in _named(rf, URL_KEYS):
        if isinstance(value, str) and not is_web_url(value) \
                and not (path[0] == "design" and value in CITATION_WORDS):
            yield Finding("E207", f"{dotted(path)} is {value[:80]!r}; expected an http:// or https:// URL", path)


def rule_size_source(rf: RecordFile, context: Context) -> Iterator[Finding]:
    size = rf.data.get("size")
    figure = size.get("figure") if isinstance(size, dict) else None
    if rf.kind != "community" or figure is None or figure == "unknown":
        return
    urls = {s.get("url") for s in rf.data.get("sources") or [] if isinstance(s, dict)}
    source = size.get("source")
    if source is None:
        yield Finding("E210", f"size.figure is {show(figure)} but size.source is missing; expected the URL "
                              "of the source that gives the figure, listed in sources", ("size", "figure"))
    elif source not in urls:
        yield Finding("E210", f"size.source {source[:80]!r} is not among this record's sources; "
                              "expected one of the sources[].url values", ("size", "source"))


def _is_citation(path: tuple) -> bool:
    return path[0] in ("design", "cost_per_participant") and path[-1] == "source"


def rule_cited_sources(rf: RecordFile, context: Context) -> Iterator[Finding]:
    """A design figure's or reported cost's `source` must be one of the record's sources, so every
    line of a brief leads to a page someone read (or says plainly that it is an estimate)."""
    urls = {s.get("url") for s in rf.data.get("sources") or [] if isinstance(s, dict)}
    for path, value in rf.by_key.get("source", ()):
        if _is_citation(path) and isinstance(value, str) and is_web_url(value) and value not in urls:
            plainly = ", or 'estimate' with the basis said plainly" if path[0] == "design" else ""
            yield Finding("E216", f"{dotted(path)} {value[:80]!r} is not among this record's sources; expected "
                                  f"one of the sources[].url values{plainly}", path)


# The groups of real-world facts each kind holds; a template's are a design's, sourced line by line (E216).
FACT_GROUPS = {"program": ("format", "funding", "eligibility", "applications", "after_program", "cohorts"),
               "community": ("regions", "gathering_places", "skills", "constraints", "outreach", "barriers")}


def rule_fact_groups(rf: RecordFile, context: Context) -> Iterator[Finding]:
    """Every group of facts with a known value is backed by some source's `supports`, so that a
    record whose sources vouch only for its name cannot pass (a community's size has E210)."""
    supported = [p for s in rf.data.get("sources") or [] if isinstance(s, dict)
                 for p in s.get("supports") or [] if isinstance(p, str)]
    for group in FACT_GROUPS.get(rf.kind or "", ()):
        if group in rf.data and _has_known(rf.data[group]) and \
                not any(p == group or p.startswith(group + ".") for p in supported):
            yield Finding("E217", f"{group} holds known facts, but no source lists '{group}' (or a field in it) in "
                                  "its supports; expected the source that states them to say so, or 'unknown' where "
                                  "no source does", (group,), at_key=True)


def _has_known(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_known(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_known(v) for v in value)
    return value not in ("unknown", "none", None)


def rule_supports(rf: RecordFile, context: Context) -> Iterator[Finding]:
    for index, source in enumerate(rf.data.get("sources") or []):
        if not isinstance(source, dict) or not isinstance(source.get("supports"), list):
            continue
        for j, field_path in enumerate(source["supports"]):
            if isinstance(field_path, str) and not _has_path(rf.data, field_path.split(".")):
                yield Finding("E211", f"sources[{index}].supports names '{field_path}', which this record "
                                      "does not have; expected a dotted path to one of its fields",
                              ("sources", index, "supports", j))


def rule_windows(rf: RecordFile, context: Context) -> Iterator[Finding]:
    applications = rf.data.get("applications")
    windows = applications.get("windows") if isinstance(applications, dict) else None
    for index, window in enumerate(windows if isinstance(windows, list) else []):
        if not isinstance(window, dict):
            continue
        opens, closes = _date(window.get("opens")), _date(window.get("closes"))
        if opens and closes and opens > closes:
            yield Finding("E212", f"applications.windows[{index}] opens {opens} after it closes {closes}; "
                                  "expected opens <= closes", ("applications", "windows", index, "opens"))


def rule_reserved_id(rf: RecordFile, context: Context) -> Iterator[Finding]:
    rid = rf.data.get("id")
    if isinstance(rid, str) and rid in RESERVED_IDS:
        yield Finding("E213", f"id '{rid}' is reserved: its page would replace {RESERVED_IDS[rid]}; expected "
                              "another id (and file name)", ("id",))


def rule_currencies(rf: RecordFile, context: Context) -> Iterator[Finding]:
    yield from currency_findings(rf.by_key.get("currency", ()), context.rates)


def currency_findings(nodes: list[tuple[tuple, Any]], rates: Rates | None) -> Iterator[Finding]:
    """E214 for every `currency` value (of walk()'s nodes) that the rate table lacks: records and
    the gap map's data files are checked by this one rule."""
    if rates is None:
        return
    known = rates.usd_per_unit
    for path, value in nodes:
        if path and path[-1] == "currency" and isinstance(value, str) and value != "unknown" and value not in known:
            yield Finding("E214", f"{dotted(path)} is '{value}'{did_you_mean(value, sorted(known))}, which "
                                  f"{RATES_FILE} (rates of {rates.as_of}) "
                                  f"does not have; expected one of: {', '.join(sorted(known))}, or add the rate "
                                  "for it there with its source", path)


def rule_open_to_all(rf: RecordFile, context: Context) -> Iterator[Finding]:
    if rf.data.get("open_to_all") is False and not rf.data.get("communities"):
        yield Finding("E215", "open_to_all is false, but communities lists none: a program made only for its "
                              "communities must name them; expected the communities it is made for, or "
                              "open_to_all left out", ("open_to_all",))


# Rules that guard every value they read, and rules that need the shape the schema confirms.
ANY_SHAPE_RULES = (rule_pragma, rule_id_is_stem, rule_kind_matches_folder, rule_reserved_id, rule_dates,
                   rule_ranges, rule_urls)
SHAPED_RULES = (rule_size_source, rule_cited_sources, rule_fact_groups, rule_supports, rule_windows, rule_currencies,
                rule_open_to_all)


# -- rules across records -----------------------------------------------------------------

def check_catalog(files: list[RecordFile]) -> None:
    """Unique ids and resolvable references, over every readable record."""
    kinds: dict[str, str] = {}
    first_file: dict[str, RecordFile] = {}
    for rf in sorted(files, key=lambda r: str(r.path)):
        if not rf.loaded.ok:
            # Its own problems are reported; its id is its file name, so that references to it from
            # other records do not fail as well.
            if rf.kind is not None:
                kinds.setdefault(rf.path.stem, rf.kind)
            continue
        rid = rf.data.get("id")
        if not isinstance(rid, str) or rf.kind is None:
            continue
        if rid in first_file:
            rf.findings.append(Finding("E202", f"id '{rid}' is also used by {first_file[rid].loaded.path}; "
                                               "expected an id no other record has", ("id",)))
        else:
            first_file[rid], kinds[rid] = rf, rf.kind
    for rf in files:
        if rf.loaded.ok and rf.kind in REFERENCES:
            rf.findings.extend(reference_findings(rf.data, REFERENCES[rf.kind], kinds))
    likely_duplicates(sorted(first_file.values(), key=lambda r: str(r.path)))


def likely_duplicates(files: list[RecordFile]) -> None:
    """W001 and W002 on the later of two records (by path) that share a URL or a name once case,
    punctuation and a bracketed aside are set aside: likely the same program entered twice."""
    checks = (("url", "W001", normal_url, "is also the url of", "keep both if they are different"),
              ("name", "W002", normal_name, "is nearly the name of", "make the names tell them apart"))
    for key, code, normal, same, otherwise in checks:
        first: dict[str, RecordFile] = {}
        for rf in files:
            value = rf.data.get(key)
            norm = normal(value) if isinstance(value, str) and value.strip() else ""
            if not norm:
                continue
            other = first.setdefault(norm, rf)
            if other is not rf and other.kind == rf.kind:
                rf.findings.append(Finding(code, f"{key} {same} {other.loaded.path} ('{other.data['id']}'); "
                                                 f"expected one record per program: merge them, or {otherwise}",
                                           (key,)))


def normal_url(url: str) -> str:
    """https and http, www. or not, a trailing slash or not, and case all name the same page."""
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:  # not a URL at all (E207 says so); compare it as written
        return url.strip().lower()
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}{'?' + parts.query if parts.query else ''}"


def normal_name(name: str) -> str:
    """Lower case, without a bracketed aside, 'the' or punctuation: 'The MATS (ML Alignment)' -> 'mats'."""
    name = re.sub(r"\([^)]*\)", " ", name.casefold())
    words = re.findall(r"[a-z0-9]+", name)
    return " ".join(w for w in words if w != "the")


def reference_findings(data: dict, patterns: list, kinds: dict[str, str]) -> Iterator[Finding]:
    for pattern, allowed in patterns:
        for path, value in at_pattern(data, pattern):
            if not isinstance(value, str):
                continue
            if kinds.get(value) not in allowed:
                what = " or ".join(allowed)
                found = f"a {kinds[value]}" if value in kinds else "no record"
                hint = did_you_mean(value, sorted(k for k, kind in kinds.items() if kind in allowed))
                yield Finding("E203", f"{dotted(path)} is '{value}', but that id names {found}{hint}; "
                                      f"expected the id of a {what} record", path)


# -- the exchange-rate table ------------------------------------------------------------------

def read_rates(root: Path, schemas: Schemas) -> tuple[Rates | None, list[Problem]]:
    """The dated exchange-rate table, checked like a record."""
    loaded = load_file(root / RATES_FILE, str(RATES_FILE))
    if not loaded.ok:
        return None, loaded.problems or [Problem(str(RATES_FILE), 1, 1, "E008", "expected a mapping")]
    findings = schemas.check_document("exchange-rates.schema.json", loaded.data)
    if findings:
        return None, [loaded.problem(f.code, f.message, f.path, f.at_key) for f in findings]
    data = loaded.data
    if not is_web_url(data["source"]["url"]):
        return None, [loaded.problem("E207", f"source.url is {show(data['source']['url'])}; expected an http:// or "
                                             "https:// URL", ("source", "url"))]
    if _date(data["as_of"]) is None:
        return None, [loaded.problem("E204", f"as_of is '{data['as_of']}', which is not a calendar date; expected "
                                             "a real date YYYY-MM-DD", ("as_of",))]
    return Rates(data["as_of"], data["source"]["url"], {k: float(v) for k, v in data["usd_per_unit"].items()}), []


# -- helpers ------------------------------------------------------------------------------

def walk(value: Any) -> list[tuple[tuple, Any]]:
    """Every (path, value) in a record, parents before children (an explicit stack: it is hot)."""
    out: list[tuple[tuple, Any]] = []
    stack = [((), value)]
    push, keep = stack.append, out.append
    while stack:
        node = stack.pop()
        keep(node)
        path, value = node
        if isinstance(value, dict):
            for key, child in value.items():
                push((path + (key,), child))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                push((path + (index,), child))
    return out


def at_pattern(data: Any, pattern: tuple, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """The (path, value) pairs a pattern such as ('outreach', '*', 'program') names."""
    if not pattern:
        yield path, data
        return
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from at_pattern(item, rest, path + (index,))
    elif isinstance(data, dict) and step in data:
        yield from at_pattern(data[step], rest, path + (step,))


def is_web_url(value: Any) -> bool:
    """An http(s) URL with a plain host: no spaces, controls, backslashes or user:password@ part,
    and nothing urlsplit cannot take apart (`https://[x` raises there)."""
    if not isinstance(value, str) or _URL_REFUSED.search(value):
        return False
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(host) and parts.username is None
            and bool(_HOST.match(host)))


_URL_REFUSED = re.compile(r"[\s\x00-\x1f\x7f-\x9f\\]")
_HOST = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*\.?|[0-9a-fA-F:.]+)$")  # a name (IDN letters too), or an IP


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: not a schema file either way
        return False


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _has_path(data: Any, steps: list[str]) -> bool:
    for step in steps:
        if not isinstance(data, dict) or step not in data:
            return False
        data = data[step]
    return True
