"""`carrefour serve [--port N]`: the site with gunicorn on 127.0.0.1."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management.base import BaseCommand


def static_stale() -> bool:
    """Whether a static source file is newer than the collected manifest (or nothing was collected)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False


class Command(BaseCommand):
    """Run the site with gunicorn (2 workers × 4 threads); static files through WhiteNoise."""

    help = "Sert le site avec gunicorn sur 127.0.0.1."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --port."""
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT, help="Port d'écoute.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Replace this process with gunicorn."""
        port = options["port"]
        # Hashed, compressed static files with far-future cache headers, collected again only when stale.
        if settings.PRODUCTION or static_stale():
            from django.core.management import call_command

            self.stdout.write("Préparation des fichiers statiques (quelques minutes la première fois)…")
            call_command("collectstatic", "--noinput", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Carrefour des innovations sociales : http://127.0.0.1:{port}/")
        )
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "carrefour.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - fixed program, no shell
