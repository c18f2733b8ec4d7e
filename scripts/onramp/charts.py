"""The data page's charts: distributions across every program in the catalog, each drawn once at
build time as a static SVG (Altair spec, rendered offline by vl-convert) with the table of numbers
behind it, so a reader who cannot see the image gets the same figures."""

from __future__ import annotations

import atexit
import datetime as dt
import json
import subprocess
import sys
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Any

import altair as alt

from .catalog import Catalog, Record
from .facts import MONTHS, Facts
from .stats import catalog_stats

UNKNOWN = "unknown"
WIDTH = 600  # the whole image, axes included: it fits the page's text column without scaling up
STEP = 22  # px per bar or row, enough for one line of label text
FONT = "sans-serif"  # a generic family: vl-convert measures it offline and the browser needs no web font
INK, PALE, GREY = "#3d5a80", "#98b0cc", "#b5b5b5"  # known, a second known series, unknown
SERIES = ("#2b4162", "#5d7fa8", "#a9bfd8")  # ordered categories, darkest first; unknown stays GREY
MONTH_ABBR = tuple(m[:3] for m in MONTHS)

# Bin edges are presentation, not data: a bin holds values from its edge up to, not including, the next.
# They are chosen so the common program shapes (about 3 months, 10 h a week) fall inside a bin.
STIPEND_EDGES = (1000, 2500, 5000, 7500)  # USD a month
HOUR_EDGES = (5, 10, 20, 30)  # hours a week; 30 is facts.FULL_TIME_HOURS, the full-time threshold
WEEK_EDGES = (4, 9, 14, 27, 53)  # about 1, 2, 3, 6 and 12 months
# The calendar has a row per program up to this many; past it, a bar a month. A chart thousands of
# rows tall helps no reader, and Vega's sort over thousands of names overflows its stack.
CALENDAR_ROWS = 80


@dataclass(frozen=True)
class Chart:
    id: str  # kebab-case, unique: becomes charts/<id>.svg and the figure's anchor
    title: str
    caption: str
    alt: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def data_charts(catalog: Catalog, today: dt.date) -> list[Chart]:
    """Every chart of the data page, in page order, over the catalog's programs (templates are
    designs, not programs, and are left out)."""
    programs = catalog.programs
    facts = [catalog.facts[p.id] for p in programs]
    try:
        return _charts(programs, facts, catalog, today)
    finally:
        _stop_drawing()


def _charts(programs: list[Record], facts: list[Facts], catalog: Catalog, today: dt.date) -> list[Chart]:
    return [
        stipend_chart(facts, catalog.rates.as_of),
        hours_chart(facts, catalog),
        duration_chart(facts),
        mode_relocation_chart(facts, catalog),
        regions_chart(programs, catalog),
        areas_chart(facts, catalog),
        stages_chart(facts, catalog),
        calendar_chart(programs, facts, today),
        cohorts_chart(programs),
        after_program_chart(programs, catalog),
        unknown_share_chart(catalog),
    ]


# -- helpers shared by the charts ----------------------------------------------------------------

def render(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text; Vega escapes every label it draws, so record text is safe in it."""
    chart = chart.configure(font=FONT, background="white").configure_view(stroke=None)
    return _draw(chart.to_json())


# vl-convert draws with a V8 engine that holds about 85 MB for the life of the process that starts
# it. Drawn in a child process (one for all the charts), that memory is returned as soon as the
# charts are done instead of being carried through the rest of a build, whose peak it would raise.
_DRAWER = ("import json, sys, vl_convert\n"
           "for line in sys.stdin:\n"
           "    try:\n"
           "        out = {'svg': vl_convert.vegalite_to_svg(json.loads(line))}\n"
           "    except Exception as err:\n"
           "        out = {'error': f'{type(err).__name__}: {err}'}\n"
           "    sys.stdout.write(json.dumps(out) + '\\n')\n"
           "    sys.stdout.flush()\n")
_drawer: subprocess.Popen | None = None  # started by the first chart, stopped by data_charts or at exit


def _draw(spec: str) -> str:
    global _drawer
    if _drawer is None or _drawer.poll() is not None:
        _drawer = subprocess.Popen([sys.executable, "-c", _DRAWER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, encoding="utf-8")
    _drawer.stdin.write(json.dumps(spec) + "\n")
    _drawer.stdin.flush()
    answer = _drawer.stdout.readline()
    if not answer:
        _stop_drawing()
        raise RuntimeError("the chart renderer (vl-convert, in a child process) stopped without drawing")
    out = json.loads(answer)
    if "error" in out:
        raise RuntimeError(f"vl-convert could not draw a chart: {out['error']}")
    return out["svg"]


def _stop_drawing() -> None:
    global _drawer
    if _drawer is not None:
        _drawer.stdin.close()
        _drawer.wait(timeout=60)
        _drawer.stdout.close()
        _drawer = None


atexit.register(_stop_drawing)


def bin_labels(edges: tuple[int, ...]) -> list[str]:
    """(5, 10, 20) -> ['under 5', '5-9', '10-19', '20 or more']: whole-number labels, as the records'
    hours, weeks and the bins' money edges are whole numbers."""
    middle = [f"{lo:,}\u2013{hi - 1:,}" for lo, hi in zip(edges, edges[1:], strict=False)]
    return [f"under {edges[0]:,}", *middle, f"{edges[-1]:,} or more"]


def bin_of(value: float, edges: tuple[int, ...]) -> str:
    return bin_labels(edges)[bisect_right(edges, value)]


def counted(keys: list[str], order: list[str]) -> list[tuple[str, int]]:
    """(label, count) for every label in order, zero counts kept so a table shows empty bins."""
    tally = Counter(keys)
    return [(label, tally[label]) for label in order]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def listing(pairs: list[tuple[str, int]]) -> str:
    """[('Remote', 15), ('unknown', 22)] -> 'Remote 15, unknown 22' for an alt text."""
    return ", ".join(f"{label} {n}" for label, n in pairs)


def bars(pairs: list[tuple[str, int]], axis_title: str, unknown: set[str], partly: frozenset[str] = frozenset()
         ) -> alt.LayerChart:
    """Horizontal bars with the count at each bar's end; unknown categories are grey and partly
    known ones (paid, amount unknown) pale, so the eye sees at once how much is known."""
    known = {**dict.fromkeys(partly, "partly"), **dict.fromkeys(unknown, "unknown")}
    values = [{"label": label, "n": n, "known": known.get(label, "yes")} for label, n in pairs]
    top = max((n for _, n in pairs), default=0)
    base = alt.Chart(alt.Data(values=values)).encode(
        # labelLimit 0: no truncation; these labels are vocabulary titles and bins, all short, and
        # checking each against a limit doubles vl-convert's time spent measuring text
        y=alt.Y("label:N", sort=[label for label, _ in pairs], title=axis_title, axis=alt.Axis(labelLimit=0)),
        # room past the longest bar for its number
        x=alt.X("n:Q", title="Programs", scale=alt.Scale(domain=[0, max(1, round(top * 1.12 + 0.5))]),
                axis=alt.Axis(tickMinStep=1, format="d")),
    )
    colour = alt.Color("known:N", scale=alt.Scale(domain=["yes", "partly", "unknown"], range=[INK, PALE, GREY]),
                       legend=None)
    return (base.mark_bar().encode(color=colour) + base.mark_text(align="left", dx=3).encode(text="n:Q")).properties(
        width=WIDTH, height=alt.Step(STEP), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def titles(catalog: Catalog, vocabulary: str) -> dict[str, str]:
    return {t["id"]: t["title"] for t in catalog.schemas.vocabulary(vocabulary)}


# -- 1-3: money and time -------------------------------------------------------------------------

def stipend_category(f: Facts) -> str:
    if f.paid is False:
        return "unpaid"
    if f.stipend_usd_month is not None:
        return bin_of(f.stipend_usd_month, STIPEND_EDGES)
    return "paid, amount unknown" if f.paid else UNKNOWN


def stipend_chart(facts: list[Facts], rates_as_of: str) -> Chart:
    order = ["unpaid", *bin_labels(STIPEND_EDGES), "paid, amount unknown", UNKNOWN]
    pairs = counted([stipend_category(f) for f in facts], order)
    n = dict(pairs)
    paid = sum(c for label, c in pairs if label not in ("unpaid", UNKNOWN))
    caption = (f"The monthly stipend in US dollars of {plural(len(facts), 'program')}: the lowest figure each record "
               f"supports, converted at the catalog's exchange rates of {rates_as_of}, a total spread over the longest "
               f"stated duration. {paid} pay a stipend ({n['paid, amount unknown']} without a comparable amount), "
               f"{n['unpaid']} pay none, and for {n[UNKNOWN]} it is unknown.")
    return Chart("stipend", "Monthly stipend", caption,
                 f"Bar chart of the monthly stipend in USD across {len(facts)} programs: {listing(pairs)}.",
                 render(bars(pairs, "USD a month", {UNKNOWN}, frozenset({"paid, amount unknown"}))),
                 ("Monthly stipend (USD)", "Programs"), tuple(pairs))


def hours_category(f: Facts) -> str:
    """The stated minimum hours, else what the organiser says about the load, else unknown: the
    full-time threshold is not put in as a figure the record does not give."""
    if f.hours_min is not None:
        return bin_of(f.hours_min, HOUR_EDGES)
    return UNKNOWN if f.commitment is None else load_label(f.commitment)


def load_label(commitment: str) -> str:
    return f"{commitment.replace('_', '-')}, no hours stated"


def hours_chart(facts: list[Facts], catalog: Catalog) -> Chart:
    loads = catalog.schemas.defs["format"]["properties"]["commitment"]["enum"]  # full_time first
    stated = [load_label(c) for c in loads if c != UNKNOWN]
    pairs = counted([hours_category(f) for f in facts], [*bin_labels(HOUR_EDGES), *stated, UNKNOWN])
    figures = sum(f.hours_min is not None for f in facts)
    caption = (f"The fewest hours a week each of {plural(len(facts), 'program')} asks, where the record gives a figure "
               f"({figures}). {len(facts) - figures - dict(pairs)[UNKNOWN]} more only say full-time, part-time or "
               f"flexible, and for {dict(pairs)[UNKNOWN]} the load is unknown.")
    return Chart("hours", "Hours a week", caption,
                 f"Bar chart of the minimum weekly hours across {len(facts)} programs: {listing(pairs)}.",
                 render(bars(pairs, "Hours a week (at least)", {UNKNOWN}, frozenset(stated))),
                 ("Hours a week (at least)", "Programs"), tuple(pairs))


def longest_weeks(f: Facts) -> float | None:
    return f.weeks_max if f.weeks_max is not None else f.weeks_min


def duration_chart(facts: list[Facts]) -> Chart:
    weeks = [longest_weeks(f) for f in facts]
    pairs = counted([UNKNOWN if w is None else bin_of(w, WEEK_EDGES) for w in weeks],
                    [*bin_labels(WEEK_EDGES), UNKNOWN])
    caption = (f"How long each of {plural(len(facts), 'program')} runs, at the longest stated length (the shortest "
               f"where no longest is given). For {dict(pairs)[UNKNOWN]} the length is unknown.")
    return Chart("duration", "Duration", caption,
                 f"Bar chart of program length in weeks across {len(facts)} programs: {listing(pairs)}.",
                 render(bars(pairs, "Weeks", {UNKNOWN})), ("Weeks", "Programs"), tuple(pairs))


# -- 4-7: where, for whom, on what ---------------------------------------------------------------

def mode_relocation_chart(facts: list[Facts], catalog: Catalog) -> Chart:
    modes, moves = titles(catalog, "mode"), titles(catalog, "relocation")
    tally = Counter((f.mode or UNKNOWN, f.relocation or UNKNOWN) for f in facts)
    mode_order, move_order = [*modes, UNKNOWN], [*moves, UNKNOWN]
    rows = [(modes.get(m, m), moves.get(r, r), tally[m, r]) for m in mode_order for r in move_order if tally[m, r]]
    move_labels = [moves.get(r, r) for r in move_order]
    values = [{"mode": m, "relocation": r, "n": n, "rank": move_labels.index(r)} for m, r, n in rows]
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("mode:N", sort=[modes.get(m, m) for m in mode_order], title="Mode"),
        x=alt.X("n:Q", title="Programs", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("relocation:N", title="Relocation", sort=move_labels,
                        scale=alt.Scale(domain=move_labels, range=[*SERIES[:len(moves)], GREY]),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("rank:Q"),
    ).properties(width=WIDTH, height=alt.Step(STEP + 8), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    mode_n = Counter(f.mode or UNKNOWN for f in facts)
    caption = (f"How {plural(len(facts), 'program')} run (in person, remote or hybrid), each bar split by whether "
               f"participants must move. The mode is unknown for {mode_n[UNKNOWN]}, the relocation rule for "
               f"{sum(f.relocation is None for f in facts)}; both are shown as unknown.")
    alt_text = (f"Stacked bar chart of mode by relocation across {len(facts)} programs: "
                + "; ".join(f"{m}, relocation {r.lower()}: {n}" for m, r, n in rows) + ".")
    return Chart("mode-relocation", "Mode and relocation", caption, alt_text, render(chart),
                 ("Mode", "Relocation", "Programs"), tuple(rows))


def region_label(region: str, groups: dict[str, str], countries: dict[str, str]) -> str:
    return groups[region] if region in groups else f"{countries.get(region, region)} ({region})"


def regions_chart(programs: list[Record], catalog: Catalog) -> Chart:
    """By the regions a record names (a group or a country), not the expanded country sets of
    Facts.regions: the reader asks 'who is this open to', and the record's words answer that."""
    from babel import Locale  # country names as the Find page shows them; babel is slow to import

    groups, countries = titles(catalog, "region_group"), Locale("en").territories
    listed = [p.data["eligibility"]["regions"] for p in programs]
    tally = Counter(r for regions in listed if regions != UNKNOWN for r in regions)
    names = sorted(tally, key=lambda r: (r != "worldwide", -tally[r], region_label(r, groups, countries)))
    pairs = [(region_label(r, groups, countries), tally[r]) for r in names] + [(UNKNOWN, listed.count(UNKNOWN))]
    worldwide = tally["worldwide"]
    limited = sum(1 for regions in listed if regions not in (UNKNOWN, ["worldwide"]))
    caption = (f"Where applicants to {plural(len(programs), 'program')} may live: {worldwide} are open worldwide, "
               f"{limited} limited to named regions or countries (a program naming several is counted under each), "
               f"and for {pairs[-1][1]} it is unknown.")
    return Chart("regions", "Eligible regions", caption,
                 f"Bar chart of eligible regions across {len(programs)} programs: {listing(pairs)}.",
                 render(bars(pairs, "Open to applicants from", {UNKNOWN})), ("Open to applicants from", "Programs"),
                 tuple(pairs))


def areas_chart(facts: list[Facts], catalog: Catalog) -> Chart:
    names = titles(catalog, "research_area")
    tally = Counter(a for f in facts for a in f.areas)
    # every area of the vocabulary, those no program covers too: an empty area is a finding
    pairs = sorted(((title, tally[a]) for a, title in names.items()), key=lambda p: (-p[1], p[0]))
    mean = sum(tally.values()) / len(facts) if facts else 0
    empty = [title for title, n in pairs if n == 0]
    caption = (f"How many of {plural(len(facts), 'program')} work in each research area; a program in several "
               f"areas is counted in each (on average {mean:.1f} areas a program)."
               + (f" No program records {' or '.join(empty)}." if 0 < len(empty) <= 3 else
                  f" {len(empty)} areas have no program." if empty else ""))
    return Chart("areas", "Research areas", caption,
                 f"Bar chart of programs per research area across {len(facts)} programs: {listing(pairs)}.",
                 render(bars(pairs, "Research area", set())), ("Research area", "Programs"), tuple(pairs))


def stages_chart(facts: list[Facts], catalog: Catalog) -> Chart:
    names = titles(catalog, "career_stage")  # vocabulary order is career order
    tally = Counter(s for f in facts for s in (f.stages or ()))
    pairs = [(title, tally[s]) for s, title in names.items()] + [(UNKNOWN, sum(f.stages is None for f in facts))]
    caption = (f"Which career stages {plural(len(facts), 'program')} accept; a program open to several stages is "
               f"counted under each. For {pairs[-1][1]} the stages are unknown.")
    return Chart("stages", "Career stages", caption,
                 f"Bar chart of accepted career stages across {len(facts)} programs: {listing(pairs)}.",
                 render(bars(pairs, "Career stage", {UNKNOWN})), ("Career stage", "Programs"), tuple(pairs))


# -- 8-9: when: application windows and cohorts --------------------------------------------------

def window_months(opens: str | None, closes: str) -> list[int]:
    """The months (1-12) a window was open in; only the closing month when its opening is unknown.
    A window longer than a year covers every month once."""
    end = dt.date.fromisoformat(closes)
    start = dt.date.fromisoformat(opens) if opens else end
    span = (end.year - start.year) * 12 + end.month - start.month
    return sorted({(start.month - 1 + i) % 12 + 1 for i in range(min(max(span, 0), 11) + 1)})


def short_names(names: list[str]) -> dict[str, str]:
    """Row labels without the parenthetical ('MATS (ML Alignment & Theory Scholars)' -> 'MATS'),
    keeping the full name where two would read the same; the table beneath keeps full names. Long
    labels also cost vl-convert most of its time, measuring and truncating them."""
    short = {n: n.split(" (")[0] for n in names}
    seen = Counter(short.values())
    return {n: s if seen[s] == 1 else n for n, s in short.items()}


def calendar_chart(programs: list[Record], facts: list[Facts], today: dt.date) -> Chart:
    upcoming, past = "closes on or after " + today.isoformat(), "closed before " + today.isoformat()
    cells: dict[tuple[str, int], bool] = {}
    rows = []
    for program, f in zip(programs, facts, strict=True):
        for label, opens, closes in sorted(f.windows, key=lambda w: w[2]):
            rows.append((program.name, label, opens or UNKNOWN, closes))
            for month in window_months(opens, closes):
                cells[program.name, month] = cells.get((program.name, month), False) or closes >= today.isoformat()
    names = list(dict.fromkeys(r[0] for r in rows))
    color = alt.Color("when:N", title="A recorded window that", scale=alt.Scale(domain=[past, upcoming],
                                                                                range=[PALE, INK]),
                      legend=alt.Legend(orient="bottom", direction="horizontal"))
    months = alt.Scale(domain=list(MONTH_ABBR))
    if len(names) <= CALENDAR_ROWS:
        label = short_names(names)
        values = [{"program": label[name], "month": MONTH_ABBR[m - 1], "when": upcoming if ahead else past}
                  for (name, m), ahead in cells.items()]
        chart = alt.Chart(alt.Data(values=values)).mark_rect(stroke="white", strokeWidth=1).encode(
            x=alt.X("month:O", title=None, scale=months, axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y("program:N", title=None, sort=[label[n] for n in names], axis=alt.Axis(labelLimit=270)),
            color=color,
        ).properties(width=WIDTH, height=alt.Step(STEP - 4),
                     autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    else:  # one bar a month: how many programs had a window open in it
        per_month = Counter((m, ahead) for (_, m), ahead in cells.items())
        values = [{"month": MONTH_ABBR[m - 1], "when": upcoming if ahead else past, "programs": n}
                  for (m, ahead), n in sorted(per_month.items())]
        chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
            x=alt.X("month:O", title=None, scale=months, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("programs:Q", title="Programs with a window open", axis=alt.Axis(tickMinStep=1, format="d")),
            color=color,
        ).properties(width=WIDTH - 80, height=200)
    closing = Counter(MONTHS[int(r[3][5:7]) - 1] for r in rows)
    busiest = ", ".join(f"{m} ({n})" for m, n in sorted(closing.items(), key=lambda mn: -mn[1])[:3])
    no_opening = sum(r[2] == UNKNOWN for r in rows)
    caption = (f"Recorded past and present application windows of the {len(names)} of "
               f"{plural(len(programs), 'program')} that record any: a pattern of when programs have taken "
               f"applications, not a list of future deadlines. For {no_opening} of the "
               f"{plural(len(rows), 'window')} the opening day is unknown, so only the closing month is marked; "
               f"{len(programs) - len(names)} programs record no window."
               + ("" if len(names) <= CALENDAR_ROWS else f" With more than {CALENDAR_ROWS} programs, each bar "
                  "counts the programs that had a window open in its month; the table lists every window."))
    shape = "Heatmap" if len(names) <= CALENDAR_ROWS else "Bar chart"
    alt_text = (f"{shape} of the months in which {len(rows)} recorded past and present application windows of "
                f"{len(names)} programs were open; a pattern, not future deadlines."
                + (f" Most windows closed in {busiest}." if rows else ""))
    return Chart("calendar", "Recorded application windows, past and present", caption, alt_text, render(chart),
                 ("Program", "Window", "Opens", "Closes"), tuple(rows))


def cohort_rows(programs: list[Record]) -> list[tuple[str, str, str, Any]]:
    """(program, cohort, start, size) for every recorded cohort; a size not given reads unknown."""
    return [(p.name, c["label"], c["start"], c.get("size", UNKNOWN))
            for p in programs for c in sorted(p.data.get("cohorts", ()), key=lambda c: (c["start"] == UNKNOWN,
                                                                                      c["start"]))]


def cohorts_chart(programs: list[Record]) -> Chart:
    rows = cohort_rows(programs)  # each program's dated cohorts come first, earliest first
    kinds = ["a program's first dated cohort", "a later cohort", "start unknown"]
    first: dict[str, str] = {}  # the earliest dated cohort of each program: how long it has been running
    per_year = []
    for name, _, start, _ in rows:
        kind = 2 if start == UNKNOWN else 1 if name in first else 0
        if kind == 0:
            first[name] = start
        per_year.append({"year": start[:4] if kind < 2 else UNKNOWN, "kind": kinds[kind], "rank": kind})
    years = sorted({v["year"] for v in per_year} - {UNKNOWN}) + [UNKNOWN]
    counts = alt.Chart(alt.Data(values=per_year)).mark_bar().encode(
        x=alt.X("year:O", title="Start year", sort=years, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count():Q", title="Cohorts", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=[INK, PALE, GREY]),
                        legend=alt.Legend(orient="top", direction="horizontal")),
        order=alt.Order("rank:Q"),
    ).properties(width=WIDTH - 80, height=160)
    sized = [{"program": n, "start": s, "size": z} for n, _, s, z in rows if s != UNKNOWN and _is_count(z)]
    # whole years, so the first and last points are not drawn on the frame
    span = alt.Scale(domain=[f"{years[0]}-01-01", f"{years[-2]}-12-31"]) if len(years) > 1 else alt.Scale()
    sizes = alt.Chart(alt.Data(values=sized)).mark_circle(size=80, color=INK, opacity=0.7).encode(
        x=alt.X("start:T", title="Start date", axis=alt.Axis(format="%Y", tickCount="year"), scale=span),
        y=alt.Y("size:Q", title="Participants", axis=alt.Axis(tickMinStep=1, format="d")),
    ).properties(width=WIDTH - 80, height=160)
    recording = {n for n, *_ in rows}
    no_size = sum(not _is_count(z) for *_, z in rows)
    caption = (f"The {plural(len(rows), 'cohort')} that {plural(len(recording), 'program')} record, by start year "
               f"(above), and the size of those with both a start date and a size ({len(sized)}, below). "
               f"{len(programs) - len(recording)} of {len(programs)} programs record no cohort at all; "
               f"{sum(s == UNKNOWN for _, _, s, _ in rows)} cohorts have no start date and {no_size} no size.")
    by_year = Counter(v["year"] for v in per_year)
    alt_text = (f"Two charts of {len(rows)} recorded cohorts of {len(recording)} programs. Cohorts by start year: "
                f"{listing([(y, by_year[y]) for y in years])}. Earliest dated cohort: "
                f"{min(first.values(), default=UNKNOWN)}. Sizes where known with a start date: "
                + (", ".join(f"{v['program']} {v['start'][:4]}: {v['size']}" for v in sized) or "none") + ".")
    return Chart("cohorts", "Cohorts over time", caption, alt_text,
                 render(alt.vconcat(counts, sizes, spacing=24)), ("Program", "Cohort", "Start", "Size"), tuple(rows))


def _is_count(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- 10-11: afterwards, and what nobody knows yet ------------------------------------------------

def after_program_chart(programs: list[Record], catalog: Catalog) -> Chart:
    keys = list(catalog.schemas.defs["after_program"]["properties"])  # outcomes is optional: absent is unknown
    answers = ("says something", "none", UNKNOWN)
    rows = []
    for key in keys:
        said = Counter(_answer(p.data["after_program"].get(key, UNKNOWN)) for p in programs)
        rows.append((key.replace("_", " ").capitalize(), *(said[a] for a in answers)))
    values = [{"field": row[0], "answer": a, "n": n, "rank": i} for row in rows for i, (a, n) in
              enumerate(zip(answers, row[1:], strict=True))]
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("field:N", title="After the program", sort=[r[0] for r in rows]),
        x=alt.X("n:Q", title="Programs", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("answer:N", title="The record", sort=list(answers),
                        scale=alt.Scale(domain=list(answers), range=[INK, PALE, GREY]),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("rank:Q"),
    ).properties(width=WIDTH, height=alt.Step(STEP + 8), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    caption = (f"What {plural(len(programs), 'program')} say about support after the program ends: a statement, "
               f"'none', or nothing known. " + " ".join(f"{r[0]}: {r[3]} unknown." for r in rows))
    alt_text = (f"Stacked bar chart of after-program support across {len(programs)} programs: "
                + "; ".join(f"{r[0]}: {r[1]} say something, {r[2]} none, {r[3]} unknown" for r in rows) + ".")
    return Chart("after-program", "After the program", caption, alt_text, render(chart),
                 ("After the program", "Says something", "None", "Unknown"), tuple(rows))


def _answer(value: Any) -> str:
    return value if value in ("none", UNKNOWN) else "says something"


def unknown_share_chart(catalog: Catalog) -> Chart:
    stats = catalog_stats(catalog)
    total, shares = stats["counts"]["program"], stats["unknown"]["program"]  # sorted by share already
    rows = tuple((s["field"], s["records"], f"{s['share']:.0%}") for s in shares)
    values = [{"field": s["field"], "share": s["share"], "label": f"{s['share']:.0%}"} for s in shares]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("field:N", title="Field", sort=[s["field"] for s in shares], axis=alt.Axis(labelLimit=0)),
        x=alt.X("share:Q", title="Share of programs where it is unknown", scale=alt.Scale(domain=[0, 1.08]),
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])),
    )
    chart = (base.mark_bar(color=GREY) + base.mark_text(align="left", dx=3).encode(text="label:N")).properties(
        width=WIDTH, height=alt.Step(STEP - 6), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    top = "; ".join(f"{f} {share}" for f, _, share in rows[:5])
    caption = (f"For each field, the share of the {plural(total, 'program')} whose record says unknown, most often "
               f"unknown first; {plural(len(rows), 'field')} are unknown somewhere. A field inside a list (a window's "
               f"opening day, a cohort's size) counts a program once if any of its entries is unknown.")
    return Chart("unknown-share", "What is still unknown", caption,
                 f"Bar chart of the share of {total} programs with each field unknown, {len(rows)} fields; "
                 f"the highest: {top}.", render(chart), ("Field", "Programs unknown", "Share"), rows)
