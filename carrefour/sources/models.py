"""Partner sources (declared in YAML) and the record of every harvest run."""

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

    def last_run(self) -> HarvestRun | None:
        """The most recent run of this source."""
        return self.runs.order_by("-started_at").first()

    def last_success(self) -> HarvestRun | None:
        """The most recent successful run of this source."""
        return self.runs.filter(status=HarvestRun.Status.SUCCESS).order_by("-started_at").first()

    @property
    def platform(self) -> str:
        """Public, stable identifier of the platform in open-data exports (the slug unless declared)."""
        return str(self.definition.get("platform") or self.slug)


class HarvestRun(models.Model):
    """One harvest of one source: counts, errors and a health verdict."""

    class Status(models.TextChoices):
        RUNNING = "running", "En cours"
        SUCCESS = "success", "Réussi"
        SUSPICIOUS = "suspicious", "Suspect"
        FAILED = "failed", "Échoué"
        # Stopped (signal) or found `running` after its process died: its records stay pending.
        INTERRUPTED = "interrupted", "Interrompu"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    pages_fetched = models.PositiveIntegerField(default=0)
    requests_made = models.PositiveIntegerField(default=0, help_text="HTTP requests, retries included.")
    not_modified = models.PositiveIntegerField(default=0, help_text="Responses answered 304 (HTTP cache).")
    records_seen = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    records_rejected = models.PositiveIntegerField(default=0)
    records_gone = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{url, reason}], capped.")
    # Share of fetched records with each field filled (0-1): a collapse means the layout changed.
    field_fill = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source.slug} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
