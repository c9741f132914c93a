"""Server time of each page type (p50/p95 over repeated requests) on a database and its index.

    python -m bench.pages_bench [--repeat 30] [--data-dir DIR [--world DIR [--projects 100000]]]

Each page is timed rendered afresh (page cache off), then served from the page cache (same index, same
query). Without options: the current CARREFOUR_DATA_DIR (e.g. the demo).
With --data-dir and --world: the world (generated when missing, bench/relevance/loader.py, the search
benchmark's loader) has its truth loaded straight into that data directory when it holds no project yet,
and the index is built if missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _prepare(truth: Path) -> None:
    """Migrate, load territories and the world's truth when the database is empty, build the index."""
    from django.core.management import call_command

    from bench.relevance.loader import truth_load
    from carrefour.projects.models import Project
    from carrefour.search.services import index_rebuild
    from carrefour.search.storage import index_open
    from carrefour.territories.loader import territories_load

    call_command("migrate", verbosity=0)
    territories_load(log=lambda _line: None)
    if not Project.objects.exists():
        truth_load(truth)
    if index_open() is None:
        index_rebuild()


def _urls() -> dict[str, str]:
    """One URL per page type; the project page is a published project with a position."""
    from carrefour.projects.models import Project

    project = Project.objects.filter(is_published=True, latitude__isnull=False).order_by("-id").first()
    return {
        "accueil": "/",
        "résultats (tous)": "/recherche",
        "résultats (mots + filtres)": "/recherche?q=jardin+solidaire&theme=alimentation&region=11",
        "résultats (territoire)": "/recherche?territory=Lyon",
        "carte (France, clusters)": "/carte/donnees?zoom=5&bbox=41,-5.5,51.5,10",
        "carte (ville, points)": "/carte/donnees?zoom=13&bbox=48.80,2.25,48.92,2.42",
        "projet": f"/projets/{project.pk}-{project.slug}" if project else "/",
        "observatoire": "/observatoire?theme=alimentation",
        "observatoire (tout)": "/observatoire",
        "autocomplétion": "/recherche/suggestions?q=jard",
    }


def _timings(client: Any, url: str, repeat: int, *, clear: bool) -> tuple[float, float]:
    """p50 and p95 in ms of `repeat` requests; with `clear`, each one renders the page again."""
    from django.conf import settings

    cache_size = settings.SEARCH_CACHE_SIZE
    settings.SEARCH_CACHE_SIZE = 0 if clear else cache_size  # 0: no page kept (carrefour/web/cache.py)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    settings.SEARCH_CACHE_SIZE = cache_size
    return statistics.median(times), _percentile(times, 95)


def main() -> None:
    """Request each page type through Django's test client and print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, help="data directory (database and index) to use")
    parser.add_argument(
        "--world", type=Path, help="world to load when the database is empty (made if missing)"
    )
    parser.add_argument("--projects", type=int, default=100_000, help="size of a world to generate")
    parser.add_argument("--seed", type=int, default=42, help="seed of a world to generate")
    args = parser.parse_args()
    if args.data_dir:
        os.environ["CARREFOUR_DATA_DIR"] = str(args.data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from django.test import Client

    from carrefour.projects.models import Project

    if args.world:
        from bench.relevance.loader import world_generate

        _prepare(world_generate(args.world, projects=args.projects, seed=args.seed))
    count = Project.objects.filter(is_published=True).count()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")  # as browsers ask
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{count} projets publiés, {args.repeat} requêtes par page, charge {load}\n")
    plain = Client(HTTP_HOST="127.0.0.1")
    print("| page | p50 (ms) | p95 (ms) | p50 en cache (ms) | p95 en cache (ms) | HTML (Ko) | gzip (Ko) |")
    print("|---|---|---|---|---|---|---|")
    for name, url in _urls().items():
        client.get(url)  # warm the process (labels, gazetteer, index), as a running server has it
        cold = _timings(client, url, args.repeat, clear=True)
        warm = _timings(client, url, args.repeat, clear=False)
        sizes = (len(plain.get(url).content) / 1024, len(client.get(url).content) / 1024)
        figures = " | ".join(f"{value:.0f}" for value in (*cold, *warm, *sizes))
        print(f"| {name} | {figures} |", flush=True)
    print(f"\ncharge après : {', '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
