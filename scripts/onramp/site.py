"""The catalog site: mkdocs pages generated in memory from the Catalog through site_templates/.

Record text is data, never markup: templates are rendered with autoescape, the HTML replaces the
page body after Markdown has run (so Markdown never sees record text), and only http(s) URLs
become links. Record pages stay out of the navigation; index pages are in it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape

from .catalog import Catalog, Record, load_catalog
from .design import brief, design_payload, money_span, number_span, words
from .facts import is_short, money_text, newest_evidence, next_deadline, number_text, window_outlook
from .gaps import RANKING_RULE, GapMap, gap_map, read_gap_settings, same_gaps
from .problems import InputError, printable
from .profile import FLAGS
from .validate import is_web_url

SECTIONS = {"program": "programs", "template": "templates", "community": "communities"}
TITLES = {"program": "Programs", "template": "Program templates", "community": "Communities"}
NAV_PAGES = frozenset({"find.md", "design.md", "data/index.md", "programs/index.md", "templates/index.md",
                       "communities/index.md", "areas/index.md", "gaps/index.md", "record-format.md",
                       "needs-checking.md"})
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
    env.filters["money_span"] = money_span
    env.filters["number_span"] = number_span
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
# Rows on one page of the programs list: ~1.3 KB each, so a page stays near 130 KB of HTML at any size.
PROGRAMS_PER_PAGE = 100


class SiteBuilder:
    """Renders every generated page of the site from one Catalog."""

    def __init__(self, catalog: Catalog, templates: Path, today: dt.date | None = None,
                 repository: str | None = None) -> None:
        self.catalog = catalog
        self.env = environment(templates)
        self.today = today or dt.date.today()
        # Where the catalog's repository lives (mkdocs.yml extra.repository): record pages link to
        # their file there and to a prefilled correction form. Only an https URL is used.
        self.repository = repository.rstrip("/") if isinstance(repository, str) and \
            repository.startswith("https://") else None

    def pages(self) -> dict[str, tuple[str, str]]:
        """src path -> (page title, body HTML) for every generated page."""
        c = self.catalog
        out: dict[str, tuple[str, str]] = {
            **self.program_list_pages(),
            "templates/index.md": ("Program templates", self.render(
                "templates-index.html.j2", rows=[(r, self.default_brief(r.id)) for r in c.templates])),
            "communities/index.md": ("Communities", self.render(
                "communities-index.html.j2", rows=[(r, self.coverage(r)) for r in c.communities],
                gap_of={e["community"]: e for e in self.gaps.ranked()})),
            "areas/index.md": ("Research areas", self.render("areas-index.html.j2", areas=self.areas())),
            "record-format.md": ("Record format", self.render("record-format.html.j2", **self.format_context())),
            "find.md": ("Find a program", self.render("find.html.j2", **self.find_context())),
            "design.md": ("Design a program", self.render("design.html.j2", **self.design_context())),
            "data/index.md": ("The data", self.render("data.html.j2", **self.data_context())),
            "needs-checking.md": ("Needs checking", self.render("needs-checking.html.j2", stale=self.stale,
                                                                older_than=STALE_AFTER_DAYS)),
        }
        for record in c.programs + c.templates + c.communities:
            out[page_path(record)] = (record.name, self.record_page(record))
        for area in self.areas():
            out[f"areas/{area['id']}.md"] = (area["title"], self.render("area.html.j2", area=area))
        out.update(self.gap_pages())
        return out

    # -- the gap map ---------------------------------------------------------------------------

    @cached_property
    def gaps(self) -> GapMap:
        c = self.catalog
        settings, problems = read_gap_settings(c.root, c.schemas, c.rates)
        if problems:
            raise InputError(problems)
        return gap_map(c, settings, self.today)

    def gap_pages(self) -> dict[str, tuple[str, str]]:
        """The overview, one map per place, and one page per (place, profile) that the cells link to."""
        g = self.gaps
        out = {"gaps/index.md": ("Gap map", self.render(
            "gaps-index.html.j2", gmap=g, groups=same_gaps(g.ranked()), ranking_rule=RANKING_RULE,
            after=g.after_program(), areas=g.areas()))}
        for place in g.places:
            out[f"gaps/{place.id}.md"] = (f"Gap map: {place.name}", self.render("gaps-place.html.j2", gmap=g,
                                                                                  place=place))
            for profile in g.profiles:
                out[gap_page(place, profile)] = (f"{profile.label} in {place.name}", self.render(
                    "gap-cell.html.j2", gmap=g, place=place, profile=profile, run=g.run(profile.id, place.country),
                    command=match_command(profile.candidate, place)))
        return out

    # -- design briefs -------------------------------------------------------------------------

    @cached_property
    def design_inputs(self) -> tuple[dict, dict]:
        """The design payload and the facts payload: what `brief` reads, here and in the browser."""
        from .webdata import facts_payload

        return design_payload(self.catalog, self.gaps.settings), facts_payload(self.catalog)

    def default_brief(self, template_id: str) -> dict[str, Any]:
        """A template's brief with its own defaults (no community, profile or cohort given)."""
        payload, facts = self.design_inputs
        return brief(payload, facts, template_id, today=self.today)

    def design_context(self) -> dict[str, Any]:
        payload, _ = self.design_inputs
        return {"payload": payload, "default_place": payload["default_place"]}

    @cached_property
    def stale(self) -> list:
        from .freshness import stale_records

        return stale_records(self.catalog, self.today, STALE_AFTER_DAYS)

    @cached_property
    def stale_by_id(self) -> dict:
        return {s.id: s for s in self.stale}

    # -- the data page and the open data --------------------------------------------------------

    @cached_property
    def charts(self) -> list:
        from .charts import data_charts

        return data_charts(self.catalog, self.today)

    def data_context(self) -> dict[str, Any]:
        from .export import EXPORT_VERSION, LICENCE

        return {"charts": self.charts, "licence": LICENCE, "version": EXPORT_VERSION}

    def find_context(self) -> dict[str, Any]:
        from babel import Locale

        names = Locale("en").territories
        codes = self.catalog.schemas.defs["country"]["enum"]
        schemas = self.catalog.schemas
        return {"countries": sorted(((c, names.get(c, c)) for c in codes), key=lambda cn: cn[1]),
                "currencies": sorted(self.catalog.rates.usd_per_unit),
                "stages": schemas.vocabulary("career_stage"), "areas": schemas.vocabulary("research_area")}

    def assets(self) -> dict[str, str | bytes]:
        """Generated files that are not pages: the facts the Find and Design pages read, the bundled
        script, the open data under data/, and the data page's charts."""
        from .export import export_files
        from .webdata import facts_payload, packed

        facts = json.dumps(packed(facts_payload(self.catalog)), ensure_ascii=False, allow_nan=False,
                           separators=(",", ":"))
        design = json.dumps({**self.design_inputs[0], "words": words()}, ensure_ascii=False, allow_nan=False,
                            separators=(",", ":"))
        return {"assets/onramp-facts.json": facts, "assets/onramp-design.json": design,
                "assets/onramp.js": bundle_script(),
                **{f"data/{name}": content for name, content in export_files(self.catalog).items()},
                **{f"data/charts/{c.id}.svg": c.svg for c in self.charts}}

    def record_page(self, record: Record) -> str:
        """The body of one record's page."""
        if record.kind == "community":
            return self.render("community.html.j2", record=record, coverage=self.coverage(record), gmap=self.gaps,
                               **self.freshness(record))
        extra = {"b": self.default_brief(record.id)} if record.kind == "template" else {}
        return self.render(f"{record.kind}.html.j2", record=record, facts=self.catalog.facts[record.id],
                           **extra, **self.freshness(record))

    def render(self, template: str, **context: Any) -> str:
        self.env.filters["area_title"] = self.area_title
        return self.env.get_template(template).render(
            today=self.today, page_path=page_path, catalog=self.catalog, rates=self.catalog.rates,
            url_of=self.url_of, href=href, area_title=self.area_title, is_short=is_short,
            window_outlook=window_outlook, repository=self.repository, correction_url=self.correction_url,
            **words(), **context)

    def correction_url(self, record: Record) -> str | None:
        """The repository's correction form, prefilled with the record (GitHub issue forms take
        their fields' values from the query)."""
        if not self.repository:
            return None
        query = urlencode({"template": "correction.yml", "title": f"Correction: {record.name}",
                           "record": record.id})
        return f"{self.repository}/issues/new?{query}"

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
        """How old the record's check and its newest evidence are; either past a year flags it."""
        verified = dt.date.fromisoformat(record.data["last_verified"])
        age = (self.today - verified).days
        evidence = newest_evidence(record.data)
        old_evidence = evidence is None or (self.today - dt.date.fromisoformat(evidence)).days > STALE_AFTER_DAYS
        checking = self.stale_by_id.get(record.id)
        return {"verified_age_days": age, "stale": age > STALE_AFTER_DAYS, "newest_evidence": evidence,
                "old_evidence": record.kind == "program" and old_evidence, "checking": checking}

    def program_list_pages(self) -> dict[str, tuple[str, str]]:
        """The programs list: one page while the catalog is small, and pages of PROGRAMS_PER_PAGE
        rows by name beyond that, so that a first visit does not fetch every row of a large catalog."""
        rows = sorted(self.program_rows(), key=lambda row: (row["record"].name.casefold(), row["record"].id))
        chunks = [rows[i:i + PROGRAMS_PER_PAGE] for i in range(0, len(rows), PROGRAMS_PER_PAGE)] or [[]]
        paths = [program_list_page(n) for n in range(1, len(chunks) + 1)]
        out = {}
        for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True), start=1):
            title = "Programs" if number == 1 else f"Programs, page {number}"
            out[path] = (title, self.render("programs-index.html.j2", rows=chunk, here=path, total=len(rows),
                                            page=number, pages=paths, first=(number - 1) * PROGRAMS_PER_PAGE + 1))
        return out

    def program_rows(self) -> list[dict]:
        facts = self.catalog.facts
        return [{"record": r, "facts": facts[r.id], "deadline": next_deadline(facts[r.id], self.today),
                 "short": is_short(facts[r.id]),
                 **self.freshness(r)}
                for r in self.catalog.programs]

    def coverage(self, community) -> dict[str, Any]:
        """Which programs and templates name a community (its gap-map row is computed by gaps)."""
        facts = self.catalog.facts
        return {"targeting": [r for r in self.catalog.programs if community.id in facts[r.id].communities],
                "templates": [r for r in self.catalog.templates if community.id in facts[r.id].communities]}


def href(target: str, here: str) -> str:
    """A relative link from the page `here` to the page `target` (both source paths, e.g.
    gaps/ng.md -> /gaps/ng/), as mkdocs serves them with directory URLs."""
    depth = here.count("/") + (0 if here.endswith("index.md") else 1)
    path = target.removesuffix("index.md").removesuffix(".md")
    return "../" * depth + (path + "/" if path and not path.endswith("/") else path)


class ScriptUnavailable(RuntimeError):
    """The site cannot be finished: esbuild or Pagefind (web/node_modules) is missing or failed."""


# The site's JavaScript is Onramp's code, not catalog data: it comes from this checkout's web/,
# whichever catalog is built.
WEB = Path(__file__).resolve().parents[2] / "web"


def bundle_script(web: Path = WEB) -> str:
    """web/src/site.js and what it imports, bundled by esbuild (installed by `npm ci` in web/)."""
    esbuild = web / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        raise ScriptUnavailable("the site's JavaScript needs esbuild, which is not installed: run `make install` "
                                "(it runs `npm ci` in web/)")
    done = subprocess.run([str(esbuild), str(web / "src" / "site.js"), "--bundle", "--format=iife",
                           "--target=es2020", "--legal-comments=none", "--log-level=error"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ScriptUnavailable(f"esbuild could not bundle web/src/site.js: {printable(done.stderr.strip()[:500])}")
    return done.stdout


def index_for_search(site_dir: Path, web: Path = WEB) -> None:
    """Pagefind's index of the built site (site/pagefind/): what the header's search box reads, in
    fragments, when a reader searches. Only the part of a page marked data-pagefind-body is indexed."""
    pagefind = web / "node_modules" / ".bin" / "pagefind"
    if not pagefind.exists():
        raise ScriptUnavailable("the site's search needs Pagefind, which is not installed: run `make install` "
                                "(it runs `npm ci` in web/)")
    done = subprocess.run([str(pagefind), "--site", str(site_dir), "--quiet",
                           # the permalink signs headings carry are not words of the page
                           "--exclude-selectors", ".headerlink"], capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        said = (done.stdout + done.stderr).strip()[:500]
        raise ScriptUnavailable(f"Pagefind could not index the site: {printable(said)}")


def program_list_page(number: int) -> str:
    """Page `number` of the programs list: programs/index.md, then programs/page/2.md..."""
    return "programs/index.md" if number == 1 else f"programs/page/{number}.md"


def gap_page(place, profile) -> str:
    """The page of one (place, profile) column of the map: gaps/ng/home-5h-paid.md."""
    return f"gaps/{place.id}/{profile.id}.md"


def searchable(src: str) -> bool:
    """Whether a page goes into the search index: of the gap map only its overview, not the page
    of each place and the hundreds of column pages (they hold numbers and names found elsewhere)."""
    return not src.startswith("gaps/") or src == "gaps/index.md"


def match_command(candidate: dict, place) -> str:
    """The `onramp match` command line that asks the same question as a gap-map column."""
    args = ["onramp", "match", FLAGS["country"], place.country]
    if place.city:
        args += [FLAGS["city"], place.city]
    for key, value in candidate.items():
        if key == "min_stipend":
            args += [FLAGS[key], f"{number_text(value['amount'])} {value['currency']}/{value['period']}"]
        elif value is True:
            args.append(FLAGS[key])
        else:
            args += [FLAGS[key], number_text(value) if isinstance(value, (int, float)) else str(value)]
    return shlex.join(args)


# Pages whose tables need the whole width: the table of contents beside them is hidden.
WIDE_PAGES = frozenset({"programs/index.md", "find.md", "design.md", "templates/index.md", "data/index.md"})


def is_wide(src: str) -> bool:
    """The programs list (each of its pages), the Find page and the gap maps (overview and one per place)."""
    return src in WIDE_PAGES or src.startswith("programs/page/") or (src.startswith("gaps/") and src.count("/") == 1)


def front_matter(title: str, search: bool = True, wide: bool = False) -> str:
    """Markdown for a generated page: its title, escaped (mkdocs themes print it unescaped),
    whether the search index leaves it out, and whether it uses the width of the table of contents."""
    hidden = "" if search else "search:\n  exclude: true\n"
    hide = "hide:\n  - toc\n" if wide else ""
    return "---\ntitle: " + yaml_quoted(str(escape(title))) + "\n" + hidden + hide + "---\n"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding text exactly: printable ASCII as is, every other
    character escaped (\\U for those outside the BMP, which JSON would split into surrogates that
    YAML cannot join, and line separators, which YAML would fold)."""
    out = []
    for char in text:
        code = ord(char)
        if 0x20 <= code < 0x7F and char not in '"\\':
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


# -- building and serving ------------------------------------------------------------------

class BuildFailed(Exception):
    """The strict build failed; the message says why, and the last good site was left alone."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# A built site carries this file; only a folder that carries it is ever replaced or deleted.
SITE_MARK = ".onramp-site"
SITE_MARK_TEXT = ("Written by `onramp build`: this folder is a generated site. It may be deleted and rebuilt with\n"
                  "`onramp build`, which replaces a folder only while this file is in it.\n")
# Folders of the repository that hold sources: a site is never built into one of them.
SOURCE_FOLDERS = (".git", ".ci", ".github", "bench", "communities", "data", "docs", "programs", "schemas",
                  "scripts", "site_templates", "tests", "web")


class UnsafeSiteDir(ValueError):
    """Building into this folder could destroy something that is not Onramp's output."""


def check_site_dir(root: Path, site_dir: Path) -> Path:
    """The resolved site folder, or UnsafeSiteDir saying why a build there could lose data.

    Refused: the root or a folder that contains it, a folder inside a source folder, a file or a
    symlink, a missing parent, and a non-empty folder that is not a site Onramp built.
    """
    root = root.resolve()
    shown = printable(str(site_dir))
    if site_dir.is_symlink():
        raise UnsafeSiteDir(f"{shown} is a symbolic link; expected a plain folder for the site")
    target = Path(os.path.realpath(site_dir))  # unlike Path.resolve, no RuntimeError on a symlink loop
    if target == root or root.is_relative_to(target):
        raise UnsafeSiteDir(f"{shown} is the catalog root or contains it; expected a folder of its own, "
                            "such as site/")
    for folder in source_folders(root):
        if target.is_relative_to(folder):
            raise UnsafeSiteDir(f"{shown} lies inside {printable(shown_folder(folder, root))}/, which holds the "
                                "catalog's sources; expected a folder of its own, such as site/")
    if not target.parent.is_dir():
        raise UnsafeSiteDir(f"the parent folder of {shown} does not exist; expected an existing folder to "
                            "build the site in")
    if target.exists():
        if not target.is_dir():
            raise UnsafeSiteDir(f"{shown} is a file; expected a folder for the site")
        try:
            empty = not any(target.iterdir())
        except OSError as err:
            raise UnsafeSiteDir(f"{shown} cannot be read ({err.strerror}); expected a folder for the site") from None
        if not empty and not is_onramp_site(target):
            raise UnsafeSiteDir(f"{shown} holds files that `onramp build` did not write (it has no {SITE_MARK}); "
                                "expected a new or empty folder, or a site onramp build made")
    return target


def is_onramp_site(folder: Path) -> bool:
    """A folder `onramp build` made: it carries the mark (a plain file, not a link to one)."""
    mark = folder / SITE_MARK
    return mark.is_file() and not mark.is_symlink()


def source_folders(root: Path) -> list[Path]:
    """The resolved folders that hold the catalog's sources: the usual ones, and docs_dir and the
    theme's custom_dir as mkdocs.yml names them (read as plain text: the config is Onramp's own
    file, and a build refuses before mkdocs loads it)."""
    named = list(SOURCE_FOLDERS)
    try:
        text = (root / "mkdocs.yml").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = re.findall(r"^\s*(?:docs_dir|custom_dir):\s*['\"]?([^'\"\n#]+?)['\"]?\s*(?:#.*)?$", text, re.M)
    named += [name.strip() for name in found if name.strip()]
    # relative names are read from the root, as mkdocs does; a name that resolves to the root
    # itself (docs_dir: .) is left to the root check
    folders = {(root / name).resolve() for name in named}
    return sorted(folder for folder in folders if folder != root)


def shown_folder(folder: Path, root: Path) -> str:
    return str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder)


def build_site(root: Path, site_dir: Path | None = None) -> Path:
    """Strict mkdocs build into a temporary folder, swapped in only when it succeeded.

    The folder is checked first (UnsafeSiteDir), before anything is read or written; the
    previous site is moved aside under a fresh name and only that is deleted.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .catalog import CatalogError

    target = check_site_dir(root, site_dir or root / "site")
    try:  # records first, so that their problems are reported exactly as `onramp validate` does
        load_catalog(root)
    except CatalogError as err:
        lines = "\n".join(p.format() for p in err.problems)
        raise BuildFailed(f"{len(err.problems)} problem(s) in the records:\n{lines}", err.problems) from None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=target.parent))
    except OSError as err:
        raise BuildFailed(f"cannot create a folder next to {printable(str(target))}: {err.strerror}") from None
    try:
        try:
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(staging), strict=True)
            build(config)
        except (MkDocsException, SystemExit) as err:
            raise BuildFailed(str(err) or "the strict build failed (see the warnings above)") from None
        (staging / SITE_MARK).write_text(SITE_MARK_TEXT, "utf-8")
        check_site_dir(root, target)  # again: the folder may have changed while the site was built
        try:
            _swap(staging, target)
        except OSError as err:
            raise BuildFailed(f"cannot put the new site in place at {printable(str(target))}: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # made above, so ours; already gone once swapped in
    return target


def _swap(staging: Path, target: Path) -> None:
    """Put the built site at target. A previous site is moved aside under a fresh name (never a
    fixed one such as site.old, which may be somebody's) and only that is deleted; when the swap
    fails, it is put back."""
    if not target.exists():  # checked before: missing, empty, or a site Onramp built
        staging.rename(target)
        return
    aside = Path(tempfile.mkdtemp(prefix=".site-old-", dir=target.parent))
    previous = aside / "site"
    try:
        target.rename(previous)
    except OSError:
        aside.rmdir()
        raise
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)  # should this fail too, the previous site stays whole in aside
        aside.rmdir()
        raise
    shutil.rmtree(aside, ignore_errors=True)


class BadAddress(ValueError):
    """The server cannot listen on this host and port."""


def check_address(host: str, port: int) -> None:
    """BadAddress unless the server can listen on host:port (tried before the first build, so
    that a port in use is told in one line rather than after the build, as a crash)."""
    import ipaddress
    import socket

    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:  # what mkdocs accepts: an IP address, or localhost
        version = 4 if bare == "localhost" else ipaddress.ip_address(bare).version
    except ValueError:
        raise BadAddress(printable(f"--host {host!r} is not an IP address; expected one such as 127.0.0.1")) from None
    try:
        with socket.socket(socket.AF_INET6 if version == 6 else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
            probe.bind((bare, port))
    except OSError as err:
        raise BadAddress(f"cannot listen on {host} port {port} ({err.strerror or err}); expected a free port on an "
                         "address of this machine, such as --port 8001") from None


def serve_site(root: Path, host: str, port: int) -> None:
    """mkdocs' live-reloading server; record, schema and template changes trigger a rebuild."""
    from mkdocs.commands.serve import serve

    # not strict while serving: a warning is shown, and the last good pages stay up
    serve(config_file=str(root / "mkdocs.yml"), dev_addr=f"{host}:{port}", livereload=True, strict=False)
