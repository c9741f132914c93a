"""Records mapped to the common schema, with their validation errors."""

from __future__ import annotations

from django.db import models

from carrefour.harvest.models import RawRecord


class Record(models.Model):
    """The common-schema view of one raw record (located, before de-duplication)."""

    raw = models.OneToOneField(RawRecord, on_delete=models.CASCADE, related_name="record")
    # Common schema (schema/project.schema.json) minus the sources block; codes, not labels.
    data = models.JSONField(default=dict)
    # Fields whose value was inferred rather than given by the source, e.g. ["themes"].
    inferred = models.JSONField(default=list, blank=True)
    # Validation errors [{field, message}]; a record with errors is kept but not published.
    errors = models.JSONField(default=list, blank=True)
    is_valid = models.BooleanField(default=True, db_index=True)
    # Problems that do not prevent publication [{field, message}], e.g. a place nobody could locate.
    warnings = models.JSONField(default=list, blank=True)
    # Unmapped source values {field: [value, …]}, for the vocabulary review list.
    unmapped = models.JSONField(default=dict, blank=True)
    raw_hash = models.CharField(max_length=64, help_text="Content hash of the raw payload it was built from.")
    # The raw record's state (active/gone) its cluster's project was last merged with: with raw_hash,
    # a durable fact telling whether the raw record still needs the pipeline (see raw_records_pending).
    raw_state = models.CharField(max_length=10, default="active")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.data.get("title") or self.raw)
