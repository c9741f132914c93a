"""Moderation of visitors' correction suggestions."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from carrefour.web.models import CorrectionSuggestion


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    """List, read and accept or refuse suggestions."""

    list_display = ("created_at", "project", "field", "status")
    list_filter = ("status", "field")
    search_fields = ("message", "project__title")
    readonly_fields = ("project", "field", "message", "email", "created_at", "moderated_at")
    actions = ("accept", "reject")

    @admin.action(description="Marquer comme acceptées")
    def accept(self, request: HttpRequest, queryset: QuerySet[CorrectionSuggestion]) -> None:
        """Accepted: the editor applies it by editing the project (a recorded field override)."""
        queryset.update(status=CorrectionSuggestion.Status.ACCEPTED, moderated_at=timezone.now())

    @admin.action(description="Marquer comme refusées")
    def reject(self, request: HttpRequest, queryset: QuerySet[CorrectionSuggestion]) -> None:
        """Refused."""
        queryset.update(status=CorrectionSuggestion.Status.REJECTED, moderated_at=timezone.now())
