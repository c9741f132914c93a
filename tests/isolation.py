"""Pytest plugin, loaded before Django's settings: the test run gets a data directory of its own."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_DATA_DIR = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Point CARREFOUR_DATA_DIR at a fresh directory before pytest-django reads the settings."""
    # Never the developer's var/ (or any exported data dir): a stale collectstatic manifest, database
    # or index left by `make run` must not change what tests see. Child processes inherit it.
    path = tempfile.mkdtemp(prefix="carrefour-tests-")
    early_config.stash[_DATA_DIR] = path
    os.environ["CARREFOUR_DATA_DIR"] = path


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's data directory."""
    if path := config.stash.get(_DATA_DIR, None):
        shutil.rmtree(path, ignore_errors=True)
