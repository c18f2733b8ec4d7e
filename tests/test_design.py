"""Design briefs: budget arithmetic worked out by hand, every line of every real brief traced to a
record field or a stated assumption, the vectors the JavaScript port is held to, and `onramp design`."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onramp.catalog import load_catalog
from onramp.design import (
    DESIGN_VECTORS_FILE,
    DesignError,
    brief,
    budget_lines,
    design_payload,
    design_vectors,
    quantity,
    render,
    staffing,
    totals,
)
from onramp.facts import WEEKS_PER_MONTH
from onramp.gaps import read_gap_settings
from onramp.webdata import facts_payload

from .conftest import ROOT, TODAY, examples
from .test_cli import run

RATES = {"as_of": "2026-08-21", "usd_per_unit": {"USD": 1.0, "GBP": 1.25, "EUR": 1.1}}


@pytest.fixture(scope="module")
def real():
    catalog = load_catalog(ROOT)
    settings, problems = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    assert not problems
    return catalog, design_payload(catalog, settings), facts_payload(catalog)


# -- arithmetic on fixtures ---------------------------------------------------------------------

def ratio(role, **how):
    return {"role": role, "basis": "b", "source": "estimate", **how}


def line(item, amount, per, currency="USD"):
    return {"item": item, "amount": amount, "currency": currency, "per": per, "basis": "b", "source": "estimate"}


def test_staff_are_one_per_n_participants_rounded_up_or_a_fixed_number() -> None:
    staff = staffing([ratio("mentor", participants_per=4, hours_per_week=1),
                      ratio("lead", count=1, hours_per_week={"min": 5, "max": 10}),
                      ratio("reviewer", count=2, hours_per_week="unknown")], 9)
    assert [(s["role"], s["count"]) for s in staff] == [("mentor", 3), ("lead", 1), ("reviewer", 2)]
    assert staff[1]["hours_per_week"] == [5.0, 10.0] and staff[2]["hours_per_week"] is None


def test_budget_lines_multiply_out_for_cohort_hours_weeks_and_staff() -> None:
    staff = staffing([ratio("mentor", participants_per=4, hours_per_week=1),
                      ratio("lead", count=1, hours_per_week={"min": 5, "max": 10})], 9)
    budget = [
        line("stipends", 31.25, "participant_hour"),                     # 9 x 4-6 h x 10 weeks = 360-540 h
        line("accommodation", {"min": 800, "max": 1000}, "participant_month", "GBP"),  # 9 x 10 / (52/12) months
        line("mentor_time", 50, "mentor_hour", "EUR"),                   # 3 mentors x 1 h x 10 weeks = 30 h
        line("lead", "unknown", "lead_hour"),
        line("venue", 200, "week"),
        line("other", 1500, "edition"),
        line("review", 40, "reviewer_hour"),                             # nobody holds the role: unknown
    ]
    lines = budget_lines(budget, staff, 9, [4.0, 6.0], [10.0, 10.0], RATES)
    usd = {entry["item"]: entry["usd"] for entry in lines}
    assert usd["stipends"] == [11250.0, 16875.0]
    months = 9 * 10 / WEEKS_PER_MONTH
    assert usd["accommodation"] == [round(800 * months * 1.25, 2), round(1000 * months * 1.25, 2)]
    assert lines[1]["amount"] == [round(800 * months, 2), round(1000 * months, 2)]  # in GBP, as the record says
    assert usd["mentor_time"] == [1650.0, 1650.0]
    assert usd["lead"] is None and usd["review"] is None
    assert usd["venue"] == [2000.0, 2000.0] and usd["other"] == [1500.0, 1500.0]
    total = totals(lines, 9)
    low = 11250 + 800 * months * 1.25 + 1650 + 2000 + 1500
    high = 16875 + 1000 * months * 1.25 + 1650 + 2000 + 1500
    assert total["total_usd"] == pytest.approx([low, high], abs=0.02)
    assert total["per_participant_usd"] == pytest.approx([low / 9, high / 9], abs=0.01)
    assert total["unknown"] == ["Program lead", "Review"]


def test_an_unknown_upper_end_keeps_the_total_open_above() -> None:
    lines = budget_lines([line("venue", {"min": 100, "max": "unknown"}, "participant")], [], 5, None, [4.0, 4.0],
                         RATES)
    assert lines[0]["usd"] == [500.0, None]
    assert totals(lines, 5) == {"total_usd": [500.0, None], "per_participant_usd": [100.0, None], "unknown": []}


def test_hours_unknown_make_hourly_lines_unknown_not_zero() -> None:
    assert quantity("participant_hour", [], 10, None, [8.0, 8.0]) is None
    assert quantity("participant_week", [], 10, None, [8.0, 12.0]) == [80.0, 120.0]


def test_cohort_and_weeks_given_change_the_brief_as_worked_out(real) -> None:
    catalog, payload, facts = real
    template = "ai-crisis-wargaming-lab"
    rate = next(x for x in payload["templates"][template]["design"]["budget"] if x["item"] == "stipends")["amount"]
    b = brief(payload, facts, template, cohort=8, weeks=5, today=TODAY)
    stipends = next(x for x in b["budget"]["lines"] if x["item"] == "stipends")
    hours = payload["templates"][template]["format"]["hours_per_week"]
    assert stipends["quantity"] == [8 * hours["min"] * 5, 8 * hours["max"] * 5]
    assert stipends["usd"] == [rate * 8 * hours["min"] * 5, rate * 8 * hours["max"] * 5]
    mentors = next(s for s in b["staffing"] if s["role"] == "mentor")
    per = next(r for r in payload["templates"][template]["design"]["staffing"]["ratios"] if r["role"] == "mentor")
    assert mentors["count"] == math.ceil(8 / per["participants_per"])
    assert b["settings"]["cohort_given"] and b["settings"]["weeks"] == [5.0, 5.0]


# -- the real catalog: every line traces to a record field or a stated assumption ------------------

def test_every_line_of_every_real_brief_traces_to_its_record(real) -> None:
    catalog, payload, facts = real
    program_ids = {r.id for r in catalog.programs}
    for record in catalog.templates:
        design = record.data["design"]
        urls = {s["url"] for s in record.data["sources"]}
        b = brief(payload, facts, record.id, today=TODAY)
        assert b["settings"]["cohort"] == design["cohort"]["size"]
        for got, want in zip(b["staffing"], design["staffing"]["ratios"], strict=True):
            assert (got["role"], got["basis"], got["source"]) == (want["role"], want["basis"], want["source"])
        for got, want in zip(b["budget"]["lines"], design["budget"], strict=True):
            assert (got["item"], got["currency"], got["per"], got["basis"]) == (
                want["item"], want["currency"], want["per"], want["basis"])
            assert got["source"] in urls or (got["source"] == "estimate" and got["basis"]), record.id
            unit = want["amount"]
            assert got["unit"] == (None if unit == "unknown" else
                                   [unit["min"] if unit["min"] != "unknown" else None,
                                    unit["max"] if unit["max"] != "unknown" else None]
                                   if isinstance(unit, dict) else [unit, unit])
        assert [r["risk"] for r in b["risks"]] == [r["risk"] for r in design["risks"]]
        assert b["run_only_if"] == design["run_only_if"]
        assert [e["measure"] for e in b["evaluation"]] == [e["measure"] for e in design["evaluation"]]
        assert sorted(s["step"] for s in b["timeline"]) == sorted(s["step"] for s in design["timeline"])
        assert all(s["source"] in urls or s["source"] == "typical" for s in b["timeline"])
        assert all(step["id"] in program_ids for step in b["after_program"]["next_steps"])
        for key in ("extensions", "funding", "job_placement"):
            assert b["after_program"][key] == record.data["after_program"][key]
        cited = {n["url"] for n in b["sources"]}
        assert cited <= urls | {c["source"] for c in b["budget"]["compare"]}
        known = [x["usd"][0] for x in b["budget"]["lines"] if x["usd"] and x["usd"][0] is not None]
        assert b["budget"]["total_usd"][0] == pytest.approx(sum(known), abs=0.05)


def test_reported_costs_come_from_program_records_with_their_sources(real) -> None:
    catalog, payload, facts = real
    compared = brief(payload, facts, "regional-coworking-hub", today=TODAY)["budget"]["compare"]
    for c in compared:
        record = catalog.get(c["id"])
        assert record.data["cost_per_participant"]["source"] == c["source"]
        assert c["source"] in {s["url"] for s in record.data["sources"]}


def test_the_format_fit_is_the_matchers_answer_for_the_profile(real) -> None:
    from onramp.match import Matcher

    catalog, payload, facts = real
    b = brief(payload, facts, "debate-oversight-league", community="debaters", profile="home-5h-unpaid",
              place="NG", today=TODAY)
    chosen = b["format"]["chosen"]
    settings, _ = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    from onramp.gaps import candidate_of

    candidate = candidate_of(settings.profile("home-5h-unpaid"), settings.place("NG"), ["debaters"])
    formats = {f["id"] for f in Matcher.of(catalog).match(candidate, TODAY).formats}
    assert (chosen["verdict"] != "no") == ("debate-oversight-league" in formats)
    assert b["after_program"]["alumni"]["communities"] == ["debaters"]
    assert b["after_program"]["alumni"]["relocate"] == "none"


def test_the_design_vectors_are_current(real) -> None:
    """The checked-in vectors equal what Python computes from their own payload (make vectors)."""
    stored = json.loads((ROOT / DESIGN_VECTORS_FILE).read_text("utf-8"))
    for case in stored["cases"]:
        got = brief(stored["payload"], stored["facts"], **case["options"],
                    today=dt.date.fromisoformat(stored["today"]))
        assert json.loads(json.dumps(got)) == case["expected"], case["options"]
    catalog, _, _ = real
    settings, _ = read_gap_settings(ROOT, catalog.schemas, catalog.rates)
    fresh = design_vectors(catalog, settings, dt.date.fromisoformat(stored["today"]))
    assert json.loads(json.dumps(fresh["payload"])) == stored["payload"], "run `make vectors`"


def test_unknown_options_are_design_errors_that_say_what_is_expected(real) -> None:
    _, payload, facts = real
    with pytest.raises(DesignError, match="expected one of: ai-crisis"):
        brief(payload, facts, "no-such-template")
    for options, flag in (({"community": "nobody"}, "--community"), ({"place": "XX"}, "--place"),
                          ({"profile": "x"}, "--profile"), ({"cohort": 0}, "--cohort"), ({"weeks": 0}, "--weeks")):
        with pytest.raises(DesignError, match=flag):
            brief(payload, facts, "ai-crisis-wargaming-lab", **options)


def test_markdown_escapes_record_text(real) -> None:
    _, payload, facts = real
    hostile = copy.deepcopy(payload)
    t = hostile["templates"]["ai-crisis-wargaming-lab"]
    t["design"]["risks"] = [{"risk": "<script>alert(1)</script>", "safeguard": "[x](javascript:alert(2))"}]
    text = render(brief(hostile, facts, "ai-crisis-wargaming-lab", today=TODAY), markdown=True)
    assert "<script>" not in text
    assert "\\<script\\>" in text and "\\[x\\](javascript:alert(2))" in text


# -- the command --------------------------------------------------------------------------------

def test_design_text_has_every_section_and_the_total() -> None:
    result = run("design", "ai-crisis-wargaming-lab", "--community", "model-un", "--profile", "home-5h-unpaid",
                 "--place", "ng", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    for heading in ("Format", "Staffing", "Budget", "Risks and safeguards", "Run it only if", "Evaluation plan",
                    "After the program", "Timeline", "Sources"):
        assert f"\n{heading}\n" in result.stdout, heading
    assert "Why this format fits the gap (stays home · 5 h/week · can go unpaid)" in result.stdout
    assert "Total: " in result.stdout and "per participant: " in result.stdout


def test_design_json_is_the_brief_and_markdown_is_its_printable_form(real) -> None:
    _, payload, facts = real
    args = ("design", "quant-evals-residency", "--cohort", "6", "--weeks", "4", "--today", "2026-12-01")
    data = json.loads(run(*args, "--json").stdout)
    assert data == json.loads(json.dumps(brief(payload, facts, "quant-evals-residency", cohort=6, weeks=4,
                                               today=TODAY)))
    markdown = run(*args, "--format", "markdown").stdout
    assert markdown.startswith("# Design brief: Quant evals") and "\n## Budget\n" in markdown
    assert "- [ ] Participants are likely to contribute positively" in markdown


@pytest.mark.parametrize(("args", "words"), [
    (("no-such",), "TEMPLATE: 'no-such'"),
    (("ai-crisis-wargaming-lab", "--community", "nobody"), "--community: 'nobody'"),
    (("ai-crisis-wargaming-lab", "--place", "ZZ"), "--place: 'ZZ'"),
    (("ai-crisis-wargaming-lab", "--cohort", "0"), "--cohort"),
    (("ai-crisis-wargaming-lab", "--weeks", "abc"), "--weeks"),
    (("ai-crisis-wargaming-lab", "--weeks", "nan"), "--weeks"),
])
def test_design_bad_usage_exits_2_without_a_traceback(args, words) -> None:
    result = run("design", *args)
    assert result.returncode == 2, result.stdout
    assert words in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), cohort=st.integers(1, 500), weeks=st.one_of(st.none(), st.floats(0.5, 52)))
def test_every_brief_adds_up(real, data, cohort, weeks) -> None:
    """Whatever the template, cohort and length: each line is its unit times its quantity, the total
    is the sum of the priced lines, and the cost per participant is the total over the cohort."""
    _, payload, facts = real
    template = data.draw(st.sampled_from(sorted(payload["templates"])))
    b = brief(payload, facts, template, cohort=cohort, weeks=weeks, today=TODAY)
    for line in b["budget"]["lines"]:
        if line["amount"] is not None and line["amount"][0] is not None:
            # the quantity is shown to two decimals, so the product may differ by half a cent of quantity
            slack = line["unit"][0] * 0.005 + 0.01
            assert line["amount"][0] == pytest.approx(line["unit"][0] * line["quantity"][0], abs=slack)
    priced = [x["usd"][0] for x in b["budget"]["lines"] if x["usd"] and x["usd"][0] is not None]
    assert b["budget"]["total_usd"][0] == pytest.approx(sum(priced), abs=0.01 * (len(priced) + 1))
    assert b["budget"]["per_participant_usd"][0] == pytest.approx(b["budget"]["total_usd"][0] / cohort, abs=0.01)
    assert all(s["count"] >= 1 for s in b["staffing"])
    assert b["settings"]["cohort"] == cohort
