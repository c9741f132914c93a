"""`carrefour index rebuild [--if-stale]`: rebuild the search index from the projects table."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from carrefour.search.services import index_is_stale, index_rebuild


class Command(BaseCommand):
    """Maintain the Tantivy search index."""

    help = "Reconstruit l'index de recherche à partir des projets publiés."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action and its options."""
        parser.add_argument("action", choices=["rebuild"], help="rebuild : reconstruire l'index.")
        parser.add_argument(
            "--if-stale", action="store_true", help="Ne reconstruire que si l'index est absent ou en retard."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Rebuild the index, printing progress and a summary."""
        if options["if_stale"] and not index_is_stale():
            self.stdout.write("Index à jour : rien à faire.")
            return
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 1 or done == total:
                last[0] = now
                self.stdout.write(f"  {done}/{total} projets indexés")

        start = time.perf_counter()
        count = index_rebuild(progress=progress)
        duration = time.perf_counter() - start
        self.stdout.write(self.style.SUCCESS(f"Index reconstruit : {count} documents en {duration:.2f} s."))
