"""Shared fixtures: a simulated world served on loopback, settings for tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.simulator import World, world_generate, world_serve

# Platforms harvested end to end by the walking skeleton.
SKELETON_PLATFORMS = ["portraits", "api", "opendata"]


@pytest.fixture(autouse=True)
def _harvest_allow_loopback(settings: pytest.FixtureRequest) -> None:
    """The simulator runs on loopback, which the harvester refuses unless allow-listed."""
    settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A 120-project world of the three skeleton platforms, served for the whole session."""
    world = world_generate(Path(tmp_path_factory.mktemp("world")), projects=120, seed=11,
                           platforms=SKELETON_PLATFORMS)
    with world_serve(world, faults="api.ratelimit=0") as served:
        yield served
