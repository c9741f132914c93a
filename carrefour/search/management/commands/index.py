"""`carrefour index rebuild [--if-stale]` and `carrefour index check [--repair]`: the search index."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carrefour.search.services import index_check, index_is_stale, index_rebuild

SHOWN_IDS = 10


class Command(BaseCommand):
    """Maintain the Tantivy search index."""

    help = (
        "rebuild : reconstruit l'index de recherche à partir des projets publiés ; check : le compare "
        "à la base (documents manquants, périmés ou en trop), --repair pour ré-indexer les écarts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action and its options."""
        parser.add_argument(
            "action", choices=["rebuild", "check"], help="rebuild : reconstruire ; check : vérifier."
        )
        parser.add_argument(
            "--if-stale", action="store_true", help="Ne reconstruire que si l'index est absent ou en retard."
        )
        parser.add_argument("--repair", action="store_true", help="check : ré-indexer les écarts trouvés.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Rebuild or check the index, printing a summary."""
        if options["action"] == "check":
            self._check(repair=options["repair"])
            return
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

    def _check(self, *, repair: bool) -> None:
        """Differences between the index and the published projects; exit 1 when some remain."""
        diff = index_check(repair=repair)
        if not diff:
            self.stdout.write("Index conforme à la base : aucun document manquant, périmé ou en trop.")
            return
        for label, ids in (("manquants", diff.missing), ("périmés", diff.stale), ("en trop", diff.extra)):
            if ids:
                shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
                self.stdout.write(
                    f"  {label} : {len(ids)} (projets {shown}{'…' if len(ids) > SHOWN_IDS else ''})"
                )
        if diff.repaired:
            self.stdout.write(self.style.SUCCESS(f"Index réparé : {diff.as_text()} ré-indexés."))
            return
        raise CommandError(
            f"l'index diffère de la base ({diff.as_text()}) : `carrefour index check --repair` le répare"
        )
