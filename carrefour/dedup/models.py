"""Clusters: the records that describe one real project, and the admin decisions about them."""

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
    """Membership of one record in one cluster, with the signature it was matched on."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="membership")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    score = models.FloatField(default=1.0)
    # dedup.signature.signature_build output: kept so that re-clustering never reloads whole records.
    signature = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.record_id} in {self.cluster_id}"


class ClusterDecision(models.Model):
    """An admin's word on two records: same project or not. Keyed by records, it outlives clusters."""

    class Kind(models.TextChoices):
        SAME = "same", "Même projet"
        DIFFERENT = "different", "Projets différents"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="cluster_decision_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_a_id} {self.kind} {self.record_b_id}"
