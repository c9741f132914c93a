"""Source preview: time to preview 50 records of a simulator platform against live data (target ≤ 15 s).

    python -m bench.preview_bench [--projects 2000] [--seed 5] [--platforms portraits,api,opendata] [--runs 3]

In a throw-away data directory (SQLite, or DATABASE_URL): migrate, load the territories, serve a world
of the partner-sites simulator on loopback with its real politeness (Crawl-delay, API rate limit) and
harvest its platforms with the repository's definitions (`carrefour harvest`), so that the preview is
compared with live records, clusters and projects. Then, for each platform, `source_preview` of the
source's definition (delays as written) for 50 records, --runs times: wall time from the call to the
report (child process start, crawl, normalization, diff, would-merge scan of every live signature),
with the report's counts and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.harvest_world import CARREFOUR, ROOT, sources_for_platforms
from tests.simulator import World, world_generate, world_serve


def _load() -> str:
    """The machine's load average (1, 5, 15 min)."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _carrefour(args: list[str]) -> float:
    """Run one carrefour command in the bench's environment; its wall time."""
    started = time.monotonic()
    subprocess.run([*CARREFOUR, *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _previews(world: World, slugs: list[str], runs: int) -> list[dict[str, Any]]:
    """Time `runs` previews of 50 records of each source (inside Django, on the harvested database)."""
    import django

    django.setup()
    from carrefour.orchestration.preview import source_preview
    from carrefour.sources.models import Source

    rows = []
    for slug in slugs:
        definition = yaml.safe_load((ROOT / "sources" / f"{slug}.yml").read_text(encoding="utf-8"))
        definition["base_url"] = world.urls[definition["platform"]]
        text = yaml.safe_dump(definition, allow_unicode=True, sort_keys=False)
        source = Source.objects.get(slug=slug)
        seconds = []
        for _ in range(runs):
            started = time.monotonic()
            # The repository's definitions, previewed with their own (file) bounds as the harvest ran them.
            report = source_preview(text, source=source, max_records=50, origin=source.origin)
            seconds.append(time.monotonic() - started)
        rows.append(
            {
                "source": slug,
                "platform": definition["platform"],
                "median_s": round(statistics.median(seconds), 1),
                "max_s": round(max(seconds), 1),
                "crawl_s": report["crawl"]["seconds"],
                "pages": report["crawl"]["pages"],
                "counts": report["counts"],
                "merges_listed": len(report["would_merge"]),
                "load": _load(),
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--platforms", default="portraits,api,opendata")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    platforms = args.platforms.split(",")
    with tempfile.TemporaryDirectory(prefix="carrefour-preview-") as tmp:
        world = world_generate(
            Path(tmp) / "world", projects=args.projects, seed=args.seed, platforms=platforms
        )
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        os.environ.update(
            CARREFOUR_DATA_DIR=str(data_dir),
            CARREFOUR_HARVEST_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE="carrefour.settings",
        )
        slugs = sources_for_platforms(platforms)
        _carrefour(["migrate", "--noinput", "-v", "0"])
        _carrefour(["territories", "load"])
        with world_serve(world) as served:
            urls = data_dir / "simulator-urls.json"
            urls.write_text(json.dumps(served.urls))
            harvest = _carrefour(["harvest", *slugs, "--simulator-urls", str(urls)])
            print(f"harvest of {args.projects} projects: {harvest:.0f} s; load {_load()}", flush=True)
            rows = _previews(served, slugs, args.runs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for row in rows:
        c = row["counts"]
        print(
            f"| {row['source']} ({row['platform']}) | {row['median_s']} s | {row['max_s']} s "
            f"| {row['pages']} | {c['records']} | {c['new']}/{c['changed']}/{c['unchanged']} "
            f"| {c['would_merge']} ({row['merges_listed']}) | {row['load']} |"
        )


if __name__ == "__main__":
    main()
