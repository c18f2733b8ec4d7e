"""The Catalog: every valid record, indexed by id and kind.

Everything downstream (site, and later match, gaps, export) reads records through a Catalog and
never re-reads YAML, so that they all agree on one computation of each fact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .facts import Facts, Rates, facts_of
from .problems import InputError
from .schema import Schemas
from .validate import RATES_FILE, catalog_files, check_paths, read_rates

__all__ = ["RATES_FILE", "Catalog", "CatalogError", "Record", "load_catalog", "read_rates"]


class CatalogError(InputError):
    """The catalog has invalid records; `problems` says where."""


@dataclass(frozen=True)
class Record:
    id: str
    kind: str  # program | template | community
    path: str  # relative to the catalog root
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.data["name"]


@dataclass
class Catalog:
    root: Path
    schemas: Schemas
    rates: Rates
    records: dict[str, Record] = field(default_factory=dict)
    facts: dict[str, Facts] = field(default_factory=dict)  # programs and templates, by id

    def of_kind(self, kind: str) -> list[Record]:
        """Records of one kind, sorted by name then id (the order pages and tables use)."""
        return sorted((r for r in self.records.values() if r.kind == kind), key=lambda r: (r.name.lower(), r.id))

    @property
    def programs(self) -> list[Record]:
        return self.of_kind("program")

    @property
    def templates(self) -> list[Record]:
        return self.of_kind("template")

    @property
    def communities(self) -> list[Record]:
        return self.of_kind("community")

    def get(self, record_id: str) -> Record | None:
        return self.records.get(record_id)


def load_catalog(root: Path, today: dt.date | None = None) -> Catalog:
    """Validate the whole catalog at root and index it; raise CatalogError if any record is invalid."""
    root = root.resolve()
    problems, _, files = check_paths(catalog_files(root), root, today, base=root)
    schemas = Schemas(root / "schemas")
    rates, rate_problems = read_rates(root, schemas)
    problems = [p for p in problems if not p.is_warning]  # a likely duplicate still builds
    if problems or rate_problems:
        raise CatalogError(sorted(problems + rate_problems))
    catalog = Catalog(root, schemas, rates)
    for rf in files:
        record = Record(rf.data["id"], rf.kind, rf.loaded.path, rf.data)
        catalog.records[record.id] = record
        if record.kind in ("program", "template"):
            catalog.facts[record.id] = facts_of(record.id, record.kind, record.data, rates, schemas.region_members)
    return catalog
