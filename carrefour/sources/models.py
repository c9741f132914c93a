"""Partner sources, as declared by their YAML definitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Source(models.Model):
    """A partner platform, as declared by its YAML definition (a file of the repository or a partner's)."""

    class Origin(models.TextChoices):
        FILE = "file", "Fichier du dépôt"
        PARTNER = "partner", "Espace partenaire"

    class Review(models.TextChoices):
        VALIDATED = "validated", "Validée"
        PENDING = "pending", "En attente de validation"
        REFUSED = "refused", "Refusée"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    website = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    # Fictional sources (the simulator) are flagged so that pages can say which data is invented.
    fictional = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    frequency_hours = models.PositiveIntegerField(default=24 * 7)
    definition = models.JSONField(default=dict, help_text="The parsed, validated YAML definition.")
    definition_path = models.CharField(max_length=500, blank=True)
    vocabularies_applied = models.JSONField(
        null=True,
        blank=True,
        default=None,
        help_text="The vocabularies block the stored records were last re-normalized with; null: unknown.",
    )
    # Partner-declared sources are bounded (hosts, pages, bytes, time) and run only once validated.
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FILE)
    review_status = models.CharField(max_length=10, choices=Review.choices, default=Review.VALIDATED)
    review_reason = models.TextField(blank=True, help_text="Why the administrators refused it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def platform(self) -> str:
        """Public, stable identifier of the platform in open-data exports (the slug unless declared)."""
        return str(self.definition.get("platform") or self.slug)


class SourceVersion(models.Model):
    """One saved state of a source's definition: who wrote it, when, and what the review decided."""

    class Status(models.TextChoices):
        # Became the source's live definition (the newest applied version is the one in service).
        APPLIED = "applied", "Appliquée"
        # A new source or a change of hosts waits for an administrator before it runs.
        PENDING = "pending", "En attente de validation"
        REFUSED = "refused", "Refusée"
        # A pending version replaced by a newer one before anybody reviewed it.
        WITHDRAWN = "withdrawn", "Remplacée avant validation"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # The YAML as its author wrote it (comments and order kept), and its parsed, validated form.
    text = models.TextField()
    definition = models.JSONField(default=dict)
    # None: imported from a file of the repository (`carrefour sources import`).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} v{self.number} ({self.status})"
