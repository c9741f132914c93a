"""Admin: canonical projects, their publications and editorial overrides."""

from __future__ import annotations

from django.contrib import admin

from carrefour.projects.models import Project, ProjectSource


class ProjectSourceInline(admin.TabularInline):
    """Publications of a project on partner platforms."""

    model = ProjectSource
    extra = 0
    can_delete = False
    readonly_fields = ("source", "source_record_id", "url", "title", "first_seen_at", "last_seen_at", "gone")
    exclude = ("raw",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects; `overrides` holds editorial corrections that win over every source."""

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
    readonly_fields = ("cluster", "provenance", "content_hash", "created_at", "updated_at")
    inlines = [ProjectSourceInline]
