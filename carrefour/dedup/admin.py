"""Admin: clusters of records; confirming or splitting one is a decision later harvests respect."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from carrefour.dedup.models import Cluster, ClusterDecision, ClusterMember
from carrefour.dedup.services import cluster_confirm, cluster_split
from carrefour.pipeline import pipeline_clusters_refresh


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


@admin.register(ClusterMember)
class ClusterMemberAdmin(admin.ModelAdmin):
    """Records in clusters: select some of one cluster to split them out into their own project."""

    list_display = ("record", "cluster", "score")
    list_filter = ("cluster__decided_by_admin",)
    search_fields = ("=cluster__id", "record__raw__source_record_id")
    raw_id_fields = ("record", "cluster")
    actions = ["split"]

    @admin.action(description="Séparer : ces fiches forment un autre projet")
    def split(self, request: HttpRequest, queryset: QuerySet[ClusterMember]) -> None:
        """Move the selected records out of their cluster, for good."""
        by_cluster: dict[int, list[int]] = defaultdict(list)
        for member in queryset:
            by_cluster[member.cluster_id].append(member.record_id)
        touched: list[int] = []
        for cluster_id, record_ids in by_cluster.items():
            try:
                new = cluster_split(Cluster.objects.get(pk=cluster_id), record_ids)
            except ValueError as exc:
                self.message_user(request, f"regroupement {cluster_id} : {exc}", level=messages.ERROR)
                continue
            touched += [cluster_id, new.pk]
        pipeline_clusters_refresh(touched)
        self.message_user(request, f"{len(touched) // 2} regroupement(s) séparé(s).")


@admin.register(ClusterDecision)
class ClusterDecisionAdmin(admin.ModelAdmin):
    """Admin decisions on pairs of records (deleting one lets matching decide again)."""

    list_display = ("record_a", "kind", "record_b", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("record_a", "record_b")
