"""Admin: clusters of records; confirming or splitting one is a decision later harvests respect."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from carrefour.dedup.models import Cluster, ClusterDecision, ClusterMember
from carrefour.dedup.services import cluster_confirm


class ClusterMemberInline(admin.TabularInline):
    """Records of a cluster."""

    model = ClusterMember
    extra = 0
    can_delete = False
    fields = ("record", "score")
    readonly_fields = ("record", "score")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """Clusters, with the admin decisions that survive later harvests."""

    list_display = ("pk", "project", "size", "decided_by_admin", "created_at")
    list_filter = ("decided_by_admin",)
    search_fields = ("project__title",)
    inlines = [ClusterMemberInline]
    actions = ["confirm"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        """Clusters with their size and project."""
        return super().get_queryset(request).select_related("project").annotate(size=Count("members"))

    @admin.display(description="fiches", ordering="size")
    def size(self, obj: Cluster) -> int:
        """Number of records in the cluster."""
        return int(getattr(obj, "size", 0))

    @admin.action(description="Confirmer : ces fiches décrivent bien le même projet")
    def confirm(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        """Pin the selected clusters' records together."""
        for cluster in queryset:
            cluster_confirm(cluster)
        self.message_user(request, f"{queryset.count()} regroupement(s) confirmé(s).")


@admin.register(ClusterDecision)
class ClusterDecisionAdmin(admin.ModelAdmin):
    """Admin decisions on pairs of records (deleting one lets matching decide again)."""

    list_display = ("record_a", "kind", "record_b", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("record_a", "record_b")
