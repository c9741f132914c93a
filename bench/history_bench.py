"""What recording every change costs the pipeline, and the history page of a project with 1,000 changes.

    python -m bench.history_bench [--file demo/corpus.jsonl.gz] [--changes 1000] [--repeat 50] [--skip-page]

In a throw-away data directory (SQLite, territories loaded): `carrefour import` of the corpus (every
project created), of the corpus with every summary changed (every project updated), then of the same
again (nothing changes); each timed, with the change rows written. Run from an older checkout
(PYTHONPATH) with --skip-page to get the figures before the history existed. Then one project gets
`--changes` recorded changes and its history page (first and last page) is timed through Django's
test client (p50/p95 over `--repeat` requests).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _changes_count() -> str:
    """Change rows stored so far, or "—" on a checkout older than the history."""
    from django.apps import apps

    try:
        model = apps.get_model("projects", "ProjectChange")
    except LookupError:
        return "—"
    return str(model.objects.count())


def _import_timed(path: Path, label: str) -> None:
    """Import a corpus file and print a table row: seconds, change rows written."""
    from django.core.management import call_command

    before = _changes_count()
    start = time.perf_counter()
    call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - start
    after = _changes_count()
    written = str(int(after) - int(before)) if after != "—" else "—"
    print(f"| {label} | {seconds:.1f} | {written} |", flush=True)


def _corpus_updated(source: Path, target: Path) -> Path:
    """The corpus with every project's summary changed."""
    with (
        gzip.open(source, "rt", encoding="utf-8") as read,
        gzip.open(target, "wt", encoding="utf-8") as write,
    ):
        for line in read:
            project = json.loads(line)
            project["summary"] = (project.get("summary") or "") + " Mise à jour de la source."
            write.write(json.dumps(project, ensure_ascii=False) + "\n")
    return target


def _pipeline(corpus: Path, work: Path) -> None:
    """Time the three imports."""
    print("| import du corpus | secondes | modifications enregistrées |\n|---|---|---|")
    _import_timed(corpus, "premier import (créations)")
    updated = _corpus_updated(corpus, work / "updated.jsonl.gz")
    _import_timed(updated, "chaque résumé changé (mises à jour)")
    _import_timed(updated, "même fichier à nouveau (rien ne change)")


def _page(changes: int, repeat: int) -> None:
    """Give one project `changes` changes and time its history pages."""
    from django.test import Client
    from django.utils import timezone

    from carrefour.projects.models import Project, ProjectChange

    project = Project.objects.filter(is_published=True).exclude(description="").order_by("id").first()
    assert project is not None, "the corpus published no project"
    text = project.description or project.summary
    start = timezone.now()
    ProjectChange.objects.bulk_create(
        ProjectChange(
            project=project,
            kind=ProjectChange.Kind.HARVEST,
            at=start + timedelta(minutes=i),
            source_slug="demo",
            fields={
                "description": [f"{text} version {i}", f"{text} version {i + 1}"],
                "start_year": [2000, 2001],
            },
        )
        for i in range(changes)
    )
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/projets/{project.pk}-{project.slug}/historique"
    pages = (changes + 49) // 50
    print(f"\n{changes} modifications, description de {len(text)} caractères, {repeat} requêtes par page\n")
    print("| page d'historique | p50 (ms) | p95 (ms) |\n|---|---|---|")
    for label, query in (("première", ""), (f"dernière ({pages})", f"?page={pages}")):
        assert client.get(url + query).status_code == 200  # warm the process, as a running server is
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url + query)
            times.append((time.perf_counter() - began) * 1000)
        print(f"| {label} | {statistics.median(times):.0f} | {_percentile(times, 95):.0f} |", flush=True)


def main() -> None:
    """Command-line entry point: print Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=Path("demo/corpus.jsonl.gz"))
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-page", action="store_true", help="only the imports (an older checkout)")
    args = parser.parse_args()
    corpus = args.file.resolve()
    with tempfile.TemporaryDirectory(prefix="carrefour-bench-") as data_dir:
        os.environ["CARREFOUR_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from carrefour.territories.services import territories_load

        call_command("migrate", verbosity=0)
        territories_load(log=lambda _line: None)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"charge au départ : {load}\n")
        _pipeline(corpus, Path(data_dir))
        if not args.skip_page:
            _page(args.changes, args.repeat)
        print(f"\ncharge à la fin : {', '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
