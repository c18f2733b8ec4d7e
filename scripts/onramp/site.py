"""The catalog site: mkdocs pages generated in memory from the Catalog through site_templates/.

Record text is data, never markup: templates are rendered with autoescape, the HTML replaces the
page body after Markdown has run (so Markdown never sees record text), and only http(s) URLs
become links. Record pages stay out of the navigation; index pages are in it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .catalog import Catalog, Record, load_catalog
from .validate import is_web_url

SECTIONS = {"program": "programs", "template": "templates", "community": "communities"}
TITLES = {"program": "Programs", "template": "Program templates", "community": "Communities"}
NAV_PAGES = frozenset({"programs/index.md", "templates/index.md", "communities/index.md", "record-format.md"})
VOCABULARIES = [("research_area", "Research areas"), ("career_stage", "Career stages"), ("cover", "Covered costs"),
                ("region_group", "Region groups"), ("gathering_kind", "Kinds of gathering place"),
                ("mode", "Modes"), ("relocation", "Relocation")]


def page_path(record: Record) -> str:
    """The source path of a record's page, e.g. programs/mats.md (served at /programs/mats/)."""
    return f"{SECTIONS[record.kind]}/{record.id}.md"


def index_path(kind: str) -> str:
    return f"{SECTIONS[kind]}/index.md"


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = link
    env.filters["label"] = label
    env.tests["mapping"] = lambda v: isinstance(v, dict)
    env.tests["sequence"] = lambda v: isinstance(v, list)
    return env


def link(url: Any, text: Any = None) -> Markup:
    """An <a> for an http(s) URL; any other value is shown as escaped text, never as a link."""
    shown = escape(text if text is not None else url)
    if isinstance(url, str) and is_web_url(url):
        return Markup(f'<a href="{escape(url)}" rel="nofollow noopener">{shown}</a>')
    return Markup(shown)


def label(key: Any) -> str:
    """`hours_per_week` -> `Hours per week`."""
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]


class SiteBuilder:
    """Renders every generated page of the site from one Catalog."""

    def __init__(self, catalog: Catalog, templates: Path, today: dt.date | None = None) -> None:
        self.catalog = catalog
        self.env = environment(templates)
        self.today = today or dt.date.today()

    def pages(self) -> dict[str, tuple[str, str]]:
        """src path -> (page title, body HTML) for every generated page."""
        out: dict[str, tuple[str, str]] = {}
        for kind in SECTIONS:
            records = self.catalog.of_kind(kind)
            out[index_path(kind)] = (TITLES[kind], self.render("index.html.j2", kind=kind, title=TITLES[kind],
                                                                records=records))
            for record in records:
                out[page_path(record)] = (record.name, self.render("record.html.j2", record=record))
        out["record-format.md"] = ("Record format", self.render("record-format.html.j2", **self.format_context()))
        return out

    def format_context(self) -> dict[str, Any]:
        schemas = self.catalog.schemas
        return {
            "kinds": [(kind, TITLES[kind], schemas.documents[f"{kind}.schema.json"], schemas.fields(kind))
                      for kind in SECTIONS],
            "vocabularies": [(title, schemas.vocabulary(name)) for name, title in VOCABULARIES],
        }

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(today=self.today, page_path=page_path,
                                                      catalog=self.catalog, **context)


def front_matter(title: str) -> str:
    """Markdown for a generated page: only its title, escaped (mkdocs themes print it unescaped)."""
    return "---\ntitle: " + json.dumps(str(escape(title))) + "\n---\n"


# -- building and serving ------------------------------------------------------------------

class BuildFailed(Exception):
    """The strict build failed; the message says why, and the last good site was left alone."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def build_site(root: Path, site_dir: Path | None = None) -> Path:
    """Strict mkdocs build into a temporary folder, swapped in only when it succeeded."""
    import shutil
    import tempfile

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .catalog import CatalogError

    try:  # records first, so that their problems are reported exactly as `onramp validate` does
        load_catalog(root)
    except CatalogError as err:
        lines = "\n".join(p.format() for p in err.problems)
        raise BuildFailed(f"{len(err.problems)} invalid record value(s):\n{lines}", err.problems) from None
    site_dir = (site_dir or root / "site").resolve()
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site_dir.parent))
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(staging), strict=True)
        build(config)
    except (MkDocsException, SystemExit) as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(err) or "the strict build failed (see the warnings above)") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return site_dir


def serve_site(root: Path, host: str, port: int) -> None:
    """mkdocs' live-reloading server; record, schema and template changes trigger a rebuild."""
    from mkdocs.commands.serve import serve

    serve(config_file=str(root / "mkdocs.yml"), dev_addr=f"{host}:{port}", livereload=True)
