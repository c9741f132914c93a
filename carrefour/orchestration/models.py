"""Jobs: long work the worker runs for a page, with the progress and summary that page shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carrefour.sources.models import Source


class Job(models.Model):
    """One web-triggered task: its progress (counts, stage) written by the worker, read by the page."""

    class Kind(models.TextChoices):
        CLUSTERS_REFRESH = "clusters_refresh", "Séparation de regroupements : fusion et index"
        SOURCE_PREVIEW = "source_preview", "Aperçu d'une définition de source"
        MAPPING_REAPPLY = "mapping_reapply", "Correspondances de vocabulaire : nouveau traitement des fiches"
        HARVEST_NOW = "harvest_now", "Moisson demandée depuis l'espace partenaire"

    kind = models.CharField("travail", max_length=40, choices=Kind.choices)
    # Id of the django-tasks result: its status and error are read from the task backend.
    task_id = models.CharField("tâche", max_length=64, blank=True)
    stage = models.CharField("étape", max_length=80, blank=True)
    done = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("total", default=0)
    summary = models.TextField("résumé", blank=True)
    # What the page shows once the task is over (a preview's report); JSON written by the task.
    result = models.JSONField("résultat", null=True, blank=True)
    # The source a partner's job works on and who started it: the partner job page is theirs to see.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="source"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lancé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"
