"""Territories tests run against the real reference, loaded once per session from node_modules."""

from __future__ import annotations

import pytest

from carrefour.territories.gazetteer import Gazetteer, gazetteer_get
from carrefour.territories.services import LoadReport


@pytest.fixture
def gazetteer(territories_loaded: LoadReport) -> Gazetteer:
    """The process-wide gazetteer built from the loaded reference."""
    return gazetteer_get()
