"""`carrefour worker`: run background tasks (django-tasks-db's worker, after recovering dead ones' tasks)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from carrefour.orchestration.workers import tasks_recover, worker_lock


class Command(BaseCommand):
    """Hold a worker lock, re-queue what dead workers left running, then run tasks until stopped."""

    help = (
        "Exécute les tâches en arrière-plan (ré-indexation, courriels, travaux lancés depuis "
        "l'administration). SIGTERM ou Ctrl-C : termine la tâche en cours puis s'arrête ; un second "
        "signal l'interrompt (elle est marquée échouée)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare --batch and --interval."""
        parser.add_argument("--batch", action="store_true", help="exécute les tâches en file puis s'arrête")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="secondes entre deux regards sur une file vide"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the library's worker under this worker's lock."""
        worker_id = get_random_string(32)
        with worker_lock(worker_id):
            recovery = tasks_recover()
            if recovery.requeued or recovery.failed:
                self.stderr.write(recovery.as_text())
            argv = ["--worker-id", worker_id, "--no-reload", "--interval", str(options["interval"])]
            if options["batch"]:
                argv += ["--batch", "--no-startup-delay"]
            call_command("db_worker", *argv, verbosity=options["verbosity"], stdout=self.stdout)
