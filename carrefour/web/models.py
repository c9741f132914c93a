"""Visitors' suggestions of corrections to a project, kept for moderation."""

from __future__ import annotations

from django.db import models

from carrefour.projects.models import Project


class CorrectionSuggestion(models.Model):
    """A correction proposed by a visitor; never applied automatically."""

    class Status(models.TextChoices):
        NEW = "nouvelle", "Nouvelle"
        ACCEPTED = "acceptee", "Acceptée"
        REJECTED = "refusee", "Refusée"

    class Field(models.TextChoices):
        TITLE = "title", "Titre"
        DESCRIPTION = "description", "Description"
        LOCATION = "location", "Localisation"
        THEMES = "themes", "Thèmes"
        ORGANIZATION = "organization", "Porteur"
        WEBSITE = "website", "Site web"
        STATUS = "status", "État d'avancement"
        DUPLICATE = "duplicate", "Doublon d'un autre projet"
        OTHER = "other", "Autre"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="correction_suggestions")
    field = models.CharField("champ concerné", max_length=20, choices=Field.choices)
    message = models.TextField("correction proposée", max_length=4000)
    email = models.EmailField("courriel (facultatif)", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "suggestion de correction"
        verbose_name_plural = "suggestions de correction"

    def __str__(self) -> str:
        return f"{self.project_id} — {self.get_field_display()}"
