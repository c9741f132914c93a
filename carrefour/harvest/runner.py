"""Parent side of a crawl: start the child process, stream its events back."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Generator
from typing import Any

# Margin over the crawl's own CLOSESPIDER_TIMEOUT before the parent kills a stuck child.
KILL_MARGIN_SECONDS = 120


class CrawlError(RuntimeError):
    """The crawl child process died or was killed."""


def crawl_events(
    definition: dict[str, Any],
    *,
    user_agent: str,
    allowed_hosts: list[str],
    known: dict[str, list[Any]] | None = None,
    cache_dir: str = "",
    lookups: dict[str, dict[str, Any]] | None = None,
) -> Generator[dict[str, Any]]:
    """Run one crawl in a child process and yield its events (page, record, reject, fatal…) as they come."""
    config = {
        "definition": definition,
        "user_agent": user_agent,
        "allowed_hosts": allowed_hosts,
        "known": known or {},
        "cache_dir": cache_dir,
        "lookups": lookups or {},
    }
    limit = float((definition.get("politeness") or {}).get("max_duration", 3600)) + KILL_MARGIN_SECONDS
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "carrefour.harvest.crawl"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )
        watchdog = threading.Timer(limit, child.kill)
        watchdog.start()
        done = False
        try:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(json.dumps(config))
            child.stdin.close()
            for line in child.stdout:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                done = done or event.get("type") == "done"
                yield event
            returncode = child.wait()
        finally:
            watchdog.cancel()
            if child.poll() is None:
                child.kill()
                child.wait()
        if returncode != 0 or not done:
            stderr.seek(0)
            tail = stderr.read()[-1500:].strip()
            raise CrawlError(f"crawl process exited with code {returncode}: {tail or 'no output'}")
