"""mkdocs hooks (named in mkdocs.yml): generate the catalog pages in memory.

Nothing is written into docs/: pages are mkdocs File objects made from the Catalog, and their
bodies replace the rendered Markdown in on_page_content. An invalid record stops a build with the
same positioned lines as `onramp validate`; while serving, it is reported and the last valid
catalog stays up.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from onramp import catalog as catalogs
from onramp.problems import InputError, printable
from onramp.site import NAV_PAGES, SiteBuilder, front_matter, index_for_search, is_wide, searchable

log = logging.getLogger("mkdocs.onramp")
_bodies: dict[str, str] = {}
_serving = False
_last_good = None  # while serving: the pages of the last catalog that validated and rendered


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_files(files: Files, config) -> Files:
    global _last_good
    root = Path(config["config_file_path"]).resolve().parent
    try:
        pages, assets = _render(root, config.get("extra", {}).get("repository"))
        # The builder's Jinja environment refers back to the builder (its filters are bound
        # methods), a cycle that would keep the catalog, the gap map and every matcher result
        # alive through the whole build: collected now, the build's peak memory drops by a third.
        gc.collect()
    except Exception as err:  # noqa: BLE001 - while serving, nothing a record does may stop the server
        if not (_serving and _last_good is not None):
            raise PluginError(failure(err, serving=False)) from None
        # While serving, keep showing the last good pages: the live-reload server would print a
        # traceback for an exception and stop rebuilding, and the reader keeps a working site.
        log.warning(failure(err, serving=True))
        pages, assets = _last_good
    _last_good = pages, assets
    _bodies.clear()
    for src, (title, body) in pages.items():
        _bodies[src] = body
        # Set explicitly: mkdocs excludes a top-level templates/ folder by default, and record
        # pages are kept out of the navigation (thousands of them would slow every build).
        inclusion = InclusionLevel.INCLUDED if src in NAV_PAGES else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, src, content=front_matter(title, searchable(src), is_wide(src)),
                                    inclusion=inclusion))
    for src, content in assets.items():
        files.append(File.generated(config, src, content=content))
    return files


def _render(root: Path, repository: str | None = None) -> tuple[dict[str, tuple[str, str]], dict[str, str | bytes]]:
    """The pages (src -> title, body) and the other generated files (src -> text)."""
    catalog = catalogs.load_catalog(root)  # looked up at call time (tests substitute it)
    builder = SiteBuilder(catalog, root / "site_templates", repository=repository)
    return builder.pages(), builder.assets()


def failure(err: Exception, serving: bool) -> str:
    """What went wrong, without a traceback: the positioned problems of an input error, one a
    line, or else a single line naming the error."""
    if isinstance(err, InputError):
        head = "invalid records; still serving the last valid ones (fix them and save):" if serving else \
            "invalid records:"
        return "\n".join([head, *(p.format() for p in err.problems)])
    then = "still serving the last good pages; fix the last change and save, and" if serving else "this is a bug:"
    return printable(f"the site could not be rendered ({type(err).__name__}: {err}); {then} please report it on "
                     "the project's issue tracker")


def on_page_content(html: str, page, config, files) -> str:
    return _bodies.get(page.file.src_uri, html)


def on_post_build(config) -> None:
    """Index the built pages for the header's search box (Pagefind reads the HTML mkdocs wrote)."""
    try:
        index_for_search(Path(config["site_dir"]))
    except Exception as err:  # noqa: BLE001 - the same one-line report as a rendering failure
        if not _serving:
            raise PluginError(failure(err, serving=False)) from None
        log.warning(failure(err, serving=True))
