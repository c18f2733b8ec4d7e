"""Normalised facts of programs and templates: what the matcher, the site's filters and the
exports compare, computed once per record.

Every money figure becomes USD per month through the dated rate table in
data/exchange-rates.yaml; every `unknown` becomes None, so that code can tell "unknown" from
"none" (0) and never excludes on it. The functions are pure and the result is plain data
(`to_dict`), so the same rules can run in the browser and be checked against this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

WEEKS_PER_MONTH = 52 / 12
UNKNOWN = "unknown"
# What "full-time" means in hours when an organiser says full-time but gives no figure: the
# usual threshold for full-time work (30 h/week in US labour statistics).
FULL_TIME_HOURS = 30.0
# A program shorter than this many weeks is not paid "a month": its stipend is shown in total.
SHORT_WEEKS = 4


@dataclass(frozen=True)
class Rates:
    """USD per unit of each currency, from one dated source."""

    as_of: str
    source_url: str
    usd_per_unit: dict[str, float]

    def to_usd(self, amount: float, currency: str) -> float | None:
        rate = self.usd_per_unit.get(currency)
        return None if rate is None else amount * rate


@dataclass(frozen=True)
class Facts:
    """One program or template, reduced to comparable values. None always means unknown."""

    id: str
    kind: str
    status: str | None
    mode: str | None
    locations: tuple[tuple[str | None, str], ...] | None  # (city or None, country)
    relocation: str | None
    hours_min: float | None
    hours_max: float | None
    commitment: str | None
    weeks_min: float | None
    weeks_max: float | None
    paid: bool | None  # a stipend is paid (True), none is (False), or unknown (None)
    stipend_usd_month: float | None  # the lowest monthly USD figure the record supports
    stipend_text: str  # as the organiser states it, e.g. "15,000 USD total"
    fee: bool | None  # participants pay a fee
    regions: frozenset[str] | None  # eligible country codes
    stages: frozenset[str] | None
    min_age: float | None  # 0 when the record says there is no age limit
    communities: frozenset[str]
    open_to_all: bool | None  # anyone eligible may apply (always so when no community is listed)
    areas: frozenset[str]
    windows: tuple[tuple[str, str | None, str], ...]  # (label, opens or None, closes)
    in_person_weeks: float | None = None  # weeks on site inside a hybrid or remote program
    pattern: str | None = None  # when past windows closed, in words (window_pattern): never a deadline

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, frozenset):
                out[key] = sorted(value)
        return out


def known(value: Any) -> Any:
    return None if value == UNKNOWN else value


def low(amount: Any) -> float | None:
    """The lower end of an amount that may be a number, a {min, max} range or unknown.

    A range from 0 is "up to" its maximum (an award on request, say): its lower end is unknown,
    not zero, or a paying program would read as paying nothing.
    """
    if isinstance(amount, dict):
        if amount.get("min") == 0 and amount.get("max") not in (0, None, UNKNOWN):
            return None
        amount = amount.get("min")
    return None if amount is None or amount == UNKNOWN else float(amount)


def monthly_usd(money: Any, weeks_max: float | None, rates: Rates) -> float | None:
    """A stipend as USD a month, or None when any part needed is unknown.

    A total is spread over the longest stated duration, so the figure is never higher than the
    program pays.
    """
    if not isinstance(money, dict):
        return None
    amount, currency, period = low(money.get("amount")), money.get("currency"), money.get("period")
    if amount is None or currency == UNKNOWN or period == UNKNOWN:
        return None
    usd = rates.to_usd(amount, currency)
    if usd is None:
        return None
    if period == "month":
        return usd
    if period == "week":
        return usd * WEEKS_PER_MONTH
    if period == "year":
        return usd / 12
    if period == "total" and weeks_max:
        return usd / (weeks_max / WEEKS_PER_MONTH)
    return None


def is_short(facts: Facts) -> bool:
    """Shorter than SHORT_WEEKS at its longest stated length."""
    longest = facts.weeks_max if facts.weeks_max is not None else facts.weeks_min
    return longest is not None and longest < SHORT_WEEKS


def length_text(weeks: float) -> str:
    """1 -> '1 week', 0.5 -> '4 days' (a week is 7 days), 3 -> '3 weeks'."""
    if weeks < 1:
        days = max(1, round(weeks * 7))
        return f"{days} day" + ("" if days == 1 else "s")
    return f"{number_text(weeks)} week" + ("" if weeks == 1 else "s")


def money_text(money: Any, weeks: float | None = None) -> str:
    """A money block in words: "15,000 USD in total", "up to 2,250 EUR a month"; a total paid
    for a program shorter than SHORT_WEEKS (`weeks`, its longest length) is said for that length:
    "1,500 GBP for 1 week"."""
    if not isinstance(money, dict):
        return str(money)
    amount = money.get("amount")
    if amount == UNKNOWN:
        known = " ".join(p for p in (money.get("currency"), _PER.get(money.get("period"))) if p and p != UNKNOWN)
        return "paid, amount unknown" + (f" ({known})" if known else "")
    if isinstance(amount, dict):
        low_end, high_end = amount.get("min"), amount.get("max")
        if low_end in (UNKNOWN, 0):
            shown = f"up to {number_text(high_end)}"
        elif high_end == UNKNOWN:
            shown = f"at least {number_text(low_end)}"
        else:
            shown = f"{number_text(low_end)}-{number_text(high_end)}"
    else:
        shown = number_text(amount)
    period = money.get("period")
    per = _PER.get(period, f"per {period}")
    if period == "total" and weeks is not None and weeks < SHORT_WEEKS:
        per = f"for {length_text(weeks)}"
    return f"{shown} {money.get('currency')} {per}"


_PER = {"week": "a week", "month": "a month", "year": "a year", "total": "in total"}


def number_text(value: Any) -> str:
    """1234.5 -> '1,235'; anything that is not a number is shown as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}"
    return str(value)


def _range(value: Any) -> tuple[float | None, float | None]:
    if not isinstance(value, dict):
        return None, None
    return tuple(None if v == UNKNOWN else float(v) for v in (value.get("min"), value.get("max")))  # type: ignore


def _set(value: Any) -> frozenset[str] | None:
    return None if value == UNKNOWN or value is None else frozenset(value)


def facts_of(record_id: str, kind: str, data: dict, rates: Rates,
             region_members: dict[str, frozenset[str]]) -> Facts:
    fmt, funding, eligibility = data["format"], data["funding"], data["eligibility"]
    hours_min, hours_max = _range(fmt["hours_per_week"])
    weeks_min, weeks_max = _range(fmt["duration_weeks"])
    stipend = funding["stipend"]
    paid = None if stipend == UNKNOWN else stipend != "none"
    if isinstance(stipend, dict) and low(stipend.get("amount")) == 0 and _high(stipend) == 0:
        paid = False
    fee_value = funding["participant_cost"]
    fee = None if fee_value == UNKNOWN else (fee_value != "none" and (low(fee_value.get("amount")) or 1) > 0)
    regions = _set(eligibility["regions"])
    if regions is not None:
        regions = frozenset(c for r in regions for c in region_members.get(r, ()))
    locations = fmt["locations"]
    return Facts(
        id=record_id, kind=kind, status=known(data.get("status", "active" if kind == "template" else UNKNOWN)),
        mode=known(fmt["mode"]),
        locations=None if locations == UNKNOWN else tuple((loc.get("city"), loc["country"]) for loc in locations),
        relocation=known(fmt["relocation"]),
        hours_min=hours_min, hours_max=hours_max, commitment=known(fmt.get("commitment", UNKNOWN)),
        weeks_min=weeks_min, weeks_max=weeks_max,
        paid=paid,
        stipend_usd_month=0.0 if paid is False else monthly_usd(stipend, weeks_max or weeks_min, rates),
        stipend_text=money_text(stipend, weeks_max if weeks_max is not None else weeks_min),
        fee=fee,
        regions=regions,
        stages=_set(eligibility["career_stages"]),
        min_age={UNKNOWN: None, "none": 0.0}.get(eligibility["min_age"], eligibility["min_age"]),
        communities=frozenset(data["communities"]),
        open_to_all=True if not data["communities"] else known(data.get("open_to_all", UNKNOWN)),
        areas=frozenset(data["research_areas"]),
        windows=tuple((w["label"], known(w.get("opens", UNKNOWN)), w["closes"])
                      for w in data["applications"]["windows"]),
        in_person_weeks=low(fmt.get("in_person_weeks", UNKNOWN)),
        pattern=window_pattern([w["closes"] for w in data["applications"]["windows"]]),
    )


def _high(money: dict) -> float | None:
    amount = money.get("amount")
    if isinstance(amount, dict):
        amount = amount.get("max")
    return None if amount is None or amount == UNKNOWN else float(amount)


def least_hours(facts: Facts) -> float | None:
    """The fewest weekly hours a program asks: its stated minimum, else FULL_TIME_HOURS when the
    organiser calls it full-time, else unknown (None)."""
    if facts.hours_min is not None:
        return facts.hours_min
    return FULL_TIME_HOURS if facts.commitment == "full_time" else None


def next_deadline(facts: Facts, today: dt.date) -> str | None:
    """The earliest closing date on or after today, if any window is still open or upcoming."""
    upcoming = sorted(closes for _, _, closes in facts.windows if closes >= today.isoformat())
    return upcoming[0] if upcoming else None


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def window_pattern(closing_dates: list[str]) -> str | None:
    """When past windows closed, as a pattern seen in past cycles: "past windows closed in June
    (2024-26)", "... in January (2025-26) and June (2024-26)". Only a month in which windows closed
    in two or more years is a pattern; one window is none. It is never a deadline."""
    years_by_month: dict[int, set[int]] = {}
    for day in closing_dates:
        year, month = int(day[:4]), int(day[5:7])
        years_by_month.setdefault(month, set()).add(year)
    parts = [f"{MONTHS[month - 1]} ({_years(sorted(years))})"
             for month, years in sorted(years_by_month.items()) if len(years) >= 2]
    if not parts:
        return None
    return "past windows closed in " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])


def _years(years: list[int]) -> str:
    """[2024, 2025, 2026] -> '2024-26'; [2023, 2025] -> '2023 and 2025'."""
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{str(years[-1])[2:]}" if years[-1] // 100 == years[0] // 100 else f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years[:-1])) + f" and {years[-1]}"


def window_outlook(facts: Facts, today: dt.date) -> str:
    """What a candidate can know about applying, in one sentence: the next window when one is
    announced, else the pattern of past cycles (labelled as such), else the last window seen."""
    day = today.isoformat()
    windows = sorted(facts.windows, key=lambda w: w[2])
    ahead = [w for w in windows if w[2] >= day]
    if ahead:
        label, opens, closes = ahead[0]
        return f"next window: {label}, " + (f"opens {opens}, " if opens else "") + f"closes {closes}"
    check = " - check the organiser's site"
    if facts.pattern:
        return f"no window announced yet; {facts.pattern}{check}"
    if windows:
        label, _, closes = windows[-1]
        return f"no window announced yet; the last recorded one ({label}) closed {closes}{check}"
    return f"no application window is recorded{check}"


EVIDENCE_KEYS = frozenset({"published", "opens", "closes", "start", "end"})


def newest_evidence(data: Any) -> str | None:
    """The newest dated fact in a record: a source's publication date, an application window or a
    cohort date (YYYY-MM-DD), or None when the record holds none. `last_verified` is not evidence:
    it says when someone looked, not what they found."""
    newest = None
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in EVIDENCE_KEYS and isinstance(item, str) and item != UNKNOWN and len(item) == 10:
                    newest = item if newest is None or item > newest else newest
                elif isinstance(item, (dict, list)):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return newest
