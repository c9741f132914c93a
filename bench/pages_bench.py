"""Server time of each page type (p50/p95 over repeated requests) on the current database and index.

Usage: CARREFOUR_DATA_DIR=... python -m bench.pages_bench [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def main() -> None:
    """Request each page type through Django's test client and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from django.test import Client

    from carrefour.projects.models import Project

    project = Project.objects.filter(is_published=True, latitude__isnull=False).order_by("-id").first()
    count = Project.objects.filter(is_published=True).count()
    urls = {
        "accueil": "/",
        "résultats (tous)": "/recherche",
        "résultats (mots + filtres)": "/recherche?q=jardin+solidaire&theme=alimentation&region=11",
        "carte (France, clusters)": "/carte/donnees?zoom=5&bbox=41,-5.5,51.5,10",
        "carte (ville, points)": "/carte/donnees?zoom=13&bbox=48.80,2.25,48.92,2.42",
        "projet": f"/projets/{project.pk}-{project.slug}" if project else "/",
        "observatoire": "/observatoire?theme=alimentation",
        "autocomplétion": "/recherche/suggestions?q=jard",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{count} projets publiés, {args.repeat} requêtes par page\n")
    print("| page | p50 (ms) | p95 (ms) | HTML (Ko) |")
    print("|---|---|---|---|")
    for name, url in urls.items():
        client.get(url)  # warm caches
        times = []
        size = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            size = len(response.content)
        p50, p95 = statistics.median(times), _percentile(times, 95)
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
