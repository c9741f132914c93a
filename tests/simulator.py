"""Start the partner-sites simulator (../shared/partner-sites) on loopback for tests and benchmarks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SHARED_DIR = Path(
    os.environ.get("CARREFOUR_SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared")
)
PARTNER_SITES = SHARED_DIR / "partner-sites"


@dataclass
class World:
    """A generated world on disk and, once served, its platform base URLs."""

    path: Path
    urls: dict[str, str]

    @property
    def truth(self) -> Path:
        """Ground truth file of the world."""
        return self.path / "truth.jsonl"

    def requests_log(self) -> list[list[str]]:
        """Rows of the simulator request log (tab-separated fields)."""
        log = self.path / "requests.log"
        if not log.exists():
            return []
        return [line.split("\t") for line in log.read_text().splitlines() if line]

    def mutate(self) -> None:
        """Switch the served world to its evolved version (needs --faults mutate=DIR2)."""
        base = next(iter(self.urls.values()))
        with urllib.request.urlopen(f"{base}/__fixture__/mutate", timeout=30) as response:
            response.read()


def world_generate(
    out: Path,
    *,
    projects: int,
    seed: int = 7,
    platforms: list[str] | None = None,
    evolve_from: Path | None = None,
) -> World:
    """Generate a simulated world with generate.py."""
    cmd = [
        sys.executable,
        str(PARTNER_SITES / "generate.py"),
        "--projects",
        str(projects),
        "--seed",
        str(seed),
        "--out",
        str(out),
    ]
    if platforms:
        cmd += ["--platforms", ",".join(platforms)]
    if evolve_from:
        cmd += ["--evolve-from", str(evolve_from)]
    subprocess.run(cmd, check=True, capture_output=True)
    return World(path=out, urls={})


@contextmanager
def world_serve(world: World, *, faults: str = "") -> Iterator[World]:
    """Serve a world on free loopback ports for the duration of the block."""
    cmd = [
        sys.executable,
        str(PARTNER_SITES / "serve.py"),
        str(world.path),
        "--host",
        "127.0.0.1",
        "--base-port",
        "0",
        "--quiet",
    ]
    if faults:
        cmd += ["--faults", faults]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if not first:
            raise RuntimeError(f"simulator did not start: {proc.stderr.read() if proc.stderr else ''}")
        world.urls = json.loads(first)
        yield world
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
