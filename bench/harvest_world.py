"""Harvest a simulated world end to end with the repo's source definitions, export it, score it.

    python -m bench.harvest_world --projects 2000 --seed 5 --platforms portraits,api,opendata \
        --out var/eval/harvest.jsonl [--faults SPEC] [--extra-sources ffe-laureats] [--keep-data DIR]

Runs the real commands (`carrefour migrate`, `territories load`, `harvest`, `export`) in a fresh data
directory against the simulator served on loopback, then `evaluate.py` against the world's truth.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tests.simulator import PARTNER_SITES, World, world_generate, world_serve

ROOT = Path(__file__).resolve().parents[1]
CARREFOUR = [sys.executable, "-m", "carrefour.cli"]


def sources_for_platforms(platforms: list[str]) -> list[str]:
    """Slugs of the repo's source definitions that harvest the given simulator platforms."""
    slugs = []
    for path in sorted((ROOT / "sources").glob("*.yml")):
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        if definition.get("platform") in platforms:
            slugs.append(definition["slug"])
    return slugs


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(args, check=True, env=env, cwd=ROOT)
    return time.monotonic() - started


def world_harvest(
    world: World, *, out: Path, data_dir: Path, faults: str = "", extra_sources: list[str] | None = None
) -> dict[str, Any]:
    """Serve the world, harvest its platforms into data_dir, export JSON Lines to out; timings."""
    manifest = json.loads((world.path / "manifest.json").read_text())
    platforms = sorted(p["name"] for p in manifest["platforms"])
    slugs = sources_for_platforms(platforms) + list(extra_sources or [])
    env = dict(
        os.environ, CARREFOUR_DATA_DIR=str(data_dir), CARREFOUR_HARVEST_ALLOWED_HOSTS="127.0.0.1,localhost"
    )
    env.pop("DATABASE_URL", None)
    timings = {"migrate": _run([*CARREFOUR, "migrate", "--noinput", "-v", "0"], env)}
    timings["territories"] = _run([*CARREFOUR, "territories", "load"], env)
    with world_serve(world, faults=faults) as served:
        urls = data_dir / "simulator-urls.json"
        urls.write_text(json.dumps(served.urls))
        timings["harvest"] = _run([*CARREFOUR, "harvest", *slugs, "--simulator-urls", str(urls)], env)
    out.parent.mkdir(parents=True, exist_ok=True)
    timings["export"] = _run([*CARREFOUR, "export", "--format", "jsonl", "--output", str(out)], env)
    return {"platforms": platforms, "sources": slugs, "seconds": timings}


def world_evaluate(world: World, harvested: Path, platforms: list[str]) -> dict[str, Any]:
    """evaluate.py's report (printed) and its JSON summary (returned)."""
    result = subprocess.run(
        [
            sys.executable,
            str(PARTNER_SITES / "evaluate.py"),
            "--truth",
            str(world.truth),
            "--harvested",
            str(harvested),
            "--platforms",
            ",".join(platforms),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    print(result.stdout)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--world", type=Path, help="existing world directory (else one is generated)")
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--platforms", default="portraits,api,opendata")
    parser.add_argument("--faults", default="", help="simulator --faults spec")
    parser.add_argument(
        "--extra-sources", default="", help="other source slugs to harvest (e.g. ffe-laureats)"
    )
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines export to write")
    parser.add_argument("--keep-data", type=Path, help="data directory to keep (default: temporary)")
    parser.add_argument("--no-evaluate", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-world-") as tmp:
        world = (
            World(path=args.world, urls={})
            if args.world
            else world_generate(
                Path(tmp) / "world",
                projects=args.projects,
                seed=args.seed,
                platforms=args.platforms.split(","),
            )
        )
        data_dir = args.keep_data or Path(tmp) / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        extra = [s for s in args.extra_sources.split(",") if s]
        report = world_harvest(
            world, out=args.out, data_dir=data_dir, faults=args.faults, extra_sources=extra
        )
        print(json.dumps(report, indent=2))
        if not args.no_evaluate:
            summary = world_evaluate(world, args.out, report["platforms"])
            (args.out.with_suffix(".eval.json")).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
