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
from .facts import least_hours, money_text, next_deadline, number_text
from .validate import is_web_url

SECTIONS = {"program": "programs", "template": "templates", "community": "communities"}
TITLES = {"program": "Programs", "template": "Program templates", "community": "Communities"}
NAV_PAGES = frozenset({"programs/index.md", "templates/index.md", "communities/index.md", "areas/index.md",
                       "record-format.md"})
VOCABULARIES = [("research_area", "Research areas"), ("career_stage", "Career stages"), ("cover", "Covered costs"),
                ("region_group", "Region groups"), ("gathering_kind", "Kinds of gathering place"),
                ("mode", "Modes"), ("relocation", "Relocation")]


def page_path(record: Record) -> str:
    """The source path of a record's page, e.g. programs/mats.md (served at /programs/mats/)."""
    return f"{SECTIONS[record.kind]}/{record.id}.md"


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = link
    env.filters["num"] = number_text
    env.filters["money_text"] = money_text
    env.tests["mapping"] = lambda v: isinstance(v, dict)
    env.tests["sequence"] = lambda v: isinstance(v, list)
    return env


def link(url: Any, text: Any = None) -> Markup:
    """An <a> for an http(s) URL; any other value is shown as escaped text, never as a link."""
    shown = escape(text if text is not None else url)
    if isinstance(url, str) and is_web_url(url):
        return Markup(f'<a href="{escape(url)}" rel="nofollow noopener">{shown}</a>')
    return Markup(shown)


STALE_AFTER_DAYS = 365


class SiteBuilder:
    """Renders every generated page of the site from one Catalog."""

    def __init__(self, catalog: Catalog, templates: Path, today: dt.date | None = None) -> None:
        self.catalog = catalog
        self.env = environment(templates)
        self.today = today or dt.date.today()

    def pages(self) -> dict[str, tuple[str, str]]:
        """src path -> (page title, body HTML) for every generated page."""
        c = self.catalog
        out: dict[str, tuple[str, str]] = {
            "programs/index.md": ("Programs", self.render("programs-index.html.j2", rows=self.program_rows())),
            "templates/index.md": ("Program templates", self.render("templates-index.html.j2", records=c.templates)),
            "communities/index.md": ("Communities", self.render(
                "communities-index.html.j2", rows=[(r, self.coverage(r)) for r in c.communities])),
            "areas/index.md": ("Research areas", self.render("areas-index.html.j2", areas=self.areas())),
            "record-format.md": ("Record format", self.render("record-format.html.j2", **self.format_context())),
        }
        for record in c.programs:
            out[page_path(record)] = (record.name, self.render("program.html.j2", record=record,
                                                                   facts=c.facts[record.id], **self.freshness(record)))
        for record in c.templates:
            out[page_path(record)] = (record.name, self.render("template.html.j2", record=record,
                                                                   facts=c.facts[record.id], **self.freshness(record)))
        for record in c.communities:
            out[page_path(record)] = (record.name, self.render("community.html.j2", record=record,
                                                                   coverage=self.coverage(record),
                                                                   **self.freshness(record)))
        for area in self.areas():
            out[f"areas/{area['id']}.md"] = (area["title"], self.render("area.html.j2", area=area))
        return out

    def render(self, template: str, **context: Any) -> str:
        self.env.filters["area_title"] = self.area_title
        return self.env.get_template(template).render(
            today=self.today, page_path=page_path, catalog=self.catalog, rates=self.catalog.rates,
            url_of=self.url_of, area_title=self.area_title, **context)

    # -- what the pages show -----------------------------------------------------------------

    def format_context(self) -> dict[str, Any]:
        schemas = self.catalog.schemas
        return {
            "kinds": [(kind, TITLES[kind], schemas.documents[f"{kind}.schema.json"], schemas.fields(kind))
                      for kind in SECTIONS],
            "vocabularies": [(title, schemas.vocabulary(name)) for name, title in VOCABULARIES],
        }

    def url_of(self, record_id: str, here: str) -> str:
        """A relative link from the page `here` (a src path) to a record's page."""
        record = self.catalog.get(record_id)
        depth = here.count("/")
        target = page_path(record).removesuffix(".md") + "/" if record else ""
        return "../" * (depth + (0 if here.endswith("index.md") else 1)) + target

    def area_title(self, area_id: str) -> str:
        return self._area_titles().get(area_id, area_id)

    def _area_titles(self) -> dict[str, str]:
        return {t["id"]: t["title"] for t in self.catalog.schemas.vocabulary("research_area")}

    def areas(self) -> list[dict]:
        out = []
        for term in self.catalog.schemas.vocabulary("research_area"):
            offered = [r for r in self.catalog.programs + self.catalog.templates
                       if term["id"] in self.catalog.facts[r.id].areas]
            out.append({**term, "programs": [r for r in offered if r.kind == "program"],
                        "templates": [r for r in offered if r.kind == "template"]})
        return out

    def freshness(self, record) -> dict[str, Any]:
        verified = dt.date.fromisoformat(record.data["last_verified"])
        age = (self.today - verified).days
        return {"verified_age_days": age, "stale": age > STALE_AFTER_DAYS}

    def program_rows(self) -> list[dict]:
        facts = self.catalog.facts
        return [{"record": r, "facts": facts[r.id], "deadline": next_deadline(facts[r.id], self.today),
                 "least_hours": least_hours(facts[r.id])} for r in self.catalog.programs]

    def coverage(self, community) -> dict[str, Any]:
        """Which programs target a community, and which fit its typical constraints."""
        facts = self.catalog.facts
        targeting = [r for r in self.catalog.programs if community.id in facts[r.id].communities]
        templates = [r for r in self.catalog.templates if community.id in facts[r.id].communities]
        constraints = community.data["constraints"]
        known = {k: v for k, v in constraints.items() if k != "note" and v != "unknown"}
        fitting = ([r for r in self.catalog.programs if fits_constraints(self.catalog.facts[r.id], constraints)]
                   if known else None)
        return {"targeting": targeting, "templates": templates, "fitting": fitting}


def filter_programs(facts: list, criteria: dict[str, str], today: dt.date) -> list[str]:
    """Ids of the programs the programs table shows for these filter values.

    The same rules as keep() in docs/assets/onramp.js, so a test can check the browser against
    Python: a known fact that conflicts hides a program; an unknown one only with `strict`.
    """
    strict = criteria.get("strict") == "1"

    def fits(value, test) -> bool:
        return (not strict) if value is None else test(value)

    c = criteria
    out = []
    for f in facts:
        checks = [
            not c.get("mode") or fits(f.mode, lambda v: v == c["mode"]),
            not c.get("relocation") or fits(f.relocation, lambda v: v == c["relocation"]),
            not c.get("hours") or fits(least_hours(f), lambda v: v <= float(c["hours"])),
            not c.get("weeks") or fits(f.weeks_min, lambda v: v <= float(c["weeks"])),
            not c.get("paid") or fits(f.paid, bool),
            not c.get("usd") or (f.paid is not False and fits(
                None if f.stipend_usd_month is None else round(f.stipend_usd_month), lambda v: v >= float(c["usd"]))),
            not c.get("region") or fits(f.regions, lambda v: c["region"].upper() in v),
            not c.get("community") or c["community"] in f.communities,
            not c.get("area") or c["area"] in f.areas,
            not c.get("status") or (f.status or "unknown") == c["status"],
            not c.get("open") or bool(next_deadline(f, today)),
        ]
        if all(checks):
            out.append(f.id)
    return out


def fits_constraints(facts, constraints: dict) -> bool:
    """Whether a program's known facts fit a community's typical constraints (unknown never excludes)."""
    if facts.status == "ended":
        return False
    if constraints.get("relocation") == "none" and facts.relocation == "required":
        return False
    hours = constraints.get("hours_per_week")
    if isinstance(hours, dict) and isinstance(hours.get("max"), (int, float)):
        if facts.hours_min is not None and facts.hours_min > hours["max"]:
            return False
    if constraints.get("finances") == "needs_income" and facts.paid is False:
        return False
    return True


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
        raise BuildFailed(f"{len(err.problems)} problem(s) in the records:\n{lines}", err.problems) from None
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

    # not strict while serving: a warning is shown, and the last good pages stay up
    serve(config_file=str(root / "mkdocs.yml"), dev_addr=f"{host}:{port}", livereload=True, strict=False)
