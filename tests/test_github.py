"""The repository's GitHub and contributor files: workflows, issue forms, pull-request template,
pre-commit hooks and licences. Read from disk and run locally: no network, no browser.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import subprocess
import sys
import tomllib

import pytest
import yaml

from onramp.validate import catalog_files

from .conftest import FIXTURES, ROOT, TODAY
from .test_cli import run

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
FORMS = GITHUB / "ISSUE_TEMPLATE"
SCHEMAS = ROOT / "schemas"

# `uses: owner/repo@<40 hex> # v1.2.3`: a tag can be moved, a commit cannot.
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s+v\d+(?:\.\d+)*\s*$")
# Actions that could not be pinned to a commit, each with the reason. Keep it empty.
UNPINNED: dict[str, str] = {}


def load_yaml(path):
    return yaml.safe_load(path.read_text("utf-8"))


# -- GitHub's own syntax, as SchemaStore describes it (schemas vendored in check-jsonschema) ----

@pytest.mark.parametrize(("builtin", "pattern"), [
    ("vendor.github-workflows", "workflows/*.y*ml"),
    ("custom.github-workflows-require-timeout", "workflows/*.y*ml"),  # a stuck job stops, not after 6 hours
    ("vendor.github-issue-forms", "ISSUE_TEMPLATE/*.y*ml"),
    ("vendor.github-issue-config", "ISSUE_TEMPLATE/config.yml")])
def test_files_follow_githubs_schemas(builtin, pattern) -> None:
    files = sorted(str(p) for p in GITHUB.glob(pattern) if (p.name == "config.yml") == builtin.endswith("config"))
    assert files
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, *files],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# -- workflows ----------------------------------------------------------------------------

def steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text("utf-8"), re.M))


def readme_targets() -> set[str]:
    """The make targets the README names: `make X`, a `make X` command line, and the targets listed
    after "`make help` lists the other targets"."""
    readme = (ROOT / "README.md").read_text("utf-8")
    named = set(re.findall(r"(?:`|^)make ([a-z][a-z-]*)", readme, re.M))
    listed = re.search(r"`make help`\s+lists the other targets\s+\(([^)]*)\)", readme)
    return named | set(re.findall(r"`([a-z][a-z-]*)`", listed.group(1) if listed else ""))


def make_calls(script: str) -> list[str]:
    """The make targets a run: step calls, including those of the repository scripts it runs."""
    calls = re.findall(r"\bmake\s+([a-z][a-z-]*)", script)
    for helper in re.findall(r"(?:^|\s)\.?/?(\.ci/[\w.-]+)", script):
        calls += re.findall(r"\bmake\s+([a-z][a-z-]*)", (ROOT / helper).read_text("utf-8"))
    return calls


def test_the_workflows_exist_and_parse() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml"}
    for path in WORKFLOWS:
        workflow = load_yaml(path)
        assert workflow.get("jobs"), path.name
        assert "on" in workflow or True in workflow, f"{path.name}: no trigger"  # YAML 1.1 reads `on` as true


def test_ci_runs_on_pull_requests_and_main_and_calls_the_readme_commands() -> None:
    ci = load_yaml(GITHUB / "workflows" / "ci.yml")
    on = ci.get("on", ci.get(True))
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    runs = [s["run"] for s in steps(ci) if "run" in s]
    assert {"test", "build"} <= {t for r in runs for t in make_calls(r)}
    assert any("onramp validate --format github" in r for r in runs)
    assert ci["jobs"]["test"]["env"]["CI"] == "true"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_make_call_is_a_makefile_target_the_readme_names(path) -> None:
    targets, documented = make_targets(), readme_targets()
    for step in steps(load_yaml(path)):
        for target in make_calls(step.get("run", "")):
            assert target in targets, f"{path.name}: make {target} is not a target of the Makefile"
            assert target in documented, f"{path.name}: make {target} is not named in README.md"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_tag(path) -> None:
    used = [s["uses"] for s in steps(load_yaml(path)) if "uses" in s]
    lines = [line for line in path.read_text("utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert len(lines) == len(used) > 0
    for line in lines:
        action = line.split("uses:", 1)[1].split("@", 1)[0].strip()
        assert PINNED_USES.match(line) or action in UNPINNED, f"{path.name}: not pinned to a commit SHA: {line.strip()}"


def test_each_action_is_pinned_to_one_commit_everywhere() -> None:
    seen: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for match in filter(None, map(PINNED_USES.match, path.read_text("utf-8").splitlines())):
            seen.setdefault(match.group(1), set()).add(match.group(2))
    assert seen and all(len(shas) == 1 for shas in seen.values()), seen


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_need_no_secret_and_never_put_event_text_in_a_shell(path) -> None:
    text = path.read_text("utf-8")
    workflow = load_yaml(path)
    assert "secrets." not in text  # pull requests from forks get no secrets: the checks must not need one
    assert "pull_request_target" not in text and "workflow_run" not in text
    assert workflow["permissions"] == {"contents": "read"}
    for step in steps(workflow):
        assert "github.event" not in step.get("run", ""), f"{path.name}: event text interpolated into a shell"


def test_pages_deploys_with_the_least_permissions_one_run_at_a_time() -> None:
    pages = load_yaml(GITHUB / "workflows" / "pages.yml")
    on = pages.get("on", pages.get(True))
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    assert pages["concurrency"]["group"]
    jobs = pages["jobs"]
    assert "permissions" not in jobs["build"]  # the build only reads
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("make build" in s.get("run", "") for s in jobs["build"]["steps"])
    upload = next(s for s in jobs["build"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert any("deploy-pages" in s.get("uses", "") for s in jobs["deploy"]["steps"])


# -- issue forms --------------------------------------------------------------------------

FORM_KEYS = {"name", "description", "title", "labels", "assignees", "projects", "type", "body"}
ITEM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}
FORM_FILES = sorted(p for p in FORMS.glob("*.yml") if p.name != "config.yml")

# Required record fields that the proposer is not asked for, and why.
MAINTAINER_FILLED = {
    "kind": "implied by the form: the program form proposes a program, the community form a community",
    "last_verified": "the day the maintainer checks the whole record against its sources",
}
# Required record fields asked as several form fields.
ASKED_AS = {"sources": ("source_url", "accessed")}
# Which schema does each form fill, and which schema field's values do its dropdowns offer.
RECORD_FORMS = {
    "propose-program.yml": ("program.schema.json", {"status": ("status",), "mode": ("format", "mode"),
                                                     "relocation": ("format", "relocation"),
                                                     "research_areas": ("research_areas", "items")}),
    "propose-community.yml": ("community.schema.json", {"relocation": ("constraints", "relocation"),
                                                         "finances": ("constraints", "finances")}),
}


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text("utf-8"))


def form_ids(form: dict) -> set[str]:
    return {item["id"] for item in form["body"] if "id" in item}


def unasked(record_schema: dict, form: dict) -> set[str]:
    """The schema's required fields that the form neither asks for nor leaves to the maintainer."""
    ids = form_ids(form)
    return {field for field in record_schema["required"]
            if field not in ids and field not in MAINTAINER_FILLED and not set(ASKED_AS.get(field, ("",))) <= ids}


def resolve(node: dict, doc: dict) -> tuple[dict, dict]:
    """Follow $ref (within the document, or into another schema file) to the node it names."""
    while "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        doc = schema(file) if file else doc
        node = doc
        for part in pointer.strip("/").split("/"):
            node = node[part]
    return node, doc


def allowed_values(node: dict, doc: dict) -> set:
    node, doc = resolve(node, doc)
    values = set(node.get("enum", [])) | ({node["const"]} if "const" in node else set())
    for sub in node.get("anyOf", []) + node.get("oneOf", []):
        values |= allowed_values(sub, doc)
    return values


def field_values(record_schema: dict, path: tuple[str, ...]) -> set:
    node, doc = record_schema, record_schema
    for key in path:
        node, doc = resolve(node, doc)
        node = node["items"] if key == "items" else node["properties"][key]
    return allowed_values(node, doc)


def option_value(option: str) -> str | None:
    """A dropdown option ends with the value it stands for, in brackets: 'No need to move (none)'."""
    match = re.search(r"\(([a-z_-]+)\)$", option)
    return match.group(1) if match else None


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.name)
def test_issue_form_follows_githubs_form_syntax(path) -> None:
    form = load_yaml(path)
    assert set(form) <= FORM_KEYS and form["name"] and form["description"] and form["body"]
    ids, labels = [], []
    for item in form["body"]:
        assert item["type"] in ITEM_TYPES
        if item["type"] == "markdown":
            assert "id" not in item and item["attributes"]["value"]
            continue
        ids.append(item["id"])
        labels.append(item["attributes"]["label"])
        labels += [o["label"] for o in item["attributes"]["options"]] if item["type"] == "checkboxes" else []
        assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"]), item["id"]
        assert isinstance(item.get("validations", {}).get("required", False), bool)
        if item["type"] == "dropdown":
            options = item["attributes"]["options"]
            assert options and len(set(options)) == len(options)
            # GitHub refuses a dropdown offering "None": it is how an unanswered dropdown reads.
            assert "none" not in {o.lower() for o in options}, item["id"]
    assert len(set(ids)) == len(ids), f"{path.name}: ids repeat"
    assert len(set(labels)) == len(labels), f"{path.name}: labels repeat"


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.name)
def test_every_form_requires_a_source_and_the_day_it_was_read(path) -> None:
    required = {i["id"] for i in load_yaml(path)["body"] if i.get("validations", {}).get("required")}
    assert {"source_url", "accessed"} <= required


@pytest.mark.parametrize("name", RECORD_FORMS)
def test_form_asks_for_every_required_field_of_its_schema(name) -> None:
    record_schema = schema(RECORD_FORMS[name][0])
    assert unasked(record_schema, load_yaml(FORMS / name)) == set()


@pytest.mark.parametrize("name", RECORD_FORMS)
def test_a_new_required_field_without_a_form_field_fails_the_check(name) -> None:
    record_schema, form = schema(RECORD_FORMS[name][0]), load_yaml(FORMS / name)
    grown = copy.deepcopy(record_schema)
    grown["required"].append("visa_sponsorship")
    assert unasked(grown, form) == {"visa_sponsorship"}
    without_date = {**form, "body": [i for i in form["body"] if i.get("id") != "accessed"]}
    assert unasked(record_schema, without_date) == {"sources"}


@pytest.mark.parametrize("name", RECORD_FORMS)
def test_dropdowns_offer_exactly_the_schemas_values(name) -> None:
    schema_name, dropdowns = RECORD_FORMS[name]
    record_schema = schema(schema_name)
    items = {i["id"]: i for i in load_yaml(FORMS / name)["body"] if i["type"] == "dropdown"}
    assert set(dropdowns) <= set(items)
    for field_id, path in dropdowns.items():
        options = items[field_id]["attributes"]["options"]
        values = [option_value(o) for o in options]
        # An option without a value may only say that the proposer is not sure.
        assert all(v is not None or o.startswith("Not sure") for o, v in zip(options, values, strict=True))
        offered = [v for v in values if v is not None]
        assert len(set(offered)) == len(offered)
        assert set(offered) == field_values(record_schema, path), f"{name}: {field_id} is out of step with the schema"


def test_correction_form_asks_which_record_what_is_wrong_and_what_is_right() -> None:
    form = load_yaml(FORMS / "correction.yml")
    required = {i["id"] for i in form["body"] if i.get("validations", {}).get("required")}
    assert {"record", "wrong", "correct", "source_url"} <= required


def test_issue_chooser_config_parses() -> None:
    assert isinstance(load_yaml(FORMS / "config.yml")["blank_issues_enabled"], bool)


def test_pull_request_template_holds_the_review_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text("utf-8")
    for needed in ("accessed", "`unknown`", "Past application windows", "`last_verified`", "`onramp validate`",
                   "kebab-case", "No existing record"):
        assert needed in text, needed
    assert text.count("- [ ]") >= 7


# -- pre-commit ---------------------------------------------------------------------------

def hooks() -> dict[str, dict]:
    return {h["id"]: h for h in load_yaml(ROOT / ".pre-commit-hooks.yaml")}


def run_entry(hook: dict, *paths: str):
    """Run the hook as pre-commit would: its entry, then the file names. `onramp` is the console
    script for `python -m onramp` (pyproject.toml), run from the source tree; the day is pinned."""
    entry = shlex.split(hook["entry"])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert entry[0] == "onramp" and scripts["onramp"] == "onramp.cli:main"
    return run(*entry[1:], "--today", TODAY.isoformat(), *paths)


def test_published_hook_validates_the_files_it_is_given() -> None:
    hook = hooks()["onramp-validate"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    bad = run_entry(hook, "tests/fixtures/errors/e103.yaml")
    assert bad.returncode == 1
    assert re.search(r"^tests/fixtures/errors/e103\.yaml:\d+:\d+: E103 ", bad.stdout, re.M), bad.stdout
    good = run_entry(hook, str((FIXTURES / "valid" / "base-program.yaml").relative_to(ROOT)))
    assert good.returncode == 0, good.stdout + good.stderr


@pytest.mark.parametrize(("path", "selected"), [
    ("programs/mats.yaml", True), ("programs/templates/osint-monitoring-sprint.yaml", True),
    ("communities/osint.yaml", True), ("programs/misnamed.yml", True),
    ("README.md", False), ("data/exchange-rates.yaml", False), ("scripts/onramp/cli.py", False)])
def test_hook_selects_record_files(path, selected) -> None:
    assert bool(re.search(hooks()["onramp-validate"]["files"], path)) is selected


def test_hook_selects_only_records_of_the_catalog() -> None:
    """Files that are not records (the rate table, the gap-map data) go to the whole-catalog hook:
    given one by name, `onramp validate` would check it as a record."""
    pattern = hooks()["onramp-validate"]["files"]
    records = {p.relative_to(ROOT).as_posix() for p in catalog_files(ROOT)}
    yaml_files = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("[!.]*/**/*.yaml")
                  if not p.is_relative_to(ROOT / "tests")}
    assert {f for f in yaml_files if re.search(pattern, f)} == records
    catalog_hook = hooks()["onramp-validate-catalog"]
    assert catalog_hook["pass_filenames"] is False and re.search(catalog_hook["files"], "data/exchange-rates.yaml")


def test_this_repositorys_hooks_run_the_published_checks_locally() -> None:
    config = load_yaml(ROOT / ".pre-commit-config.yaml")
    local = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    for hook_id, published in hooks().items():
        mine = local[hook_id]
        assert mine["language"] == "system"  # from .venv: nothing is downloaded at commit time
        assert mine["entry"] == ".venv/bin/" + published["entry"]
        assert mine["files"] == published["files"]
        assert mine.get("pass_filenames", True) == published.get("pass_filenames", True)


# -- licences and the contributing guide ---------------------------------------------------

def test_code_is_mit_and_data_is_cc_by() -> None:
    code = (ROOT / "LICENSE").read_text("utf-8")
    assert code.startswith("MIT License") and "Onramp contributors" in code
    assert tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["license"] == "MIT"
    data = (ROOT / "LICENSE-DATA.md").read_text("utf-8")
    assert "CC BY 4.0" in data and "https://creativecommons.org/licenses/by/4.0/" in data


def test_contributing_links_resolve() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert "docs/contributing.md" in links
    assert all((ROOT / link).is_file() for link in links if "://" not in link)
