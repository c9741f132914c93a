"""`carrefour tasks recover`: re-queue or fail the tasks that workers killed mid-task left running."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carrefour.orchestration.workers import tasks_recover


class Command(BaseCommand):
    """Find the tasks of dead workers (also done by every `carrefour worker` at start-up)."""

    help = (
        "recover : remet en file les tâches laissées « en cours » par un worker arrêté brutalement "
        "(ou les marque échouées si elles en ont déjà arrêté un)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the action."""
        parser.add_argument("action", choices=["recover"])

    def handle(self, *args: Any, **options: Any) -> None:
        """Recover and say what was done."""
        self.stdout.write(tasks_recover().as_text())
