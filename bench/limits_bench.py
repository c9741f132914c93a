"""Cost of the rate limits on the API: gunicorn (2 workers x 4 threads) with the API limit off, then on.

    python -m bench.limits_bench [--seconds 15] [--clients 8]

A throwaway SQLite database (or DATABASE_URL, migrated first), a cheap API request (autocomplete with
nothing to suggest) so that the limit's own work shows: requests/s, latency, server CPU per request.
The limit is set high enough never to refuse: each request still counts in the database cache.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.http_load import load

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
URL = "/api/v1/suggest?q=ab"


def _measure(env: dict[str, str], rate: str, seconds: float, clients: int) -> dict[str, Any]:
    """One gunicorn run with CARREFOUR_RATE_API=rate under load."""
    command = [sys.executable, "-m", "gunicorn", "carrefour.wsgi", "--bind", f"127.0.0.1:{PORT}"]
    command += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env={**env, "CARREFOUR_RATE_API": rate})
    try:
        for _attempt in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/projets/0", timeout=5)
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        return {
            "rate": rate or "off",
            **load(PORT, [URL], seconds=seconds, clients=clients, server_pid=server.pid),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Measure without and with the limit, print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "CARREFOUR_DATA_DIR": data_dir}
        migrate = [sys.executable, "-m", "carrefour.cli", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, env=env, check=True)
        database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
        for rate in ("", "1000000/m", "", "1000000/m"):
            print(
                json.dumps({"database": database, **_measure(env, rate, args.seconds, args.clients)}),
                flush=True,
            )


if __name__ == "__main__":
    main()
