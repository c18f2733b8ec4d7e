"""The `onramp` command: a thin click skin over the library functions.

Exit status: 0 ok, 1 the input is wrong, 2 the command was used wrongly, 3 an internal error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from . import __version__
from .problems import CODES, InputError, Problem, printable
from .validate import validate_paths

ISSUES_URL = "the project's issue tracker"


# Each command imports what it needs when it runs: `onramp validate` should not pay for the
# matcher, the exports and the site (a tenth of a second at every start).
def _spreadsheet_cell(text: str) -> str:
    from .export import spreadsheet_cell

    return spreadsheet_cell(text)


def _flag_of() -> dict[str, str]:
    from .profile import FLAGS

    return FLAGS


def find_root(start: Path) -> Path:
    """The catalog root: the nearest folder at or above start that holds schemas/, else the
    checkout this onramp runs from; a usage error when neither is a catalog."""
    for folder in (start, *start.parents, Path(__file__).resolve().parents[2]):
        if (folder / "schemas" / "program.schema.json").is_file():
            return folder
    raise click.UsageError(printable(f"no catalog at or above {start} (a folder with schemas/program.schema.json); "
                                     "expected to be run inside the catalog, or --root FOLDER"))


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


def check_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and not (value / "schemas" / "program.schema.json").is_file():
        raise click.BadParameter(printable(f"{str(value)!r} has no schemas/program.schema.json; expected the catalog "
                                           "root (the folder with schemas/, programs/ and communities/)"))
    return value


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), callback=check_root,
    help="Catalog root (the folder with schemas/, programs/, communities/). Default: found from here.")
today_option = click.option("--today", callback=parse_day, metavar="YYYY-MM-DD",
                            help="Treat this date as today (default: the real date).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="onramp")
def cli() -> None:
    """Onramp: validate, browse and match the AI-safety talent-program catalog."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for programs, github for Actions annotations.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (W codes: likely duplicates).")
@root_option
@today_option
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, root: Path | None, today: dt.date | None) -> None:
    """Check record files (default: the whole catalog) and report every problem.

    Each problem is one line, path:line:column: CODE message. Exit 0 when clean (warnings, W codes,
    are reported but pass unless --strict), 1 otherwise.
    """
    root = (root or find_root(Path.cwd())).resolve()
    targets = list(paths) or [root / "communities", root / "programs"]
    problems, count = validate_paths([p for p in targets if p.exists()], root, today)
    if not paths:  # the whole catalog includes its exchange-rate table and the gap map's data files
        from .catalog import read_rates
        from .gaps import read_gap_settings
        from .schema import Schemas

        schemas = Schemas(root / "schemas")
        rates, rate_problems = read_rates(root, schemas)
        problems = sorted(problems + rate_problems + read_gap_settings(root, schemas, rates)[1])
    click.echo(render_problems(problems, count, fmt), nl=False)
    sys.exit(1 if any(strict or not p.is_warning for p in problems) else 0)


@cli.command()
@root_option
@click.option("--site-dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Where the site goes (default: site/ under the root): a new or empty folder, or a site "
                   "onramp build made.")
def build(root: Path | None, site_dir: Path | None) -> None:
    """Strict build of the catalog site; a failed build leaves the last good site in place."""
    from .site import BuildFailed, UnsafeSiteDir, build_site

    root = (root or find_root(Path.cwd())).resolve()
    show_mkdocs_warnings()
    try:
        out = build_site(root, site_dir)
    except UnsafeSiteDir as err:  # refused before anything was touched
        raise click.UsageError(f"--site-dir: {err}") from None
    except BuildFailed as err:
        click.echo(f"onramp build: {err}", err=True)
        sys.exit(1)
    click.echo(f"built {out}", err=True)


@cli.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(root: Path | None, host: str, port: int) -> None:
    """Build the site and serve it with live reload when a record, schema or template changes."""
    from .catalog import CatalogError, load_catalog
    from .site import BadAddress, check_address, serve_site

    root = (root or find_root(Path.cwd())).resolve()
    try:
        check_address(host, port)
    except BadAddress as err:
        raise click.UsageError(str(err)) from None
    try:  # a broken catalog at start is reported like `onramp validate`; later ones while serving
        load_catalog(root)
    except CatalogError as err:
        click.echo(render_problems(err.problems, len(err.problems), "text"), nl=False)
        sys.exit(1)
    show_mkdocs_warnings(level="INFO")
    serve_site(root, host, port)


@cli.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(root: Path | None, as_json: bool) -> None:
    """Records per kind, and the share of `unknown` per field: where the data is thin."""
    from .stats import catalog_stats, render_stats

    root = (root or find_root(Path.cwd())).resolve()
    catalog = catalog_or_exit(root)  # no figure depends on the date: the records are checked against the real one
    figures = catalog_stats(catalog)
    click.echo(json.dumps(figures, indent=2, allow_nan=False) if as_json else render_stats(figures), nl=not as_json)


@cli.command()
def codes() -> None:
    """List every problem code with its one-line description."""
    for code, text in CODES.items():
        click.echo(f"{code}  {text}")


def show_mkdocs_warnings(level: str = "WARNING") -> None:
    """Print mkdocs' warnings (broken links...) to stderr: strict mode fails on them."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(level)


def catalog_or_exit(root: Path, today: dt.date | None = None):
    """The catalog at root, or its problems printed as `onramp validate` prints them and exit 1."""
    from .catalog import CatalogError, load_catalog

    try:
        return load_catalog(root, today=today)
    except CatalogError as err:
        click.echo(render_problems(err.problems, len(err.problems), "text"), nl=False)
        sys.exit(1)


def gap_settings_or_exit(root: Path, catalog):
    """The gap map's profiles and places, or their problems printed and exit 1."""
    from .gaps import read_gap_settings

    settings, problems = read_gap_settings(root, catalog.schemas, catalog.rates)
    if problems:
        click.echo(render_problems(problems, len({p.path for p in problems}), "text"), nl=False)
        sys.exit(1)
    return settings


def render_problems(problems: list[Problem], count: int, fmt: str) -> str:
    if fmt == "json":
        payload = {"files": count, "problems": [p.to_dict() for p in problems]}
        return json.dumps(payload, indent=2, allow_nan=False) + "\n"
    if fmt == "github":
        return "".join(
            f"::{'warning' if p.is_warning else 'error'} file={_gh_property(p.path)},line={p.line},col={p.column},"
            f"title={p.code}::{_gh_escape(p.message)}\n"
            for p in problems)
    lines = [p.format() + "\n" for p in problems]
    noun = "file" if count == 1 else "files"
    summary = (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {count} {noun}\n"
               if problems else f"{count} {noun} checked, no problems\n")
    click.echo(summary, err=True, nl=False)
    return "".join(lines)


def _gh_escape(text: str) -> str:
    """Workflow-command escaping, after every control character is escaped for reading."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """GitHub workflow-command properties also escape ':' and ','."""
    return _gh_escape(text).replace(":", "%3A").replace(",", "%2C")


def main() -> None:
    """Entry point: no traceback reaches a user, whatever the input."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except InputError as err:  # an input file (a schema, say) is wrong wherever it was read: exit 1
        click.echo(render_problems(sorted(err.problems), len({p.path for p in err.problems}), "text"), nl=False)
        sys.exit(1)
    except Exception as err:  # noqa: BLE001 - the last line of defence, reported in one line
        click.echo(f"onramp: internal error: {type(err).__name__}: {err}. Please report it on "
                   f"{ISSUES_URL} with the command you ran.", err=True)
        sys.exit(3)


# -- onramp new ------------------------------------------------------------------------------

@cli.command()
@click.argument("kind", type=click.Choice(["program", "template", "community"]))
@click.argument("record_id", metavar="ID")
@root_option
@today_option
def new(kind: str, record_id: str, root: Path | None, today: dt.date | None) -> None:
    """Write a new record, programs/ID.yaml (or templates/, communities/), to fill in.

    It has the schema line, every required key, 'unknown' where a fact may be unknown and today's
    date; `onramp validate` then names what is left to fill. Prints the path. Exit 2 for a bad or
    taken id; an existing file is never replaced.
    """
    from .scaffold import NewRecordError, new_record
    from .validate import catalog_files

    root = (root or find_root(Path.cwd())).resolve()
    taken = {p.stem for p in catalog_files(root)}
    try:
        path = new_record(root, kind, record_id, today or dt.date.today(), taken)
    except NewRecordError as err:
        raise click.UsageError(printable(str(err))) from None
    click.echo(printable(str(path.relative_to(root))))
    click.echo("next: fill in the facts with their sources, then run onramp validate on it", err=True)


# -- onramp stale ----------------------------------------------------------------------------

@cli.command()
@click.option("--older-than", "older_than", type=click.IntRange(0, 36500), default=365, show_default=True,
              metavar="DAYS", help="List records last verified, or with newest evidence, more than DAYS ago.")
@click.option("--json", "as_json", is_flag=True, help="The list as JSON, for scripts.")
@root_option
@today_option
def stale(older_than: int, as_json: bool, root: Path | None, today: dt.date | None) -> None:
    """Records that need checking, oldest first, with the source to re-check and what is probably
    out of date. Exit 0 when it ran (whether or not any is stale), 1 when a record is invalid."""
    from .freshness import render_text, stale_records

    root = (root or find_root(Path.cwd())).resolve()
    day = today or dt.date.today()
    catalog = catalog_or_exit(root, today=day)
    found = stale_records(catalog, day, older_than)
    if as_json:
        click.echo(json.dumps({"today": day.isoformat(), "older_than": older_than,
                               "records": [s.to_dict() for s in found]}, indent=1, ensure_ascii=False))
    else:
        click.echo(render_text(found, older_than, day), nl=False)


# -- onramp gaps ----------------------------------------------------------------------------

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="text: the largest gaps for people; json: every cell; csv: one row a cell.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--community", "communities", metavar="ID", multiple=True, help="Only this community (repeatable).")
@click.option("--profile", "profiles", metavar="ID", multiple=True,
              help="Only this profile of data/gap-profiles.yaml (repeatable).")
@click.option("--place", "places", metavar="CC", multiple=True,
              help="Only this country of data/gap-places.yaml, e.g. NG (repeatable).")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="Gaps listed in text.")
@root_option
@click.option("--today", callback=parse_day, metavar="YYYY-MM-DD",
              help="The reference date for the matcher's ranking (open windows); default: the real date.")
def gaps(fmt: str, as_json: bool, communities: tuple[str, ...], profiles: tuple[str, ...], places: tuple[str, ...],
         limit: int, root: Path | None, today: dt.date | None) -> None:
    """The gap map: which communities and constraint profiles no program serves, and why.

    For every community, profile (data/gap-profiles.yaml) and place (data/gap-places.yaml) it runs
    the matcher for a member of the community with that profile living there. Exit 0 when it ran,
    1 when a record or a data file is invalid, 2 for wrong usage.
    """
    import csv

    from .gaps import csv_rows, gap_map, render_text

    root = (root or find_root(Path.cwd())).resolve()
    catalog = catalog_or_exit(root)
    settings = gap_settings_or_exit(root, catalog)
    places = tuple(p.upper() for p in places)
    _check_choices("--community", communities, [r.id for r in catalog.communities])
    _check_choices("--profile", profiles, [p.id for p in settings.profiles])
    _check_choices("--place", places, [p.country for p in settings.places])
    gmap = gap_map(catalog, settings, today or dt.date.today(), communities or None, profiles or None,
                   places or None)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        # One line: the whole map is thousands of cells (jq or a JSON viewer shows it readably).
        click.echo(json.dumps(gmap.to_dict(), separators=(",", ":"), allow_nan=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for row in csv_rows(gmap):
            writer.writerow([_spreadsheet_cell(str(v)) for v in row])
    else:
        click.echo("".join(printable(line) + "\n" for line in render_text(gmap, limit).splitlines()), nl=False)


def _check_choices(flag: str, given: tuple[str, ...], allowed: list[str]) -> None:
    unknown = [g for g in given if g not in allowed]
    if unknown:
        from .schema import show

        raise click.UsageError(printable(f"{flag}: {show(unknown[0])} is not one of the map's values; expected one "
                                         f"of: {', '.join(allowed)}"))


class Number(click.ParamType):
    """A flag's number: plain decimal as onramp.load.parse_number defines it (no nan, inf, 1e400
    or 1_000), within a range; anything else is a usage error that names the flag."""

    name = "number"

    def __init__(self, low: float = 0, high: float | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int | float:
        from .load import parse_number

        try:
            number = parse_number(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)
        if number < self.low or (self.high is not None and number > self.high):
            self.fail(f"{number} is out of range; expected {self.expected()}", param, ctx)
        return number

    def expected(self) -> str:
        return f"a number from {self.low} to {self.high}" if self.high is not None else f"a number >= {self.low}"


# -- onramp design --------------------------------------------------------------------------

@cli.command()
@click.argument("template", metavar="TEMPLATE")
@click.option("--community", metavar="ID", help="The community the program is for (an id in communities/).")
@click.option("--profile", metavar="ID", help="The constraint profile of the gap (data/gap-profiles.yaml).")
@click.option("--place", metavar="CC", help="Where participants live (a country of data/gap-places.yaml).")
@click.option("--cohort", type=click.IntRange(1, 10000), metavar="N", help="Participants (default: the template's).")
@click.option("--weeks", type=Number(0.1, 520), metavar="N", help="Length in weeks (default: the template's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for a terminal, markdown to print and share, json for programs.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@root_option
@click.option("--today", callback=parse_day, metavar="YYYY-MM-DD",
              help="The reference date for ordering the alumni's next steps; default: the real date.")
def design(template: str, community: str | None, profile: str | None, place: str | None, cohort: int | None,
           weeks: float | None, fmt: str, as_json: bool, root: Path | None, today: dt.date | None) -> None:
    """A program-design brief: a template (programs/templates/) made concrete for one gap.

    Format and why it fits, staffing, an itemised sourced budget, risks, run-only-if conditions,
    evaluation, the alumni's next steps and a launch timeline. Exit 0 when it ran, 1 when a record
    or data file is invalid, 2 for wrong usage.
    """
    from .design import DesignError, brief, design_payload, render
    from .webdata import facts_payload

    root = (root or find_root(Path.cwd())).resolve()
    catalog = catalog_or_exit(root)
    settings = gap_settings_or_exit(root, catalog)
    try:
        result = brief(design_payload(catalog, settings), facts_payload(catalog), template, community=community,
                       profile=profile, place=place.upper() if place else None, cohort=cohort, weeks=weeks,
                       today=today or dt.date.today())
    except DesignError as err:
        raise click.UsageError(printable(str(err))) from None
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(json.dumps(result, indent=1, ensure_ascii=False, allow_nan=False))
    else:
        text = render(result, markdown=fmt == "markdown")
        click.echo("".join(printable(line) + "\n" for line in text.splitlines()), nl=False)


# -- onramp export --------------------------------------------------------------------------

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "ics", "sqlite", "atom", "all"]), default="json",
              show_default=True, help="json: every record and its facts; csv: one kind (--kind); ics: application "
              "windows; sqlite: a database for Datasette; atom: records added and changed; all: every file the "
              "site publishes under /data/, into the folder -o names.")
@click.option("--kind", type=click.Choice(["program", "template", "community"]), default="program",
              show_default=True, help="Which records --format csv writes.")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="PATH",
              help="Write here instead of standard output (needed for sqlite and all). An existing file is "
              "replaced only when it is an Onramp export.")
@root_option
def export(fmt: str, kind: str, output: Path | None, root: Path | None) -> None:
    """Open data: the catalog as JSON, CSV, an ICS calendar, SQLite or an Atom feed (CC BY 4.0).

    Exit 0 when written, 1 when a record is invalid, 2 for wrong usage (including an output path that
    holds something other than an Onramp export: nothing else is ever replaced).
    """
    from . import export as exports

    if output is None and fmt in ("sqlite", "all"):
        raise click.UsageError(f"--format {fmt} needs -o PATH; expected a file (sqlite) or a folder (all)")
    root = (root or find_root(Path.cwd())).resolve()
    catalog = catalog_or_exit(root)
    try:
        if fmt == "all":
            _export_all(exports, catalog, output)
            return
        content = {"json": lambda: exports.dumps(exports.catalog_json(catalog)),
                   "csv": lambda: exports.csv_text(catalog, kind), "ics": lambda: exports.deadlines_ics(catalog),
                   "sqlite": lambda: exports.sqlite_bytes(catalog), "atom": lambda: exports.atom_feed(catalog)}[fmt]()
        if output is None:
            stream = sys.stdout.buffer
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
        else:
            if not output.parent.is_dir():
                raise exports.UnsafeOutput(printable(f"{output.parent} is not a folder; expected -o inside an "
                                                     "existing folder"))
            exports.write_safely(output, content)
    except exports.UnsafeOutput as err:
        raise click.UsageError(str(err)) from None


def _export_all(exports, catalog, folder: Path) -> None:
    """Every published file into folder (made if missing), each replaced only if it is an export."""
    if not exports.is_export_folder(folder):
        raise exports.UnsafeOutput(printable(f"{folder} is not empty and onramp export did not write it; expected "
                                             "a new or empty folder, or one that onramp export wrote"))
    files = exports.export_files(catalog)
    for name in files:  # check every target before writing any, so a refusal leaves nothing half-written
        target = folder / name
        if target.is_dir() or (target.exists() and not name.startswith(exports.SCHEMAS + "/")
                               and not exports.is_export(target)):
            raise exports.UnsafeOutput(printable(f"{target} exists and is not an Onramp export; expected an empty "
                                                 "folder or one that onramp export wrote"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / exports.EXPORT_MARK).write_text("written by onramp export --format all\n", "utf-8")
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if name.startswith(exports.SCHEMAS + "/") and target.exists():
            target.unlink()  # a schema copy in a folder onramp export wrote: its own output
        exports.write_safely(target, content)


# -- onramp match ---------------------------------------------------------------------------

@cli.command()
@click.option("--profile", "profile_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A candidate profile in YAML (schemas/candidate.schema.json).")
@click.option("--batch", "batch_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV file with one candidate a row (columns named like the profile fields).")
@click.option("--country", metavar="CC", help="Country you live in (ISO code such as NG).")
@click.option("--city", metavar="NAME", help="City you live in; programs held there need no relocation.")
@click.option("--citizenship", metavar="CC", multiple=True,
              help="A citizenship that counts for eligibility (repeatable).")
@click.option("--relocate", type=click.Choice(["none", "short", "yes"]),
              help="none: cannot leave home; short: for at most --max-weeks-away weeks; yes (default).")
@click.option("--max-weeks-away", type=Number(), metavar="N", help="With --relocate short.")
@click.option("--hours", type=Number(0, 168), metavar="N", help="Hours a week available.")
@click.option("--weeks", type=Number(), metavar="N", help="Weeks available.")
@click.option("--min-stipend", metavar="'AMOUNT CUR/PERIOD'", help="Least stipend you need, e.g. '1500 USD/month'.")
@click.option("--no-fee", is_flag=True, default=None, help="You cannot pay a participant fee.")
@click.option("--stage", metavar="STAGE", help="Career stage, e.g. early-career.")
@click.option("--age", type=Number(0, 120), metavar="N", help="Your age.")
@click.option("--community", "communities", metavar="ID", multiple=True, help="A community you belong to (repeatable).")
@click.option("--interest", "interests", metavar="AREA", multiple=True, help="A research interest (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="JSON (JSON lines with --batch) instead of text.")
@root_option
@click.option("--today", callback=parse_day, metavar="YYYY-MM-DD",
              help="The reference date for deadlines ('applications open now'); default: the real date. "
                   "The catalog is still checked against the real date.")
def match(profile_file: Path | None, batch_file: Path | None, as_json: bool, root: Path | None,
          today: dt.date | None, **flags: object) -> None:
    """Which programs and program formats fit a candidate's constraints, and why.

    Exit 0 when it ran, 1 for a bad profile (or bad batch rows), 2 for wrong usage.
    """
    from .match import Matcher
    from .profile import BadStipend, Profile, check_profile, load_profile, parse_stipend

    given = {k: v for k, v in flags.items() if v not in (None, ())}
    if sum(bool(x) for x in (profile_file, batch_file, given)) > 1:
        raise click.UsageError("give a profile as flags, as --profile FILE or as --batch FILE, not several")
    if not (profile_file or batch_file or given):
        raise click.UsageError("give a profile: --country CC and other flags, --profile FILE or --batch FILE")
    root = (root or find_root(Path.cwd())).resolve()
    catalog = catalog_or_exit(root)  # records are checked against the real date: --today only moves the deadlines
    today = today or dt.date.today()
    matcher = Matcher.of(catalog)
    community_ids = [r.id for r in catalog.communities]
    if batch_file:
        sys.exit(_match_batch(batch_file, matcher, catalog, community_ids, today, as_json))
    if profile_file:
        profile, problems = load_profile(profile_file, shown(profile_file, Path.cwd()), catalog.schemas,
                                         catalog.rates, community_ids)
        if problems:
            click.echo(render_problems(problems, 1, "text"), nl=False)
            sys.exit(1)
    else:
        data = {key: list(v) if isinstance(v, tuple) else v for key, v in given.items()}
        data["hours_per_week"] = data.pop("hours", None)
        if "min_stipend" in data:
            try:
                data["min_stipend"] = parse_stipend(data["min_stipend"])
            except BadStipend as err:
                raise click.BadParameter(str(err), param_hint="--min-stipend") from None
        data = {k: v for k, v in data.items() if v is not None}
        if "max_weeks_away" in data and data.get("relocate") != "short":
            raise click.UsageError("--max-weeks-away goes with --relocate short")
        findings = check_profile(data, catalog.schemas, catalog.rates, community_ids)
        if findings:
            f = findings[0]
            flag = _flag_of().get(f.path[0] if f.path else "", "") or _missing_flag(f.message)
            raise click.UsageError(printable(f"{flag}: {f.message}"))
        profile = Profile.from_dict(data)
    result = matcher.match(profile, today)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        click.echo(render_match(result, catalog, today), nl=False)


def shown(path: Path, base: Path) -> str:
    from .validate import shown as shown_path

    return shown_path(path, base)


def _missing_flag(message: str) -> str:
    for key, flag in _flag_of().items():
        if f"'{key}'" in message:
            return flag
    return "profile"


def _match_batch(path: Path, matcher, catalog, community_ids: list[str], today: dt.date, as_json: bool) -> int:
    """Rows are read, matched and written one at a time: a batch of any size runs in flat memory."""
    import csv

    from .match import DemandSummary
    from .profile import read_batch

    demand, bad, writer = DemandSummary(), 0, None
    if not as_json:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["line", "name", "matches", "best", "near_misses", "formats"])
    for row in read_batch(path, shown(path, Path.cwd()), catalog.schemas, catalog.rates, community_ids):
        if row.profile is None:
            bad += 1
            for problem in row.problems:
                click.echo(problem.format(), err=True)
            continue
        result = matcher.match(row.profile, today)
        demand.add(result)
        if as_json:
            click.echo(json.dumps({"line": row.line, **result.compact()}, separators=(",", ":"), allow_nan=False))
        else:
            writer.writerow([row.line, _spreadsheet_cell(row.profile.name or ""), len(result.matches),
                             result.matches[0]["id"] if result.matches else "", len(result.near_misses),
                             len(result.formats)])
    summary = demand.to_dict(bad)
    if as_json:
        click.echo(json.dumps({"summary": summary}, separators=(",", ":"), allow_nan=False))
    else:
        click.echo(render_summary(summary), err=True, nl=False)
    return 1 if bad else 0




def render_summary(summary: dict) -> str:
    lines = [f"{summary['candidates']} candidates matched, {summary['bad_rows']} bad rows; "
             f"{summary['no_fit']} have no fitting program, "
             f"{summary['no_confirmed_fit']} none that fits on known facts alone"]
    if summary["blocked_by"]:
        lines.append("  blocked by (a program would fit if this one constraint changed; 'several': none would):")
        lines += [f"    {rule}: {count}" for rule, count in summary["blocked_by"].items()]
    if summary["no_confirmed_fit_blocked_by"]:
        lines.append("  with no fit on known facts, blocked by (one change would give such a fit; "
                     "'several or unknown': none would):")
        lines += [f"    {rule}: {count}" for rule, count in summary["no_confirmed_fit_blocked_by"].items()]
    lines.append("  by community (candidates, of whom no fit, of whom no fit on known facts):")
    lines += [f"    {com}: {row['candidates']}, {row['no_fit']}, {row['no_confirmed_fit']}"
              for com, row in summary["by_community"].items()]
    return "".join(printable(line) + "\n" for line in lines)


def render_match(result, catalog, today: dt.date) -> str:
    """The result for a reader; every line is escaped, so no name or value can forge a line."""
    from .facts import window_outlook
    from .match import ORDER_RULE

    def name(entry: dict) -> str:
        record = catalog.get(entry["id"])
        return record.name if record else entry["id"]

    def url(entry: dict) -> str:
        record = catalog.get(entry["id"])
        return record.data.get("url", "") if record else ""

    p = result.profile
    relocation = ("relocation not given, so assumed you can relocate (--relocate none or short if not)"
                  if "relocate" in p.assumed else f"relocate {p.relocate}")
    out = [f"Profile: {p.city + ', ' if p.city else ''}{p.country}; {relocation}"
           + (f" (up to {p.max_weeks_away:g} weeks)" if p.max_weeks_away is not None else "")
           + (f"; {p.hours_per_week:g} h/week" if p.hours_per_week is not None else "")
           + (f"; {p.weeks:g} weeks" if p.weeks is not None else "")
           + (f"; needs {p.min_stipend['amount']:,} {p.min_stipend['currency']} a {p.min_stipend['period']}"
              if p.min_stipend else "")
           + ("; cannot pay a fee" if p.no_fee else ""),
           f"Today is {today.isoformat()}; stipends compared in USD at the rates of {catalog.rates.as_of}.", ""]
    out.append(f"{len(result.matches)} program(s) fit:" if result.matches else "No program fits.")
    if result.matches:
        out += [f"  (Order: {ORDER_RULE})", ""]
    for i, m in enumerate(result.matches, 1):
        how = ("fits only if the unknown facts below work out" if m["unknown_rules"] else "fits on known facts")
        out.append(f"  {i}. {name(m)} [{m['id']}]: {how}")
        out.append(f"       {url(m)}")
        out.append(f"       applying: {window_outlook(catalog.facts[m['id']], today)}")
        out += [f"       + {r}" for r in m["reasons"]]
        out += [f"       ? {u}" for u in m["unknowns"]]
    if result.near_misses:
        out += ["", "Nearly fit (one thing stands in the way):"]
        for m in result.near_misses:
            out.append(f"  - {name(m)} [{m['id']}]: {m['conflict']}; {m['suggestion']}  {url(m)}")
    if result.formats:
        out += ["", "Program formats that fit you (templates an organiser could run):"
                if len(result.matches) >= 3 else
                "Fewer than three programs fit; these program formats would (templates an organiser could run):"]
        for m in result.formats:
            out.append(f"  - {name(m)} [{m['id']}]")
            out += [f"       + {r}" for r in m["reasons"] if r.startswith("nobody runs")]
    return "".join(printable(line) + "\n" for line in out)
