"""`carrefour serve [--port N] [--no-worker]`: the site with granian on 127.0.0.1, and the task worker."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management.base import BaseCommand

from carrefour.projects.dumps import dumps_dir
from carrefour.web.exports import DUMPS_ROUTE
from carrefour.web.supervisor import children_supervise


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
    """Run the site with granian (2 processes × 4 threads) and `carrefour worker`, or the site alone."""

    help = (
        "Sert le site avec granian sur 127.0.0.1 et exécute les tâches en arrière-plan "
        "(`carrefour worker`) ; Ctrl-C ou SIGTERM arrête les deux."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --port and --no-worker."""
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT, help="Port d'écoute.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="le site seul (en production, le worker est un service systemd à part)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Supervise granian and the worker; with --no-worker, replace this process with granian."""
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
        downloads = dumps_dir()
        downloads.mkdir(parents=True, exist_ok=True)
        # granian reads and parses requests in Rust: a client that never finishes its headers holds
        # no Python thread (with gunicorn's threads, 8 of them froze the site), and is dropped after
        # the header timeout. The 4 threads of each process only run complete requests.
        argv = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "carrefour.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--blocking-threads",
            "4",
            "--http",
            "1",
            "--no-ws",
            "--http1-header-read-timeout",
            "10000",
            "--respawn-failed-workers",
            "--access-log",
            # The whole-corpus files straight from Rust: a slow downloader of 8 MB holds no Python thread
            # (12 of them froze the site when Django sent the file). Short cache: rebuilt after harvests.
            "--static-path-route",
            DUMPS_ROUTE,
            "--static-path-mount",
            str(downloads),
            "--static-path-expires",
            "300",
        ]
        if options["no_worker"]:
            os.execv(sys.executable, argv)  # noqa: S606 - fixed program, no shell
        worker = [sys.executable, "-m", "carrefour.cli", "worker"]
        code = children_supervise({"serveur web": argv, "worker": worker})
        if code:
            raise SystemExit(code)
