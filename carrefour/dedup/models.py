"""Clusters: the records that describe one real project."""

from __future__ import annotations

from django.db import models

from carrefour.normalize.models import Record


class Cluster(models.Model):
    """A set of records describing the same real project."""

    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an admin confirmed or split it: such decisions survive later harvests.
    decided_by_admin = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"cluster {self.pk}"


class ClusterMember(models.Model):
    """Membership of one record in one cluster."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="membership")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    score = models.FloatField(default=1.0)

    def __str__(self) -> str:
        return f"{self.record_id} in {self.cluster_id}"
