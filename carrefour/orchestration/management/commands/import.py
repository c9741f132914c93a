"""`carrefour import FILE`: load a file in the Carrefour's open-data format, then run the pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.harvest.corpus import corpus_import
from carrefour.orchestration.commands import command_guard, command_pipeline, command_stop_check


class Command(BaseCommand):
    """Import a JSON Lines corpus (e.g. the demo corpus), idempotently."""

    help = "Importe un fichier au format open data du Carrefour (JSON Lines, éventuellement .gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the file argument."""
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        """Import, process the pending records (these and any an earlier run left), print a summary."""
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"fichier introuvable : {path}")
        with command_guard(self):
            self._import(path)

    def _import(self, path: Path) -> None:
        """Store the file's records, then run the pipeline on every pending record."""
        started = time.monotonic()
        try:
            result = corpus_import(
                path, progress=lambda counts: self.stderr.write(f"stockage : {counts.seen} fiches")
            )
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise CommandError(f"lecture impossible de {path} : {exc}") from exc
        except ValueError as exc:  # a platform whose source is still waiting for its review
            raise CommandError(f"import de {path} refusé : {exc}") from exc
        self.stdout.write(
            f"Import de {path.name} : {result.lines} lignes, {result.counts.created} fiches créées, "
            f"{result.counts.updated} modifiées, {result.counts.unchanged} inchangées, "
            f"{len(result.rejected)} lignes rejetées "
            f"en {time.monotonic() - started:.1f} s"
        )
        for reason in result.rejected[:20]:
            self.stdout.write(f"  rejet — {reason}")
        command_stop_check()
        command_pipeline(self)
