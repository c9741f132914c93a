"""A throwaway installation: its own data directory and database, `carrefour` commands as real processes.

Used by the tests that kill commands and by `bench.chaos`. The database is SQLite in the data
directory, or, when DATABASE_URL is set (the PostgreSQL test run), a fresh database on that server.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
CARREFOUR = [sys.executable, "-m", "carrefour.cli"]
# What an operator would look at after a run, read by a fresh process.
_COUNTS = """
import json
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.orchestration.pipeline import raw_records_pending
from carrefour.projects.models import Project
from carrefour.search.storage import index_open
from carrefour.harvest.models import HarvestRun
index = index_open()
print(json.dumps({
    "raw": RawRecord.objects.count(),
    "records": Record.objects.count(),
    "pending": len(raw_records_pending()),
    "published": Project.objects.filter(is_published=True).count(),
    "documents": index.searcher().num_docs if index else 0,
    "runs": sorted(HarvestRun.objects.values_list("status", flat=True)),
}))
"""


@dataclass
class Instance:
    """One installation's environment; `run` and `start` execute `carrefour` commands in it."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """Run a command to its end (a hang fails after `timeout` seconds); its output captured."""
        return subprocess.run(
            [*CARREFOUR, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start a command in its own process group (SIGKILL then reaches its workers too)."""
        return subprocess.Popen(
            [*CARREFOUR, *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def counts(self) -> dict[str, Any]:
        """Raw and pending records, records, published projects, index documents, run statuses."""
        result: dict[str, Any] = json.loads(self.run("shell", "-c", _COUNTS).stdout.strip().splitlines()[-1])
        return result


def kill_at(
    process: subprocess.Popen[str], marker: str, signum: int, *, delay: float = 0.0, timeout: float = 300
) -> str:
    """Send `signum` `delay` seconds after a line of the process's output contains `marker`; its output."""
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + timeout
    sent = False
    for line in process.stdout:
        lines.append(line)
        if not sent and marker in line:
            time.sleep(delay)
            if signum == signal.SIGKILL:
                os.killpg(process.pid, signum)  # like a crash: the whole process group dies at once
            else:
                process.send_signal(signum)  # like `kill PID` or systemd's stop
            sent = True
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    output = "".join(lines)
    assert sent, f"never reached {marker!r}:\n{output[-2000:]}"
    return output


@contextmanager
def _database() -> Iterator[str]:
    """DATABASE_URL of a fresh database ("" for SQLite in the data directory), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield ""
        return
    import psycopg

    parts = urlsplit(url)
    name = f"crash_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def instance_create(data_dir: Path, **env: str) -> Iterator[Instance]:
    """A migrated installation in data_dir (territories not loaded: records stay unlocated)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _database() as url:
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment.update(CARREFOUR_DATA_DIR=str(data_dir), **env)
        if url:
            environment["DATABASE_URL"] = url
        instance = Instance(data_dir=data_dir, env=environment)
        instance.run("migrate", "--noinput", "-v", "0")
        yield instance
