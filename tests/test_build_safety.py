"""`onramp build` never destroys what is not its own output, `serve` survives any failure, and
names render as written.

Each refused site folder is tried through the real command on a copy of the repository holding a
fake .git and an uncommitted file; the test asserts exit 2, the message, and that every file is
intact.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from onramp import catalog as catalogs
from onramp import cli as cli_module
from onramp import hooks
from onramp.catalog import CatalogError, Record
from onramp.problems import Problem
from onramp.site import (
    SITE_MARK,
    SITE_MARK_TEXT,
    BuildFailed,
    UnsafeSiteDir,
    _swap,
    build_site,
    check_site_dir,
)

from .conftest import ROOT, search_pages

PARTS = ("mkdocs.yml", "docs", "schemas", "data", "programs", "communities", "site_templates", "scripts")
NAME = "Sprint 🚀 Ω *not emphasis* <b>x</b> & [link](http://x)"
EXPECTED = "expected a folder of its own, such as site/"


def copy_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in PARTS:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "notes-not-committed.txt").write_text("work in progress\n")
    return root


def fingerprint(root: Path) -> dict[str, str]:
    """Every file and folder under root (links as their target) with a hash of its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = "-> " + str(path.readlink())
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[key] = "folder"
    return out


def onramp(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "onramp", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("build") / "repo")
    (root / "foreign").mkdir()
    (root / "foreign" / "thesis.tex").write_text("years of work\n")
    (root / "a-file.txt").write_text("keep me\n")
    (root / "linked-site").symlink_to(root / "foreign")
    # a site/ left by a build from before sites were marked: no mark, so it is not ours to delete
    (root / "site" / "programs").mkdir(parents=True)
    for page in ("index.html", "sitemap.xml", "programs/index.html"):
        (root / "site" / page).write_text("<p>an older site</p>\n")
    return root


UNSAFE = [
    ("ROOT", "ROOT is the catalog root or contains it; " + EXPECTED),
    (".", ". is the catalog root or contains it; " + EXPECTED),
    ("..", ".. is the catalog root or contains it; " + EXPECTED),
    ("/", "/ is the catalog root or contains it; " + EXPECTED),
    ("programs", "programs lies inside programs/, which holds the catalog's sources; " + EXPECTED),
    ("programs/../communities", "programs/../communities lies inside communities/, which holds the catalog's "
                                "sources; " + EXPECTED),
    ("docs/sub", "docs/sub lies inside docs/, which holds the catalog's sources; " + EXPECTED),
    ("schemas", "schemas lies inside schemas/, which holds the catalog's sources; " + EXPECTED),
    (".git/site", ".git/site lies inside .git/, which holds the catalog's sources; " + EXPECTED),
    ("site_templates/theme/out", "site_templates/theme/out lies inside site_templates/, which holds the "
                                 "catalog's sources; " + EXPECTED),
    ("foreign", "foreign holds files that `onramp build` did not write (it has no .onramp-site); expected a new "
                "or empty folder, or a site onramp build made"),
    ("site", "site holds files that `onramp build` did not write (it has no .onramp-site); expected a new or "
             "empty folder, or a site onramp build made"),
    ("a-file.txt", "a-file.txt is a file; expected a folder for the site"),
    ("linked-site", "linked-site is a symbolic link; expected a plain folder for the site"),
    ("no/such/parent/site", "the parent folder of no/such/parent/site does not exist; expected an existing "
                            "folder to build the site in"),
]


@pytest.mark.parametrize(("site_dir", "message"), UNSAFE, ids=[case[0] for case in UNSAFE])
def test_unsafe_site_dir_is_a_usage_error_and_nothing_changes(repo: Path, site_dir: str, message: str) -> None:
    site_dir = site_dir.replace("ROOT", str(repo))
    before, around = fingerprint(repo), sorted(p.name for p in repo.parent.iterdir())
    result = onramp("build", "--root", str(repo), "--site-dir", site_dir, cwd=repo)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == "Error: --site-dir: " + message.replace("ROOT", str(repo))
    assert "Traceback" not in result.stderr
    assert fingerprint(repo) == before
    assert sorted(p.name for p in repo.parent.iterdir()) == around  # no staging folder left next to it


def test_root_without_schemas_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "programs").mkdir()
    for command in ("build", "serve", "validate", "stats", "match"):
        result = CliRunner().invoke(cli_module.cli, [command, "--root", str(tmp_path)])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '--root': {str(tmp_path)!r} has no schemas/program.schema.json; expected "
            "the catalog root (the folder with schemas/, programs/ and communities/)")


def test_no_catalog_anywhere_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    """Outside a catalog, onramp falls back to its own checkout; when that is no catalog either
    (an installed package), the command says so instead of crashing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "__file__", str(tmp_path / "lib" / "onramp" / "cli.py"))
    for command in ("build", "stats", "validate"):
        result = CliRunner().invoke(cli_module.cli, [command])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.splitlines()[-1] == (
            f"Error: no catalog at or above {tmp_path} (a folder with schemas/program.schema.json); expected to "
            "be run inside the catalog, or --root FOLDER")
    assert list(tmp_path.iterdir()) == []


def test_check_site_dir(tmp_path: Path) -> None:
    assert check_site_dir(ROOT, tmp_path / "new") == (tmp_path / "new").resolve()
    (tmp_path / "empty").mkdir()
    assert check_site_dir(ROOT, tmp_path / "empty") == (tmp_path / "empty").resolve()
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "index.html").write_text("x")
    (ours / SITE_MARK).write_text(SITE_MARK_TEXT)
    assert check_site_dir(ROOT, ours) == ours.resolve()
    faked = tmp_path / "faked"  # a mark that is a link to one elsewhere does not count
    faked.mkdir()
    (faked / "thesis.tex").write_text("x")
    (faked / SITE_MARK).symlink_to(ours / SITE_MARK)
    with pytest.raises(UnsafeSiteDir, match="did not write"):
        check_site_dir(ROOT, faked)
    with pytest.raises(UnsafeSiteDir, match="lies inside scripts/"):
        check_site_dir(ROOT, ROOT / "scripts" / "site")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    with pytest.raises(UnsafeSiteDir, match="loop-a/site does not exist"):  # no RuntimeError from the loop
        check_site_dir(ROOT, tmp_path / "loop-a" / "site")


def test_check_site_dir_protects_the_folders_mkdocs_yml_names(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "mkdocs.yml").write_text("docs_dir: 'pages/en'  # the pages\ntheme:\n  custom_dir: ../shared-theme\n")
    with pytest.raises(UnsafeSiteDir, match="out lies inside pages/en/, which holds"):
        check_site_dir(root, root / "pages" / "en" / "out")
    with pytest.raises(UnsafeSiteDir, match=f"lies inside {re.escape(str(tmp_path / 'shared-theme'))}/"):
        check_site_dir(root, tmp_path / "shared-theme" / "site")
    (root / "pages").mkdir()
    assert check_site_dir(root, root / "pages" / "site") == (root / "pages" / "site").resolve()


def test_swap_puts_the_previous_site_back_when_it_fails(tmp_path: Path, monkeypatch) -> None:
    site, staging = tmp_path / "site", tmp_path / ".site-build-x"
    site.mkdir()
    (site / SITE_MARK).write_text(SITE_MARK_TEXT)
    (site / "index.html").write_text("previous")
    staging.mkdir()
    (staging / "index.html").write_text("new")
    real = Path.rename

    def failing(self: Path, target):
        if self == staging:
            raise OSError(28, "No space left on device")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError, match="No space left"):
        _swap(staging, site)
    assert (site / "index.html").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-build-x", "site"]  # nothing aside left


def test_failed_build_cleans_up_and_leaves_everything(tmp_path: Path, monkeypatch) -> None:
    """A build that fails inside mkdocs: the staging folder is removed, the previous site kept."""
    root = copy_repo(tmp_path / "repo")
    (root / "site").mkdir()
    (root / "site" / SITE_MARK).write_text(SITE_MARK_TEXT)
    (root / "site" / "index.html").write_text("previous")
    (root / "site_templates" / "program.html.j2").write_text("{{ no_such_variable }}")
    before = fingerprint(root)
    with pytest.raises(BuildFailed, match="Aborted with a BuildError"):
        build_site(root)
    assert fingerprint(root) == before


# -- a site built twice, with a hostile name -------------------------------------------------

@pytest.fixture(scope="module")
def emoji_site(tmp_path_factory) -> tuple[Path, Path]:
    """A catalog copy whose SPAR is renamed with emoji and markup, built once next to a foreign
    site.old/ folder and then built again over its own previous output."""
    root = copy_repo(tmp_path_factory.mktemp("emoji") / "repo")
    spar = root / "programs" / "spar.yaml"
    spar.write_text(re.sub(r"(?m)^name: .*$", "name: '" + NAME.replace("'", "''") + "'", spar.read_text()))
    (root / "site.old").mkdir()
    (root / "site.old" / "keep.txt").write_text("not Onramp's\n")
    first = onramp("build", "--root", str(root), cwd=root)
    assert first.returncode == 0, first.stderr
    (root / "site" / "stale.txt").write_text("from the previous build\n")
    second = onramp("build", "--root", str(root), cwd=root)  # over its own previous output: allowed
    assert second.returncode == 0, second.stderr
    assert second.stderr.splitlines()[-1] == f"built {root / 'site'}"
    return root, root / "site"


def test_foreign_site_old_survives_and_a_rebuild_replaces_the_previous_site(emoji_site) -> None:
    root, site = emoji_site
    assert (root / "site.old" / "keep.txt").read_text() == "not Onramp's\n"
    assert not (site / "stale.txt").exists() and (site / "index.html").is_file()
    assert (site / SITE_MARK).read_text() == SITE_MARK_TEXT
    assert "onramp build" in SITE_MARK_TEXT and "deleted" in SITE_MARK_TEXT
    assert not list(root.glob(".site-*"))  # neither the staging folder nor the previous site is left


class Texts(HTMLParser):
    """Every text node with the chain of elements (tag.class) it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in ("meta", "link", "input", "img", "br", "hr", "source", "path"):
            self.stack.append(tag + "".join("." + c for c in (dict(attrs).get("class") or "").split()))

    def handle_endtag(self, tag) -> None:
        while self.stack and not self.stack.pop().startswith(tag):
            pass

    def handle_data(self, data) -> None:
        if data.strip():
            self.found.append((" ".join(self.stack), data.strip()))


def texts_with(html: str, needle: str) -> list[tuple[str, str]]:
    parser = Texts()
    parser.feed(html)
    return [(where, text) for where, text in parser.found if needle in text]


def test_emoji_and_markup_in_a_name_render_as_written(emoji_site) -> None:
    _, site = emoji_site
    html = (site / "programs" / "spar" / "index.html").read_text("utf-8")
    found = texts_with(html, "🚀")
    assert [text for _, text in found] == [f"{NAME} - Onramp", NAME, NAME]
    title, header, h1 = (where for where, _ in found)
    assert title.endswith("head title")
    assert "div.md-header__topic span.md-ellipsis" in header
    assert h1.endswith("article.md-content__inner.md-typeset div h1")  # the div Pagefind indexes
    # the page is not in the navigation, and its table of contents names only sections
    assert not any("nav" in where for where, _ in found)
    assert "<em>" not in html and "<b>x" not in html and 'href="http://x"' not in html
    assert "\\ud83d" not in html and "\\U0001f680" not in html and "\ufffd" not in html


def test_a_name_shows_as_written_wherever_it_is_listed(emoji_site) -> None:
    _, site = emoji_site
    for page in [site / "programs" / "index.html", site / "areas" / "index.html", *site.glob("*/*/index.html")]:
        html = page.read_text("utf-8")
        assert "\\ud83d" not in html and "<b>x" not in html, page
        for where, text in texts_with(html, "🚀"):
            assert NAME in text, (page, where, text)
    listed = texts_with((site / "programs" / "index.html").read_text("utf-8"), "🚀")
    assert listed == [(listed[0][0], NAME)] and listed[0][0].endswith(("td a", "th a"))
    assert [p["meta"]["title"] for p in search_pages(site) if p["url"] == "/programs/spar/"] == [NAME]


# -- serving -----------------------------------------------------------------------------------

@pytest.fixture
def serve_config():
    from mkdocs.config import load_config

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    config.plugins._current_plugin = "hooks"  # what mkdocs sets while it runs a hook
    yield config
    hooks.on_startup("build", dirty=False)
    hooks._last_good = None


def broken(root, today=None):
    raise CatalogError([Problem("programs/spar.yaml", 3, 7, "E105", "format.mode is 'online'; expected x")])


def crashing(root, today=None):
    raise ValueError("something no test foresaw\nsecond line")


def test_serve_keeps_the_last_good_pages_whatever_fails(serve_config, monkeypatch, caplog) -> None:
    from mkdocs.structure.files import Files

    real = catalogs.load_catalog
    catalog = real(ROOT)

    def unrenderable(root, today=None):  # loads, then fails while its pages are rendered
        spar = catalog.records["spar"]
        data = copy.deepcopy(spar.data)
        del data["last_verified"]
        bad = copy.copy(catalog)
        bad.records = {**catalog.records, "spar": Record("spar", "program", spar.path, data)}
        return bad

    hooks.on_startup("serve", dirty=False)
    good = [f.src_uri for f in hooks.on_files(Files([]), serve_config)]
    bodies = dict(hooks._bodies)
    assert len(good) > 50 and "programs/spar.md" in good
    cases = [
        (broken, "invalid records; still serving the last valid ones (fix them and save):\n"
                 "programs/spar.yaml:3:7: E105 format.mode is 'online'; expected x"),
        (crashing, "the site could not be rendered (ValueError: something no test foresaw\\nsecond line); still "
                   "serving the last good pages; fix the last change and save, and please report it on the "
                   "project's issue tracker"),
        (unrenderable, "the site could not be rendered (KeyError: 'last_verified'); still serving the last good "
                       "pages; fix the last change and save, and please report it on the project's issue tracker"),
    ]
    for failing, expected in cases:
        monkeypatch.setattr(catalogs, "load_catalog", failing)
        caplog.clear()
        pages = [f.src_uri for f in hooks.on_files(Files([]), serve_config)]
        assert pages == good and hooks._bodies == bodies  # the last good pages, all of them
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("WARNING", expected)]
        assert caplog.records[0].exc_info is None
    monkeypatch.setattr(catalogs, "load_catalog", real)
    caplog.clear()
    assert [f.src_uri for f in hooks.on_files(Files([]), serve_config)] == good
    assert caplog.records == []


def test_build_stops_on_any_failure(serve_config, monkeypatch) -> None:
    """Outside serve (and when serving has no good pages yet) a failure stops the build."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    for command in ("build", "serve"):
        hooks.on_startup(command, dirty=False)
        monkeypatch.setattr(catalogs, "load_catalog", broken)
        with pytest.raises(PluginError) as err:
            hooks.on_files(Files([]), serve_config)
        assert str(err.value) == "invalid records:\nprograms/spar.yaml:3:7: E105 format.mode is 'online'; expected x"
        monkeypatch.setattr(catalogs, "load_catalog", crashing)
        with pytest.raises(PluginError) as err:
            hooks.on_files(Files([]), serve_config)
        assert str(err.value) == ("the site could not be rendered (ValueError: something no test foresaw\\nsecond "
                                  "line); this is a bug: please report it on the project's issue tracker")


def test_serve_on_a_busy_port_or_a_bad_host_is_a_usage_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = onramp("serve", "--port", str(port), cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1 port {port} (Address already in use); expected a free port on an "
        "address of this machine, such as --port 8001")
    result = onramp("serve", "--host", "example.org", cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == ("Error: --host 'example.org' is not an IP address; expected one such "
                                              "as 127.0.0.1")
