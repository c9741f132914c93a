"""Admin: canonical projects, their publications and their fields set by hand."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from carrefour.projects.merge import LOCATION_COLUMNS
from carrefour.projects.models import FieldOverride, Project, ProjectSource


class ProjectSourceInline(admin.TabularInline):
    """Publications of a project on partner platforms."""

    model = ProjectSource
    extra = 0
    can_delete = False
    readonly_fields = ("source", "source_record_id", "url", "title", "first_seen_at", "last_seen_at", "gone")
    exclude = ("raw",)


class FieldOverrideInline(admin.TabularInline):
    """Fields set by hand, with the upstream value each replaced and any conflict with the sources."""

    model = FieldOverride
    extra = 0
    fields = ("field", "value", "upstream", "upstream_now", "conflict", "created_at", "change")
    readonly_fields = ("field", "value", "upstream", "upstream_now", "conflict", "created_at", "change")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Project | None = None) -> bool:
        """Overrides are set through project_fields_edit, which records the change and the upstream."""
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects, their publications and their fields set by hand (each edit recorded, with its upstream)."""

    list_display = (
        "title",
        "commune_name",
        "departement_code",
        "region_code",
        "status",
        "is_published",
        "fictional",
        "updated_at",
    )
    list_filter = ("is_published", "fictional", "region_code", "status")
    search_fields = ("title", "organization", "commune_name")
    # Only the merged fields are set by hand (as overrides, saved by orchestration.admin); the others
    # follow the sources.
    readonly_fields = (
        *LOCATION_COLUMNS,
        "network_key",
        "cluster",
        "provenance",
        "fictional",
        "is_published",
        "content_hash",
        "created_at",
        "updated_at",
    )
    inlines = [ProjectSourceInline, FieldOverrideInline]
