"""A loopback look-alike of a real platform: addresses matched whatever the order of their parameters."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON = "application/json"


def route_key(target: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A path and its query parameters in any order: real servers do not care about their order."""
    parts = urlsplit(target)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


@dataclass
class PlatformSite:
    """Routes (path, query in any order) -> (status, headers, body) on loopback; requests are logged."""

    url: str = ""
    routes: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, dict[str, str], bytes]] = field(
        default_factory=dict
    )
    log: list[str] = field(default_factory=list)

    def route(
        self,
        target: str,
        body: Any,
        *,
        ctype: str = JSON,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve body (JSON-encoded unless text) at target."""
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        self.routes[route_key(target)] = (status, {"Content-Type": ctype, **(headers or {})}, text.encode())

    def requested(self) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
        """The requests made, robots.txt aside, as route keys."""
        return [route_key(target) for target in self.log if not target.startswith("/robots.txt")]


@contextmanager
def platform_serve() -> Iterator[PlatformSite]:
    """A programmable platform look-alike on a free loopback port (404 for unknown addresses)."""
    site = PlatformSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.log.append(self.path)
            status, headers, body = site.routes.get(
                route_key(self.path), (404, {"Content-Type": "text/plain"}, b"not found")
            )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
