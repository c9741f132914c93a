"""Territories tests run against the real reference, loaded once per session from node_modules."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.territories.gazetteer import Gazetteer, gazetteer_get, gazetteer_reload
from carrefour.territories.services import LoadReport, territories_load


@pytest.fixture(scope="session")
def territories_loaded(django_db_setup: Any, django_db_blocker: Any) -> LoadReport:
    """Load the real territories into the test database once; its report for the load tests."""
    with django_db_blocker.unblock():
        report = territories_load(force=True, log=lambda _line: None)
        gazetteer_reload()
        gazetteer_get()
    return report


@pytest.fixture
def gazetteer(territories_loaded: LoadReport) -> Gazetteer:
    """The process-wide gazetteer built from the loaded reference."""
    return gazetteer_get()
