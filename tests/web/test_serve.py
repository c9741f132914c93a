"""`carrefour serve` as operators run it: a real server process on loopback."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.net import free_port

CARREFOUR = Path(sys.executable).with_name("carrefour")
HANGING = 20
DUMP_BYTES = 16 * 1024 * 1024


def _get(port: int, url: str, *, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    """`carrefour serve` on a free port, over a fresh SQLite database; its port once it answers."""
    env = {**os.environ, "CARREFOUR_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the server's own database, not the test run's
    subprocess.run([CARREFOUR, "migrate", "-v0"], env=env, check=True, timeout=120)
    # Whole-corpus downloads of an empty database, made large: slow downloaders would hold their threads.
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "carrefour-projets.geojson").write_bytes(b" " * DUMP_BYTES)
    (dumps / "manifest.json").write_text('{"published": 0, "newest_update": ""}')
    # The API needs no static file: a manifest newer than every source spares a collectstatic of minutes.
    (tmp_path / "staticfiles").mkdir(exist_ok=True)
    (tmp_path / "staticfiles" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    port = free_port()
    server = subprocess.Popen(
        [CARREFOUR, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/api/v1/projects", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield port
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_clients_that_never_finish_their_headers_do_not_block_the_site(served: int) -> None:
    hanging = []
    for _ in range(HANGING):
        client = socket.create_connection(("127.0.0.1", served))
        client.sendall(b"GET /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never the blank line
        hanging.append(client)
    try:
        time.sleep(1)  # every hanging connection has reached the server
        assert [_get(served, "/api/v1/projects?q=jardin", timeout=10) for _ in range(5)] == [200] * 5
    finally:
        for client in hanging:
            client.close()


def test_slow_downloaders_of_the_whole_corpus_do_not_block_the_site(served: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
    connection.request("GET", "/recherche/export.geojson")
    location = connection.getresponse().getheader("Location")
    connection.close()
    assert location == "/telechargements/carrefour-projets.geojson"
    readers = []
    for _ in range(HANGING):
        reader = socket.socket()
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads a few bytes, then stalls
        reader.connect(("127.0.0.1", served))
        reader.sendall(f"GET {location} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        readers.append(reader)
    try:
        time.sleep(2)  # every download has started and filled its socket buffers
        assert readers[0].recv(12) == b"HTTP/1.1 200"
        assert [_get(served, "/api/v1/projects?q=jardin", timeout=10) for _ in range(5)] == [200] * 5
    finally:
        for reader in readers:
            reader.close()
