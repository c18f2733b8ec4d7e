"""The schemas themselves: valid JSON Schema 2020-12, shared pieces defined once, vocabularies as data."""

from __future__ import annotations

import json

import pycountry
from jsonschema import Draft202012Validator

from onramp.schema import Schemas

from .conftest import ROOT

SCHEMAS = ROOT / "schemas"


def test_every_schema_is_valid_2020_12() -> None:
    for path in SCHEMAS.glob("*.schema.json"):
        doc = json.loads(path.read_text())
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema", path.name
        Draft202012Validator.check_schema(doc)


def test_record_schemas_share_definitions_by_ref() -> None:
    """Money, ranges, sources and dates live once in defs; record schemas only refer to them."""
    for name in ("program", "template", "community"):
        text = (SCHEMAS / f"{name}.schema.json").read_text()
        assert '"defs.schema.json#/$defs/' in text
        assert '"USD"' not in text and '"month"' not in text, f"{name} redefines money"
        assert '"pattern"' not in text, f"{name} redefines a shared shape (id, date)"


def test_country_and_currency_codes_match_iso() -> None:
    defs = json.loads((SCHEMAS / "defs.schema.json").read_text())["$defs"]
    assert set(defs["country"]["enum"]) == {c.alpha_2 for c in pycountry.countries}
    assert set(defs["currency"]["enum"]) == {c.alpha_3 for c in pycountry.currencies}


def test_region_groups_hold_real_countries() -> None:
    schemas = Schemas(SCHEMAS)
    members = schemas.region_members
    countries = set(schemas.defs["country"]["enum"])
    assert members["EU"] < members["EEA"] < members["worldwide"] == countries
    assert "NG" in members["africa"] and "GB" not in members["EU"] and "GB" in members["europe"]
    for group, codes in members.items():
        assert codes <= countries, group


def test_every_vocabulary_term_has_a_title_and_description() -> None:
    schemas = Schemas(SCHEMAS)
    for name in ("research_area", "career_stage", "cover", "gathering_kind", "region_group", "mode", "relocation"):
        terms = schemas.vocabulary(name)
        assert terms, name
        for term in terms:
            assert term["title"] and term["description"], (name, term["id"])


def test_field_reference_covers_nested_fields() -> None:
    fields = {f["path"]: f for f in Schemas(SCHEMAS).fields("program")}
    assert fields["funding.stipend.currency"]["required"] is True
    assert fields["format.note"]["required"] is False
    assert fields["format.hours_per_week"]["expected"] == "a range {min, max} or 'unknown'"
