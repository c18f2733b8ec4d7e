"""`onramp build` never destroys what is not its own output, and names render as written.

Each refused site folder is tried through the real command on a copy of the repository holding a
fake .git and an uncommitted file; the test asserts exit 2 and that every file is intact.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from onramp import hooks
from onramp.catalog import CatalogError
from onramp.problems import Problem
from onramp.site import SITE_MARK, UnsafeSiteDir, build_site, check_site_dir

from .conftest import ROOT

PARTS = ("mkdocs.yml", "docs", "schemas", "data", "programs", "communities", "site_templates", "scripts")
NAME = "Sprint 🚀 Ω *not emphasis* <b>x</b> & [link](http://x)"


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
    """Every file under root (links as their target) with a hash of its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(root))] = "-> " + str(path.readlink())
        elif path.is_file():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def build(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "onramp", "build", "--root", str(root), *args],
                          cwd=cwd or root, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("build") / "repo")


@pytest.mark.parametrize(("site_dir", "why"), [
    (".", "is the catalog root or contains it"),
    ("..", "is the catalog root or contains it"),
    ("/", "is the catalog root or contains it"),
    ("programs", "lies inside programs/"),
    ("docs/sub", "lies inside docs/"),
    ("schemas", "lies inside schemas/"),
    (".git/site", "lies inside .git/"),
    ("site_templates/out", "lies inside site_templates/"),
    ("foreign", "is a folder with files that `onramp build` did not make"),
    ("a-file.txt", "is a file"),
    ("linked-site", "is a symbolic link"),
    ("no/such/parent/site", "does not exist"),
])
def test_unsafe_site_dir_is_a_usage_error_and_nothing_changes(repo: Path, site_dir: str, why: str) -> None:
    (repo / "foreign").mkdir(exist_ok=True)
    (repo / "foreign" / "thesis.tex").write_text("years of work\n")
    (repo / "a-file.txt").write_text("keep me\n")
    if not (repo / "linked-site").is_symlink():
        (repo / "linked-site").symlink_to(repo / "foreign")
    before = fingerprint(repo)
    result = build(repo, "--site-dir", site_dir)
    assert result.returncode == 2, result.stderr
    assert why in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(repo) == before
    assert not list(repo.glob(".site-*")) and not list(repo.parent.glob(".site-*"))


def test_root_without_schemas_is_a_usage_error(tmp_path: Path) -> None:
    for command in ("build", "validate", "stats"):
        result = subprocess.run([sys.executable, "-m", "onramp", command, "--root", str(tmp_path)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, (command, result.stderr)
        assert "has no schemas/program.schema.json" in result.stderr


@pytest.fixture(scope="module")
def emoji_site(tmp_path_factory) -> tuple[Path, Path]:
    """A catalog copy whose SPAR is renamed with emoji and markup, built once next to a foreign
    site.old/ folder and then built again over its own previous output."""
    root = copy_repo(tmp_path_factory.mktemp("emoji") / "repo")
    spar = root / "programs" / "spar.yaml"
    spar.write_text(re.sub(r"(?m)^name: .*$", "name: '" + NAME.replace("'", "''") + "'", spar.read_text()))
    (root / "site.old").mkdir()
    (root / "site.old" / "keep.txt").write_text("not Onramp's\n")
    first = build_site(root)
    assert (first / SITE_MARK).is_file()
    (first / "stale.txt").write_text("from the previous build\n")
    site = build_site(root)  # over its own previous output: allowed, and replaced whole
    return root, site


def test_foreign_site_old_survives_and_a_rebuild_replaces_the_previous_site(emoji_site) -> None:
    root, site = emoji_site
    assert (root / "site.old" / "keep.txt").read_text() == "not Onramp's\n"
    assert not (site / "stale.txt").exists() and (site / "index.html").is_file()
    assert not list(root.glob(".site-*"))


def text_of(html: str, tag: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)]


def test_emoji_and_markup_in_a_name_render_as_written(emoji_site) -> None:
    _, site = emoji_site
    html = (site / "programs" / "spar" / "index.html").read_text("utf-8")
    assert text_of(html, "title")[0].startswith(NAME)
    assert NAME in text_of(html, "h1")
    assert "<em>not emphasis</em>" not in html and "<b>x</b>" not in html
    assert "\\ud83d" not in html and "\ufffd" not in html


def test_check_site_dir_accepts_a_new_folder_and_the_default(tmp_path: Path) -> None:
    assert check_site_dir(ROOT, tmp_path / "new") == (tmp_path / "new").resolve()
    with pytest.raises(UnsafeSiteDir):
        check_site_dir(ROOT, ROOT / "scripts" / "site")


# -- serving ---------------------------------------------------------------------------------

def test_serve_keeps_the_last_good_pages_whatever_fails(monkeypatch, caplog) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from onramp import catalog as catalogs

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    config.plugins._current_plugin = "hooks"  # what mkdocs sets while it runs a hook
    real = catalogs.load_catalog
    hooks.on_startup("serve", dirty=False)
    try:
        good = hooks.on_files(Files([]), config)
        count = len(list(good))
        assert count > 50

        def broken(root, today=None):
            raise CatalogError([Problem("programs/spar.yaml", 3, 7, "E105", "format.mode is 'online'; expected x")])

        def crashing(root, today=None):
            raise ValueError("something no test foresaw")

        for failing, expected in ((broken, "programs/spar.yaml:3:7: E105 format.mode is 'online'"),
                                  (crashing, "the site could not be rendered (ValueError: something no test")):
            monkeypatch.setattr(catalogs, "load_catalog", failing)
            caplog.clear()
            pages = hooks.on_files(Files([]), config)
            assert len(list(pages)) == count  # the last good pages, all of them
            assert expected in caplog.text and "still serving the last valid records" in caplog.text
            assert "Traceback" not in caplog.text
            monkeypatch.setattr(catalogs, "load_catalog", real)
    finally:
        hooks.on_startup("build", dirty=False)
        hooks._last_good = None
