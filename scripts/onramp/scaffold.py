"""`onramp new`: a new record with the schema line, every required key, `unknown` wherever a fact
may be unknown and today's date, so a contributor fills in facts instead of recalling the format.

What cannot be unknown (the name, a summary, the organiser's URL, at least one source and research
area, a template's design) is left empty: `onramp validate` then names each gap with its code
until it is filled, and tests/test_scaffold.py keeps these skeletons in step with the schemas.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .validate import RESERVED_IDS

FOLDERS = {"program": Path("programs"), "template": Path("programs") / "templates", "community": Path("communities")}
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID = 80

PROGRAM = """\
# yaml-language-server: $schema={schemas}/program.schema.json
id: {id}
kind: program
name: ""  # what the organiser calls it
summary: ""  # one or two factual sentences: what it is and for whom
status: unknown  # active, paused or ended, once a source says so
url: ""  # the organiser's page (https://...)
organiser: unknown
format:
  mode: unknown  # remote, in_person or hybrid
  locations: unknown  # e.g. [{{city: London, country: GB}}]
  relocation: unknown  # none, optional or required
  hours_per_week: unknown  # e.g. {{min: 10, max: 15}}
  duration_weeks: unknown  # e.g. {{min: 12, max: 12}}
funding:
  stipend: unknown  # e.g. {{amount: 1500, currency: USD, period: month}}, or none
  covers: unknown  # e.g. [housing, travel]
  participant_cost: unknown  # a fee participants pay, or none
eligibility:
  regions: unknown  # e.g. [worldwide] or [NG, KE]
  career_stages: unknown
  min_age: unknown
  work_authorisation: unknown
communities: []  # ids of communities/ it recruits from, usually none
research_areas: []  # at least one, from the vocabulary on the record-format page
applications:
  cycle: unknown
  windows: []  # e.g. - {{label: 2027 cohort, opens: 2026-11-01, closes: 2026-12-15}}
after_program:
  extensions: unknown
  funding: unknown
  job_placement: unknown
sources: []  # - {{url: https://..., accessed: {today}, quality: primary, supports: [format, funding]}}
last_verified: {today}
"""

COMMUNITY = """\
# yaml-language-server: $schema={schemas}/community.schema.json
id: {id}
kind: community
name: ""  # what the community calls itself
summary: ""  # one or two factual sentences: who they are and why their skills transfer
size:
  figure: unknown  # a number, or {{min: 1000, max: unknown}}, with its source's URL in source
  what: ""  # what the figure counts, e.g. members of the main forum
regions: unknown  # e.g. [worldwide] or [US, GB]
gathering_places: []  # - {{name: ..., url: https://..., kind: online-community}}
skills: []  # - {{skill: ..., research_areas: [...]}}
constraints:
  relocation: unknown
  hours_per_week: unknown
  finances: unknown
outreach: []  # programs or organisations already reaching them
barriers: []  # why they do not apply today, as sources say
sources: []  # - {{url: https://..., accessed: {today}, quality: primary, supports: [size, regions]}}
last_verified: {today}
"""

TEMPLATE = """\
# yaml-language-server: $schema={schemas}/template.schema.json
id: {id}
kind: template
name: ""  # the design's name
summary: ""  # one or two sentences: the format and whom it is for
format:
  mode: unknown
  locations: []
  relocation: unknown
  hours_per_week: unknown
  duration_weeks: unknown
funding:
  stipend: unknown
  covers: unknown
  participant_cost: unknown
eligibility:
  regions: unknown
  career_stages: unknown
  min_age: unknown
  work_authorisation: unknown
communities: []  # at least one community it is designed for
research_areas: []  # at least one
applications:
  cycle: unknown
  windows: []
after_program:
  extensions: unknown
  funding: unknown
  job_placement: unknown
design:
  rationale: ""  # which gap it fills, and why this format
  cohort:
    size: 12
    basis: ""  # how the size was chosen
    source: estimate
  staffing:
    roles: ""
    ratios:
      - role: lead
        count: 1
        hours_per_week: unknown
        basis: ""
        source: estimate
  budget:
    - item: lead
      amount: unknown
      currency: USD
      per: lead_hour
      basis: ""  # say plainly when no source gives a figure
      source: estimate
  risks:
    - risk: ""
      safeguard: ""
  run_only_if:
    - ""  # first: "Participants are likely to contribute positively: ..."
  evaluation:
    - measure: ""
      when: [end, 6_months, 12_months]
      how: ""
  timeline:
    - step: Open applications.
      weeks_before_start: 10
      source: typical
  examples: []  # ids of real programs it generalises
sources: []
last_verified: {today}
"""
SKELETONS = {"program": PROGRAM, "community": COMMUNITY, "template": TEMPLATE}


class NewRecordError(ValueError):
    """The id or the target cannot be used: a usage error that says what is expected."""


def check_id(record_id: str) -> None:
    if not ID_PATTERN.fullmatch(record_id) or len(record_id) > MAX_ID:
        raise NewRecordError(f"id {record_id[:80]!r} is not kebab-case; expected lower-case letters and digits "
                             f"joined by single hyphens, at most {MAX_ID} characters, e.g. ai-safety-camp")
    if record_id in RESERVED_IDS:
        raise NewRecordError(f"id '{record_id}' is reserved: its page would replace {RESERVED_IDS[record_id]}; "
                             "expected another id")


def skeleton(kind: str, record_id: str, today: dt.date, schemas: str) -> str:
    """The record text: `schemas` is the relative path from the record's folder to schemas/."""
    return SKELETONS[kind].format(id=record_id, today=today.isoformat(), schemas=schemas)


def new_record(root: Path, kind: str, record_id: str, today: dt.date, taken: set[str]) -> Path:
    """Write the skeleton for a new record under root and return its path; refuse a bad or taken id
    and never replace a file."""
    check_id(record_id)
    if record_id in taken:
        raise NewRecordError(f"id '{record_id}' is already used by a record; expected a new id (edit the "
                             "existing record instead)")
    folder = root / FOLDERS[kind]
    path = folder / f"{record_id}.yaml"
    depth = len(FOLDERS[kind].parts)
    text = skeleton(kind, record_id, today, "/".join([".."] * depth) + "/schemas")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": fail rather than replace an existing file
            out.write(text)
    except FileExistsError:
        raise NewRecordError(f"{path} already exists; expected a new id") from None
    return path
