"""`carrefour dumps build [--if-stale]`: the prebuilt whole-corpus downloads in the data directory."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carrefour.projects.dumps import dumps_build, dumps_dir, dumps_fresh


class Command(BaseCommand):
    """Build the whole-corpus downloads that the site serves as files."""

    help = "Écrit les téléchargements complets (JSON Lines, CSV, GeoJSON) dans le dossier de données."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action and --if-stale."""
        parser.add_argument("action", choices=["build"], help="build : écrire les fichiers.")
        parser.add_argument(
            "--if-stale", action="store_true", help="Ne rien faire si les fichiers sont à jour."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the dumps and a summary."""
        if options["if_stale"] and dumps_fresh():
            self.stdout.write("Téléchargements à jour : rien à faire.")
            return
        started = time.monotonic()
        try:
            counts = dumps_build()
        except OSError as exc:
            raise CommandError(f"écriture impossible : {exc}") from exc
        summary = ", ".join(f"{fmt} {count}" for fmt, count in counts.items())
        self.stdout.write(
            f"Téléchargements écrits dans {dumps_dir()} ({summary} projets) "
            f"en {time.monotonic() - started:.1f} s"
        )
