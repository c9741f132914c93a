"""Incremental clustering of records, stable cluster ids, and the admin's confirm / split decisions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from carrefour.db.bulk import keys_create, rows_keys_read, rows_update, values_insert
from carrefour.dedup.matching import blocks_build, candidate_pairs, clusters_compute
from carrefour.dedup.models import Cluster, ClusterDecision, ClusterMember
from carrefour.dedup.signature import SIGNATURE_VERSION, signature_build
from carrefour.normalize.models import Record

WRITE_BATCH = 1000


def _decisions(ids: set[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Admin links (same, different) between records of `ids`."""
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    rows = ClusterDecision.objects.values_list("kind", "record_a_id", "record_b_id")
    for kind, a, b in rows.iterator(chunk_size=5000):
        if a in ids and b in ids:
            (must if kind == ClusterDecision.Kind.SAME else cannot).append((a, b))
    return must, cannot


def _signatures_rebuild(record_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Signatures of members stored by an older signature_build, computed again from their records."""
    rows = Record.objects.filter(pk__in=record_ids).values_list("pk", "data", "raw__source_id")
    return {pk: signature_build(data, source_id) for pk, data, source_id in rows.iterator(chunk_size=1000)}


def _neighbourhood(
    changed: set[int], signatures: Mapping[int, Any], cluster_of: Mapping[int, int]
) -> tuple[set[int], dict[str, list[int]]]:
    """Records whose clustering may change: the changed ones, records sharing a block, their clusters."""
    blocks = blocks_build(signatures)
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, cluster_id in cluster_of.items():
        members[cluster_id].append(record_id)
    seeds = set(changed)
    for record_id in changed:
        if record_id in cluster_of:
            seeds.update(members[cluster_of[record_id]])
    area = set(seeds)
    for ids in blocks.values():
        if any(i in seeds for i in ids):
            area.update(ids)
    for record_id in list(area):
        if record_id in cluster_of:
            area.update(members[cluster_of[record_id]])
    return area, blocks


def _assign(groups: list[list[int]], cluster_of: Mapping[int, int]) -> dict[int, int]:
    """Record → cluster id; a group keeps the existing cluster holding most of its records."""
    result: dict[int, int] = {}
    taken: set[int] = set()
    fresh: list[list[int]] = []
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        counts = Counter(cluster_of[r] for r in group if r in cluster_of)
        best = next(
            (c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c not in taken), None
        )
        if best is None:
            fresh.append(group)
            continue
        taken.add(best)
        result.update((r, best) for r in group)
    for group, cluster_id in zip(fresh, keys_create(Cluster, len(fresh)), strict=True):
        result.update((r, cluster_id) for r in group)
    return result


@transaction.atomic
def clusters_update(
    changed: Mapping[int, dict[str, Any]], removed: Iterable[int] = (), *, workers: int = 1
) -> set[int]:
    """Re-cluster around changed records (id → new signature); ids of clusters whose project must change.

    Only the neighbourhood of the changed records is re-decided; a project keeps its cluster (and id)
    when it keeps most of its records. `removed` records (now invalid) leave their cluster. Pairs
    are scored in `workers` processes.
    """
    removed = set(removed)
    signatures: dict[int, Any] = {}
    cluster_of: dict[int, int] = {}
    rows = ClusterMember.objects.values_list("record_id", "cluster_id", "signature")
    for record_id, cluster_id, signature in rows.iterator(chunk_size=5000):
        cluster_of[record_id] = cluster_id
        signatures[record_id] = signature
    touched = {cluster_of[r] for r in removed if r in cluster_of}
    if removed:
        ClusterMember.objects.filter(record_id__in=removed).delete()
    for record_id in removed:
        cluster_of.pop(record_id, None)
        signatures.pop(record_id, None)
    changed = dict(changed)
    stale = [r for r, sig in signatures.items() if sig.get("v") != SIGNATURE_VERSION and r not in changed]
    changed.update(_signatures_rebuild(stale))
    signatures.update(changed)
    area, blocks = _neighbourhood(set(changed), signatures, cluster_of)
    pairs = candidate_pairs(blocks.values(), among=area)
    must, cannot = _decisions(area)
    groups = clusters_compute({r: signatures[r] for r in area}, pairs, must, cannot, workers)
    assigned = _assign(groups, {r: c for r, c in cluster_of.items() if r in area})
    creates: list[dict[str, Any]] = []
    updates: list[ClusterMember] = []
    for record_id, cluster_id in assigned.items():
        old = cluster_of.get(record_id)
        if old is None:
            creates.append(
                {"record_id": record_id, "cluster_id": cluster_id, "signature": signatures[record_id]}
            )
            touched.add(cluster_id)
        elif old != cluster_id or record_id in changed:
            updates.append(
                ClusterMember(record_id=record_id, cluster_id=cluster_id, signature=signatures[record_id])
            )
            touched.update((old, cluster_id))
    values_insert(ClusterMember, creates, batch=WRITE_BATCH)
    rows_keys_read(updates, "record_id")
    rows_update(updates, ["cluster", "signature"])
    return touched


def _link(kind: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Record admin decisions, replacing any earlier decision on the same pairs."""
    pairs = [(min(a, b), max(a, b)) for a, b in pairs if a != b]
    for a, b in pairs:
        ClusterDecision.objects.filter(Q(record_a_id=a, record_b_id=b)).delete()
    ClusterDecision.objects.bulk_create(
        [ClusterDecision(kind=kind, record_a_id=a, record_b_id=b) for a, b in pairs], batch_size=WRITE_BATCH
    )


@transaction.atomic
def cluster_confirm(cluster: Cluster) -> None:
    """Admin confirmation: the cluster's records stay together through every later harvest."""
    ids = sorted(cluster.members.values_list("record_id", flat=True))
    _link(ClusterDecision.Kind.SAME, [(ids[0], other) for other in ids[1:]])
    Cluster.objects.filter(pk=cluster.pk).update(decided_by_admin=True)


@transaction.atomic
def cluster_split(cluster: Cluster, record_ids: Iterable[int]) -> Cluster:
    """Move records out of a cluster into a new one, for good; returns the new cluster."""
    moved = sorted(set(record_ids))
    members = ClusterMember.objects.filter(cluster=cluster)
    kept = sorted(set(members.values_list("record_id", flat=True)) - set(moved))
    if not moved or not kept:
        raise ValueError("un découpage doit laisser au moins une fiche de chaque côté")
    _link(ClusterDecision.Kind.DIFFERENT, [(a, b) for a in moved for b in kept])
    _link(ClusterDecision.Kind.SAME, [(moved[0], r) for r in moved[1:]] + [(kept[0], r) for r in kept[1:]])
    new = Cluster.objects.create(decided_by_admin=True)
    members.filter(record_id__in=moved).update(cluster=new)
    Cluster.objects.filter(pk=cluster.pk).update(decided_by_admin=True)
    return new


@transaction.atomic
def cluster_join(keep: Cluster, other: Cluster) -> None:
    """Move every record of `other` into `keep`, for good: one project (`other` is left empty)."""
    if keep.pk == other.pk:
        raise ValueError("un regroupement ne peut être fusionné avec lui-même")
    ids = list(ClusterMember.objects.filter(cluster__in=[keep, other]).values_list("record_id", flat=True))
    # Earlier "different" decisions between these records would keep them apart at the next harvest.
    ClusterDecision.objects.filter(
        kind=ClusterDecision.Kind.DIFFERENT, record_a_id__in=ids, record_b_id__in=ids
    ).delete()
    ClusterMember.objects.filter(cluster=other).update(cluster=keep)
    cluster_confirm(keep)
    Cluster.objects.filter(pk=other.pk).update(decided_by_admin=True)
