"""Limits and lockout hold across real worker processes: gunicorn with two workers on loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from carrefour.env import BASE_DIR
from tests.net import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "gestion-essai"


def _database_env(data_dir: Path) -> dict[str, str]:
    """The test database for PostgreSQL; a fresh migrated SQLite file (the test one is in memory)."""
    env = {**os.environ, "CARREFOUR_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        query = urlencode({"host": db["HOST"], "port": db["PORT"]})
        env["DATABASE_URL"] = (
            f"postgresql://{quote(db['USER'])}:{quote(db['PASSWORD'])}@/{db['NAME']}?{query}"
        )
    else:
        command = [str(Path(sys.executable).parent / "carrefour"), "migrate", "--noinput"]
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    return env


def _get(
    url: str, opener: urllib.request.OpenerDirector | None = None, data: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    """Status, headers and body, error statuses included."""
    try:
        with (opener or urllib.request.build_opener()).open(url, data=data, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The site under gunicorn (2 workers, as `carrefour serve`): base URL, access log (pid status path)."""
    env = {
        **_database_env(tmp_path),
        "CARREFOUR_RATE_API": "40/d",
        "CARREFOUR_LOGIN_FAILURES": "3",
        "CARREFOUR_ADMIN_PATH": ADMIN,
    }
    port, log = free_port(), tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "carrefour.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--threads", "4", "--limit-request-line", "8190"]
    command += ["--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get_or_none(f"{base}/projets/1") is None:
            assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get_or_none(url: str) -> int | None:
    """Status of a page, None while the server does not answer."""
    try:
        return _get(url)[0]
    except OSError:
        return None


def test_api_limit_counted_across_workers_errors_in_json(served: tuple[str, Path]) -> None:
    base, log = served
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _i: _get(f"{base}/api/v1/suggest?q=ab"), range(80)))
    statuses = sorted(status for status, _headers, _body in results)
    assert statuses == [200] * 40 + [429] * 40  # CARREFOUR_RATE_API=40/d, whichever worker answered
    refused = next((headers, body) for status, headers, body in results if status == 429)
    assert json.loads(refused[1])["code"] == "rate_limited" and int(refused[0]["Retry-After"]) > 0
    lines = [line.split() for line in log.read_text().splitlines()]
    assert len({pid for pid, _status, path in lines if path == "/api/v1/suggest"}) == 2  # both workers
    # The app answers a too long address itself (gunicorn lets lines of 8190 bytes through), in JSON.
    status, headers, body = _get(f"{base}/api/v1/suggest?q={'x' * 8100}")
    assert status == 414 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["code"] == "uri_too_long"


def test_admin_path_and_lockout_across_workers(served: tuple[str, Path]) -> None:
    base, _log = served
    assert _get(f"{base}/admin/login/")[0] == 404
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    login = f"{base}/{ADMIN}/login/"
    status, _headers, page = _get(login, opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token
    form = urlencode({"csrfmiddlewaretoken": token[1], "username": "gestion", "password": "mauvais"}).encode()
    statuses = [_get(login, opener, form)[0] for _ in range(4)]
    assert statuses == [200, 200, 429, 429]  # CARREFOUR_LOGIN_FAILURES=3: locked at the third
    assert "Connexion bloquée après 3 échecs" in _get(login, opener, form)[2]
