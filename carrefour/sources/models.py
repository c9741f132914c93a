"""Partner sources, as declared by their YAML definitions."""

from __future__ import annotations

from django.db import models


class Source(models.Model):
    """A partner platform, as declared by its YAML definition file."""

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
