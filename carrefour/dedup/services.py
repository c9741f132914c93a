"""Assign records to clusters. Walking skeleton: one cluster per record (matching comes later)."""

from __future__ import annotations

from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.normalize.models import Record


def cluster_assign(record: Record) -> Cluster:
    """Cluster of a record, created on first sight and kept stable across harvests."""
    membership = ClusterMember.objects.filter(record=record).select_related("cluster").first()
    if membership is not None:
        return membership.cluster
    cluster = Cluster.objects.create()
    ClusterMember.objects.create(record=record, cluster=cluster)
    return cluster
