"""Harvest runs of the sources and raw records exactly as extracted, before any mapping."""

from __future__ import annotations

from django.db import models

from carrefour.sources.models import Source


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
    # Records the definition's `filters` skipped: [[reason, count], …], most frequent first (a list, as
    # PostgreSQL's jsonb reorders object keys); not errors.
    records_skipped = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="[{url, reason}], capped.")
    # Share of fetched records with each field filled (0-1): a collapse means the layout changed.
    field_fill = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        # The table keeps the name it had when the model lived in the sources app (no data moves).
        db_table = "sources_harvestrun"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source.slug} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class RawRecord(models.Model):
    """One record of one source, keyed by (source, source_record_id), updated in place."""

    class State(models.TextChoices):
        ACTIVE = "active", "Présent"
        GONE = "gone", "Disparu de la source"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="raw_records")
    source_record_id = models.CharField(max_length=500)
    url = models.CharField(max_length=2000, blank=True)
    # Field name -> extracted value (str, list of str, number or null), before vocabulary mapping.
    payload = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64, db_index=True)
    fetched_at = models.DateTimeField()
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    last_run = models.ForeignKey(
        HarvestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The run that last created or changed this record (content, or state gone/back): the pipeline
    # re-normalizes exactly the records whose changed_run is the run it is processing.
    changed_run = models.ForeignKey(
        HarvestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="changed_raw_records"
    )
    # The detail link as listed by the source (before redirects) and what the list said of it
    # (sitemap lastmod, API modification date, card text): an unchanged entry is not re-fetched.
    listed_url = models.CharField(max_length=2000, blank=True, default="")
    list_version = models.CharField(max_length=500, null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    missed_runs = models.PositiveIntegerField(default=0, help_text="Successful runs in a row without it.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_record_id"], name="raw_record_source_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source.slug}:{self.source_record_id}"


class LookupTable(models.Model):
    """The last complete copy of a source's lookup table (code -> label), stored with its run's records.

    Read again by every run: a changed digest means new labels for every record; an endpoint down or
    broken falls back on this copy.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="lookup_tables")
    name = models.CharField(max_length=50)
    digest = models.CharField(max_length=64)
    entries = models.JSONField(default=dict)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="lookup_table_source_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source.slug}:{self.name}"
