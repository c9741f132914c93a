"""Admin: normalized records, with the rejected ones and their reasons."""

from __future__ import annotations

from django.contrib import admin

from carrefour.normalize.models import Record


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    """Records with their validation errors and unmapped source values."""

    list_display = ("__str__", "source_slug", "is_valid", "errors", "warnings", "updated_at")
    list_filter = ("is_valid", "raw__source")
    search_fields = ("raw__source_record_id",)
    readonly_fields = (
        "raw", "data", "errors", "warnings", "is_valid", "unmapped", "inferred", "raw_hash", "updated_at"
    )

    @admin.display(description="source")
    def source_slug(self, obj: Record) -> str:
        """Slug of the record's source."""
        return obj.raw.source.slug

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """Join the raw record and its source for the list."""
        return super().get_queryset(request).select_related("raw__source")
