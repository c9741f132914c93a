"""Fixtures of the harvest tests: a tiny programmable web site, a rate-limited simulator world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from carrefour.sources.definitions import definition_check
from carrefour.sources.models import Source
from carrefour.sources.services import source_upsert_from_definition
from tests.net import free_port, loopback_serve
from tests.simulator import World, world_generate, world_serve


@dataclass
class MiniSite:
    """Routes path -> (status, headers, body) served on loopback; every requested path is logged."""

    url: str = ""
    routes: dict[Any, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def key(self, target: str) -> Any:
        """Key of the route answering a requested path (the path itself)."""
        return target

    def route(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve body at path."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": ctype, **(headers or {})}, data)


@contextmanager
def minisite_serve(site: MiniSite) -> Iterator[MiniSite]:
    """Serve a MiniSite (or a subclass keying its routes otherwise) on a free loopback port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.log.append(self.path)
            status, headers, body = site.routes.get(
                site.key(self.path), (404, {"Content-Type": "text/plain"}, b"not found")
            )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    with loopback_serve(Handler) as url:
        site.url = url
        yield site


@pytest.fixture
def mini_site() -> Iterator[MiniSite]:
    """A programmable site on a free loopback port (404 for unknown paths)."""
    with minisite_serve(MiniSite()) as site:
        yield site


@pytest.fixture(autouse=True)
def _harvest_data_in_tmp(settings: Any, tmp_path: Path) -> None:
    """The HTTP cache of each test lives in its own directory, never in the real var/."""
    settings.DATA_DIR = tmp_path / "data"


def closed_port_url() -> str:
    """URL of a loopback port nobody listens on (a site that is down)."""
    return f"http://127.0.0.1:{free_port()}"


def make_source(definition: dict[str, Any]) -> Source:
    """A Source row from an inline (valid) definition."""
    base = {"name": definition["slug"], "fictional": True, "politeness": {"delay": 0, "concurrency": 2}}
    full = {**base, **definition}
    assert definition_check(full) == []
    return source_upsert_from_definition(full)


@pytest.fixture(scope="session")
def ratelimited_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A small `api` world served with the API's real rate limit (10 requests/s)."""
    world = world_generate(Path(tmp_path_factory.mktemp("rl-world")), projects=60, seed=5, platforms=["api"])
    with world_serve(world) as served:
        yield served
