"""Admin of sources (harvest health, definition versions), harvest runs and lookup tables."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from carrefour.harvest.models import HarvestRun, LookupTable
from carrefour.harvest.selectors import source_status_rows
from carrefour.sources.models import Source, SourceVersion


class SourceVersionInline(admin.TabularInline):
    """The versions of a source's definition, newest first, read-only (they are saved as texts)."""

    model = SourceVersion
    fields = (
        "number",
        "status",
        "author",
        "comment",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        """Versions come from definition texts (partner space, sources import), never from this form."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        """A version is history: never edited."""
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Sources with the health of their harvests and the versions of their definitions."""

    list_display = (
        "slug",
        "name",
        "kind",
        "origin",
        "review_status",
        "enabled",
        "frequency_hours",
        "status",
        "last_success",
        "trend",
    )
    list_filter = ("origin", "review_status", "kind", "enabled", "fictional")
    search_fields = ("slug", "name")
    readonly_fields = (
        "definition",
        "definition_path",
        "origin",
        "review_status",
        "review_reason",
        "latest_errors",
    )
    inlines = [SourceVersionInline]

    def _row(self, obj: Source) -> dict[str, object]:
        """The status row of one source (see carrefour sources status)."""
        return source_status_rows(Source.objects.filter(pk=obj.pk))[0]

    @admin.display(description="Dernière exécution")
    def status(self, obj: Source) -> object:
        """Status of the last run."""
        return self._row(obj)["status"]

    @admin.display(description="Dernière réussite")
    def last_success(self, obj: Source) -> object:
        """Start of the last successful run."""
        return self._row(obj)["last_success"]

    @admin.display(description="Tendance (fiches vues)")
    def trend(self, obj: Source) -> object:
        """Records seen by the last runs, oldest first."""
        return self._row(obj)["trend"]

    @admin.display(description="Dernières erreurs")
    def latest_errors(self, obj: Source) -> str:
        """Message and errors of the last run."""
        row = self._row(obj)
        errors = row["errors"] if isinstance(row["errors"], list) else []
        lines = [str(row["message"])] + [f"{e['url']}: {e['reason']}" for e in errors]
        return "\n".join(line for line in lines if line)


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    """Every harvest run with its counts, errors and verdict."""

    list_display = (
        "source",
        "started_at",
        "status",
        "pages_fetched",
        "requests_made",
        "records_seen",
        "records_created",
        "records_updated",
        "records_unchanged",
        "records_rejected",
        "records_gone",
    )
    list_filter = ("status", "source")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in HarvestRun._meta.fields]


@admin.register(LookupTable)
class LookupTableAdmin(admin.ModelAdmin):
    """The lookup tables cached by each source's last complete read (code -> label), read-only."""

    list_display = ("source", "name", "entry_count", "fetched_at", "digest")
    list_filter = ("source",)
    search_fields = ("source__slug", "name")
    readonly_fields = [f.name for f in LookupTable._meta.fields]

    @admin.display(description="Entrées")
    def entry_count(self, obj: LookupTable) -> int:
        """Number of codes in the table."""
        return len(obj.entries)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """A table is a copy of what a harvest read, never typed by hand."""
        return False
