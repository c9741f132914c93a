"""Fixtures shared by search, API and page tests: a private index directory, an indexed corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from tests.search.factories import corpus_create


@pytest.fixture
def index_dir(settings: Any, tmp_path: Path) -> Path:
    """A fresh INDEX_DIR for the test."""
    settings.INDEX_DIR = tmp_path / "index"
    return Path(settings.INDEX_DIR)


@pytest.fixture
def corpus(db: None, index_dir: Path) -> dict[str, Project]:
    """The small corpus, indexed."""
    projects = corpus_create()
    index_rebuild()
    return projects
