"""`carrefour pipeline rerun|resume`: run the stages after fetching on stored raw records, no harvest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.dedup.models import Cluster
from carrefour.harvest.models import RawRecord
from carrefour.orchestration.commands import command_guard, command_pipeline
from carrefour.orchestration.pipeline import pipeline_clusters_refresh
from carrefour.orchestration.reapply import sources_definitions, sources_reapply_pending
from carrefour.sources.services import source_load_all


class Command(BaseCommand):
    """Re-normalize, re-locate, re-cluster and re-merge stored records; or finish the pending ones."""

    help = (
        "rerun : relance normalisation, localisation, dédoublonnage et fusion sur les fiches déjà "
        "moissonnées ; resume : traite seulement les fiches en attente (après une interruption)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the action and the record selection."""
        parser.add_argument("action", choices=["rerun", "resume"])
        parser.add_argument("--source", action="append", default=[], help="slug d'une source (répétable)")
        parser.add_argument("--all", action="store_true", help="toutes les sources")
        parser.add_argument(
            "--no-reload", action="store_true", help="ne pas relire les définitions sources/*.yml"
        )
        parser.add_argument(
            "--merge-all",
            action="store_true",
            help="refusionner tous les projets (après un changement des règles de fusion)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Reload definitions, process the selected and pending raw records, print a summary."""
        if options["action"] == "resume":
            with command_guard(self):
                command_pipeline(self)
                # What a re-apply that failed or crashed left undone.
                sources_reapply_pending(sources_definitions())
            return
        if not options["source"] and not options["all"]:
            raise CommandError("indiquez --source SLUG ou --all")
        if not options["no_reload"]:
            # Vocabulary mappings live in the definition files: an edit there is what a rerun applies.
            source_load_all()
        raws = RawRecord.objects.all()
        if options["source"]:
            raws = raws.filter(source__slug__in=options["source"])
        with command_guard(self):
            command_pipeline(self, raws.values_list("pk", flat=True), force=True)
            if options["merge_all"]:
                changed = pipeline_clusters_refresh(Cluster.objects.values_list("pk", flat=True))
                self.stdout.write(f"Fusion : {len(changed)} projets modifiés")
