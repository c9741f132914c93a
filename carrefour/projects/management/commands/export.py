"""`carrefour export --format jsonl|csv|geojson [--output FILE]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.projects.exports import EXPORT_FORMATS, project_export, project_export_file


class Command(BaseCommand):
    """Export every published project in an open-data format."""

    help = "Exporte les projets publiés (JSON Lines, CSV ou GeoJSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare --format and --output."""
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl")
        parser.add_argument(
            "--output", "-o", type=Path, help="Fichier de sortie, gzip si .gz (défaut : sortie standard)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the export and a summary on stderr."""
        started = time.monotonic()
        output: Path | None = options["output"]
        try:
            if output is None:
                count = project_export(options["format"], sys.stdout)
            else:
                count = project_export_file(fmt=options["format"], path=output)
        except OSError as exc:
            raise CommandError(f"écriture impossible : {exc}") from exc
        self.stderr.write(
            f"{count} projets exportés ({options['format']}) en {time.monotonic() - started:.1f} s"
        )
