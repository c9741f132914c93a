"""Admin: normalized records, with the rejected ones and their reasons, and the unmapped values."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from carrefour.normalize.models import Record
from carrefour.normalize.selectors import unmapped_values
from carrefour.sources.models import Source


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    """Records with their validation errors and unmapped source values."""

    list_display = ("__str__", "source_slug", "is_valid", "errors", "warnings", "updated_at")
    list_filter = ("is_valid", "raw__source")
    search_fields = ("raw__source_record_id",)
    readonly_fields = (
        "raw",
        "data",
        "errors",
        "warnings",
        "is_valid",
        "unmapped",
        "inferred",
        "raw_hash",
        "updated_at",
    )

    @admin.display(description="source")
    def source_slug(self, obj: Record) -> str:
        """Slug of the record's source."""
        return obj.raw.source.slug

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """Join the raw record and its source for the list."""
        return super().get_queryset(request).select_related("raw__source")

    def get_urls(self) -> list[URLPattern]:
        """The review list of unmapped values next to the records list."""
        view = self.admin_site.admin_view(self.unmapped_view)
        return [path("unmapped/", view, name="normalize_record_unmapped"), *super().get_urls()]

    def unmapped_view(self, request: HttpRequest) -> HttpResponse:
        """Source terms without a mapping, with their frequency, filterable by source."""
        current = request.GET.get("source") or None
        context = {
            **self.admin_site.each_context(request),
            "rows": unmapped_values(source=current),
            "sources": list(Source.objects.values_list("slug", flat=True)),
            "current": current,
        }
        return TemplateResponse(request, "admin/normalize/unmapped.html", context)
