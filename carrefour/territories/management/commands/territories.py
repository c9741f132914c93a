"""`carrefour territories load`: load the territories reference from node_modules."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carrefour.territories.gazetteer import gazetteer_reload
from carrefour.territories.loader import territories_load


class Command(BaseCommand):
    """Territories reference management."""

    help = "Référentiel territorial : `load` charge communes, EPCI, départements et régions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the `load` subcommand."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Charger ou mettre à jour le référentiel.")
        load.add_argument(
            "--force", action="store_true", help="Recharger même si les sources sont inchangées."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the subcommand."""
        if options["subcommand"] != "load":
            raise CommandError(f"unknown subcommand {options['subcommand']!r}")
        try:
            report = territories_load(force=options["force"], log=self.stdout.write)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        if report.up_to_date:
            return
        gazetteer_reload()
        counts = ", ".join(f"{count} {name}" for name, count in report.counts.items())
        approximations = ", ".join(f"{n} by {kind}" for kind, n in report.approximations.items()) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Territories loaded in {report.seconds:.1f} s: {counts}; "
                f"approximated coordinates: {approximations}; "
                f"without coordinates: {report.without_coordinates}; removed: {report.removed}."
            )
        )
