"""A loopback look-alike of a real platform: addresses matched whatever the order of their parameters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from carrefour.harvest.models import HarvestRun
from tests.harvest.conftest import MiniSite, minisite_serve
from tests.harvest.sites import harvest_definition

JSON = "application/json"


def route_key(target: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A path and its query parameters in any order: real servers do not care about their order."""
    parts = urlsplit(target)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


@dataclass
class PlatformSite(MiniSite):
    """Routes (path, query in any order) -> (status, headers, body) on loopback; requests are logged."""

    def key(self, target: str) -> Any:
        """Key of the route answering a requested address: its path and sorted parameters."""
        return route_key(target)

    def route(
        self,
        path: str,
        body: Any,
        *,
        status: int = 200,
        ctype: str = JSON,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve body (JSON-encoded unless text or bytes) at an address."""
        text = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
        super().route(path, text, status=status, ctype=ctype, headers=headers)
        self.routes[route_key(path)] = self.routes.pop(path)

    def requested(self) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
        """The requests made, robots.txt aside, as route keys."""
        return [route_key(target) for target in self.log if not target.startswith("/robots.txt")]


@contextmanager
def platform_serve() -> Iterator[PlatformSite]:
    """A programmable platform look-alike on a free loopback port (404 for unknown addresses)."""
    with minisite_serve(PlatformSite()) as site:
        yield site


@pytest.fixture
def platform_site() -> Iterator[PlatformSite]:
    """A platform look-alike for one test."""
    with platform_serve() as site:
        yield site


def harvest(
    site: PlatformSite, definition: dict[str, Any], tmp_path: Path, settings: Any, capsys: Any
) -> HarvestRun:
    """Harvest the definition against the site through `carrefour harvest`: its run."""
    run, _ = harvest_definition(definition, site.url, tmp_path / "sources", settings, capsys)
    return run
