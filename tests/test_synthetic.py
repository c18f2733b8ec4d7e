"""The synthetic catalogs the bench builds: valid, varied, and the same for the same seed."""

from __future__ import annotations

import collections
import datetime as dt

import yaml

from onramp.synthetic import write_catalog
from onramp.validate import validate_paths


def test_synthetic_records_are_valid_varied_and_repeatable(tmp_path):
    written = write_catalog(tmp_path / "a", 300)
    again = write_catalog(tmp_path / "b", 300)
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]
    root = tmp_path / "a"
    paths = sorted(root.glob("programs/**/*.yaml")) + sorted(root.glob("communities/*.yaml"))
    problems, count = validate_paths(paths, root, today=dt.date(2100, 1, 1), base=root)
    assert (problems, count) == ([], len(paths))
    assert len(list(root.glob("programs/*.yaml"))) == 300
    records = [yaml.safe_load(p.read_text("utf-8")) for p in written]
    modes = collections.Counter(r["format"]["mode"] for r in records)
    assert set(modes) == {"in_person", "remote", "hybrid", "unknown"}
    currencies = {r["funding"]["stipend"]["currency"] for r in records if isinstance(r["funding"]["stipend"], dict)}
    assert len(currencies) >= 8
    assert any(r["communities"] for r in records) and any(r["applications"]["windows"] for r in records)
    assert any(r["eligibility"]["regions"] == "unknown" for r in records)
