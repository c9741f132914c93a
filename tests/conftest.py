"""Shared fixtures: a simulated world served on loopback, settings for tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.test.utils import override_settings

from carrefour.partners.transparency import FACTS_KEY
from carrefour.search.labels import labels_cache_clear
from carrefour.territories.gazetteer import gazetteer_get, gazetteer_reload
from carrefour.territories.services import LoadReport, territories_load

# Fixtures shared by every folder: one Chromium for the session, an SMTP server on loopback.
from tests.browser import browser, mobile, tab  # noqa: F401
from tests.mail import mailbox  # noqa: F401
from tests.simulator import World, world_generate, world_serve

# Platforms harvested end to end by the walking skeleton.
SKELETON_PLATFORMS = ["portraits", "api", "opendata"]


class _UnknownTemplateVariable(str):
    """`string_if_invalid` that raises: a page reading a variable its view never gave is a bug."""

    def __mod__(self, name: object) -> str:
        raise NameError(f"unknown template variable: {name}")


def _reads_take_no_table_lock(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Test SQLite only: uncommitted reads, so that a page never makes a worker's write fail.

    The in-memory test database is one shared cache for the live server's thread and the test's: a
    page reading the job table while the worker updates it made the update fail at once with "table
    is locked" (shared-cache table locks ignore the busy timeout). In read-uncommitted mode a reader
    takes no table read-lock (sqlite.org/sharedcache.html); the production file database uses WAL.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        connection.connection.execute("PRAGMA read_uncommitted = 1")


connection_created.connect(_reads_take_no_table_lock)


@pytest.fixture(autouse=True, scope="session")
def _unknown_template_variables_fail() -> Iterator[None]:
    """Guardrail (as les-emplois): any unknown variable in a template fails the test rendering it."""
    raising = _UnknownTemplateVariable("%s")
    templates = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": raising}}
        for engine in django_settings.TEMPLATES
    ]
    with override_settings(TEMPLATES=templates):
        yield


@pytest.fixture(autouse=True)
def _harvest_allow_loopback(settings: Any) -> None:
    """The simulator runs on loopback, which the harvester refuses unless allow-listed."""
    settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]


@pytest.fixture(autouse=True)
def _rate_limits_off(settings: Any) -> None:
    """Counters live in a table that live-server tests do not flush: the limits' own tests switch them on."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Every test gets its own search index directory, never the real var/index."""
    settings.INDEX_DIR = tmp_path / "index"


@pytest.fixture(autouse=True)
def _labels_fresh() -> None:
    """Names of territories and sources, partners' facts: cached per process, each test reads its own DB."""
    labels_cache_clear()
    cache.delete(FACTS_KEY)


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A 120-project world of the three skeleton platforms, served for the whole session."""
    world = world_generate(
        Path(tmp_path_factory.mktemp("world")), projects=120, seed=11, platforms=SKELETON_PLATFORMS
    )
    with world_serve(world, faults="api.ratelimit=0") as served:
        yield served


@pytest.fixture(scope="session")
def territories_loaded(django_db_setup: Any, django_db_blocker: Any) -> LoadReport:
    """Load the real territories into the test database once; its report for the load tests."""
    with django_db_blocker.unblock():
        report = territories_load(force=True, log=lambda _line: None)
        gazetteer_reload()
        gazetteer_get()
    return report
