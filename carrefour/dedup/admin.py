"""Admin: clusters of records."""

from __future__ import annotations

from django.contrib import admin

from carrefour.dedup.models import Cluster, ClusterMember


class ClusterMemberInline(admin.TabularInline):
    """Records of a cluster."""

    model = ClusterMember
    extra = 0
    raw_id_fields = ("record",)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """Clusters, with the admin decisions that survive later harvests."""

    list_display = ("pk", "decided_by_admin", "created_at")
    inlines = [ClusterMemberInline]
