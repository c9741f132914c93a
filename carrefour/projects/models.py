"""Canonical projects: one per cluster, merged field by field with provenance."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from carrefour.dedup.models import Cluster

# Where a project is: columns derived together by the territories stage, set by hand as one group.
LOCATION_COLUMNS = (
    "address",
    "postal_code",
    "commune_code",
    "commune_name",
    "epci_code",
    "departement_code",
    "region_code",
    "latitude",
    "longitude",
    "precision",
)
# The name of that group where a single field is expected (overrides, changes, contributions).
LOCATION = "location"


class Project(models.Model):
    """A real social-innovation project, as published on the Carrefour."""

    cluster = models.OneToOneField(Cluster, on_delete=models.PROTECT, related_name="project")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text="Sanitized HTML.")
    themes = models.JSONField(default=list, blank=True)
    publics = models.JSONField(default=list, blank=True)
    actor_type = models.CharField(max_length=40, blank=True)
    organization = models.CharField(max_length=300, blank=True)
    scale = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=40, blank=True, default="inconnu")
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    website = models.CharField(max_length=500, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)
    commune_name = models.CharField(max_length=200, blank=True)
    epci_code = models.CharField(max_length=9, blank=True)
    departement_code = models.CharField(max_length=3, blank=True, db_index=True)
    region_code = models.CharField(max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    precision = models.CharField(max_length=20, blank=True)
    # Title words without place names: the local sites of one network (one project per commune)
    # share it, which links them without merging them.
    network_key = models.CharField(max_length=300, blank=True, db_index=True)
    # {field: {"source": slug, "record": raw record id, "inferred": bool}}
    provenance = models.JSONField(default=dict, blank=True)
    fictional = models.BooleanField(default=False, help_text="Built only from fictional (simulated) sources.")
    is_published = models.BooleanField(default=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def location(self) -> dict[str, Any]:
        """The location columns as one value (the LOCATION group of overrides and contributions)."""
        return {name: getattr(self, name) for name in LOCATION_COLUMNS}

    @location.setter
    def location(self, value: dict[str, Any]) -> None:
        for name in LOCATION_COLUMNS:
            setattr(self, name, value.get(name))

    @property
    def slug(self) -> str:
        """URL slug derived from the title (the id is what identifies the project)."""
        return slugify(self.title)[:80] or "projet"


class ProjectSource(models.Model):
    """One publication of a project on a partner platform."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sources")
    raw = models.OneToOneField("harvest.RawRecord", on_delete=models.CASCADE, related_name="project_source")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+")
    source_record_id = models.CharField(max_length=500)
    url = models.CharField(max_length=2000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    gone = models.BooleanField(default=False)

    class Meta:
        ordering = ["source__name"]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.source_record_id}"


class ProjectChange(models.Model):
    """One recorded change to a project: who or which source, when, which fields before/after."""

    class Kind(models.TextChoices):
        CREATION = "creation", "Création"
        HARVEST = "harvest", "Mise à jour par la source"
        CONTRIBUTION = "contribution", "Contribution"
        MODERATION = "moderation", "Modération"
        MERGE = "merge", "Fusion"
        SPLIT = "split", "Séparation"
        UNPUBLISH = "unpublish", "Dépublication"
        REPUBLISH = "republish", "Republication"
        REVERT = "revert", "Annulation"
        SOURCE_CHANGED = "source_changed", "La source a changé depuis la correction"
        OVERRIDE_KEPT = "override_kept", "Correction conservée"
        UPSTREAM_TAKEN = "upstream_taken", "Valeur de la source reprise"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    # A deleted account leaves its changes, shown as "compte supprimé".
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Slugs of the sources whose values changed, comma-separated when several did at once.
    source_slug = models.CharField(max_length=300, blank=True)
    # {field: [before, after]}
    fields = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    reverts = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"], name="project_change_at")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class FieldOverride(models.Model):
    """A field of a project set by hand: wins over every source, keeps the upstream value it replaced."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(max_length=40)
    value = models.JSONField(null=True, blank=True)
    # What the sources gave when the override was set; unknown for overrides older than this record.
    upstream = models.JSONField(null=True, blank=True)
    upstream_known = models.BooleanField(default=True)
    # What the sources give now, when it differs from `upstream`: to keep the override or take it.
    upstream_now = models.JSONField(null=True, blank=True)
    conflict = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    change = models.ForeignKey(
        ProjectChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["project", "field"]
        constraints = [models.UniqueConstraint(fields=["project", "field"], name="field_override_unique")]

    def __str__(self) -> str:
        return f"{self.project_id}.{self.field}"
