"""A throwaway installation for the worker tests; raw records from the de-duplication tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dedup.conftest import raw
from tests.instance import Instance, instance_create

__all__ = ["instance", "raw"]


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A migrated installation whose static files count as collected (a collectstatic takes minutes)."""
    with instance_create(tmp_path / "data") as created:
        static = tmp_path / "data" / "staticfiles"
        static.mkdir(exist_ok=True)
        (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        yield created
