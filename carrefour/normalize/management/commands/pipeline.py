"""`carrefour pipeline rerun`: run the stages after fetching again on stored raw records, no harvest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.dedup.models import Cluster
from carrefour.harvest.models import RawRecord
from carrefour.pipeline import pipeline_clusters_refresh, pipeline_process
from carrefour.sources.services import source_load_all


class Command(BaseCommand):
    """Re-normalize, re-locate, re-cluster and re-merge stored records (after a vocabulary edit)."""

    help = "Relance normalisation, localisation, dédoublonnage et fusion sur les fiches déjà moissonnées."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the action and the record selection."""
        parser.add_argument("action", choices=["rerun"])
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
        """Reload definitions, re-process the selected raw records, print a summary."""
        if not options["source"] and not options["all"]:
            raise CommandError("indiquez --source SLUG ou --all")
        if not options["no_reload"]:
            # Vocabulary mappings live in the definition files: an edit there is what a rerun applies.
            source_load_all()
        raws = RawRecord.objects.all()
        if options["source"]:
            raws = raws.filter(source__slug__in=options["source"])
        ids = list(raws.values_list("pk", flat=True))
        summary = pipeline_process(
            ids,
            force=True,
            progress=lambda done, total: self.stderr.write(f"\rtraitement : {done}/{total}", ending=""),
        )
        self.stderr.write("")
        self.stdout.write(f"Pipeline : {summary.as_text()}")
        if options["merge_all"]:
            changed = pipeline_clusters_refresh(Cluster.objects.values_list("pk", flat=True))
            self.stdout.write(f"Fusion : {len(changed)} projets modifiés")
