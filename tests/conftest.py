"""Shared test helpers: the repository root, and validation pinned to a fixed 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def root() -> Path:
    return ROOT
