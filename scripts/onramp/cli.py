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
from .problems import CODES, Problem
from .validate import validate_paths

ISSUES_URL = "the project's issue tracker"


def find_root(start: Path) -> Path:
    """The catalog root: the nearest folder at or above start that holds schemas/, else the repo."""
    for folder in (start, *start.parents):
        if (folder / "schemas" / "program.schema.json").is_file():
            return folder
    return Path(__file__).resolve().parents[2]


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
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
@root_option
@today_option
def validate(paths: tuple[Path, ...], fmt: str, root: Path | None, today: dt.date | None) -> None:
    """Check record files (default: the whole catalog) and report every problem.

    Each problem is one line, path:line:column: CODE message. Exit 0 when clean, 1 otherwise.
    """
    root = (root or find_root(Path.cwd())).resolve()
    targets = list(paths) or [root / "communities", root / "programs"]
    problems, count = validate_paths([p for p in targets if p.exists()], root, today)
    if not paths:  # the whole catalog includes its exchange-rate table
        from .catalog import read_rates
        from .schema import Schemas

        problems = sorted(problems + read_rates(root, Schemas(root / "schemas"))[1])
    click.echo(render_problems(problems, count, fmt), nl=False)
    sys.exit(1 if problems else 0)


@cli.command()
@root_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the site goes (default: site/ under the root).")
def build(root: Path | None, site_dir: Path | None) -> None:
    """Strict build of the catalog site; a failed build leaves the last good site in place."""
    from .site import BuildFailed, build_site

    root = (root or find_root(Path.cwd())).resolve()
    show_mkdocs_warnings()
    try:
        out = build_site(root, site_dir)
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
    from .site import serve_site

    root = (root or find_root(Path.cwd())).resolve()
    serve_site(root, host, port)


@cli.command()
@root_option
@today_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(root: Path | None, today: dt.date | None, as_json: bool) -> None:
    """Records per kind, and the share of `unknown` per field: where the data is thin."""
    from .catalog import CatalogError, load_catalog
    from .stats import catalog_stats, render_stats

    root = (root or find_root(Path.cwd())).resolve()
    try:
        catalog = load_catalog(root, today)
    except CatalogError as err:
        click.echo(render_problems(err.problems, len(err.problems), "text"), nl=False)
        sys.exit(1)
    figures = catalog_stats(catalog)
    click.echo(json.dumps(figures, indent=2) if as_json else render_stats(figures), nl=not as_json)


@cli.command()
def codes() -> None:
    """List every problem code with its one-line description."""
    for code, text in CODES.items():
        click.echo(f"{code}  {text}")


def show_mkdocs_warnings() -> None:
    """Print mkdocs' warnings (broken links...) to stderr: strict mode fails on them."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


def render_problems(problems: list[Problem], count: int, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"files": count, "problems": [p.to_dict() for p in problems]}, indent=2) + "\n"
    if fmt == "github":
        return "".join(
            f"::error file={p.path},line={p.line},col={p.column},title={p.code}::{_gh_escape(p.message)}\n"
            for p in problems)
    lines = [p.format() + "\n" for p in problems]
    noun = "file" if count == 1 else "files"
    summary = (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {count} {noun}\n"
               if problems else f"{count} {noun} checked, no problems\n")
    click.echo(summary, err=True, nl=False)
    return "".join(lines)


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main() -> None:
    """Entry point: no traceback reaches a user, whatever the input."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence, reported in one line
        click.echo(f"onramp: internal error: {type(err).__name__}: {err}. Please report it on "
                   f"{ISSUES_URL} with the command you ran.", err=True)
        sys.exit(3)
