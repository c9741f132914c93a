"""Reports that two projects are one (a duplicate) or that one project mixes several: moderated, then
applied as dedup decisions that later harvests respect."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Max, Q, TextField, Value
from django.db.models.functions import Concat

from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.models import Contribution
from carrefour.dedup.models import ClusterMember
from carrefour.dedup.services import cluster_join, cluster_split
from carrefour.normalize.text import text_clean
from carrefour.orchestration.pipeline import pipeline_clusters_refresh
from carrefour.projects.models import Project, ProjectChange, ProjectSource

Kind = Contribution.Kind
DEDUP_KINDS = (Kind.DUPLICATE, Kind.NOT_DUPLICATE)
OPEN = (Contribution.Status.PENDING, Contribution.Status.PUBLISHED)
_PROJECT_URL = re.compile(r"/projets/(\d{1,12})(?:\D|$)")


def project_reference(text: str) -> int | None:
    """The project number in "12", "n° 12" or an address of its page; None when there is none."""
    text = (text or "").strip()
    found = _PROJECT_URL.search(text)
    if found:
        return int(found.group(1))
    digits = text.removeprefix("n°").strip()
    return int(digits) if digits.isdecimal() and len(digits) <= 12 else None


def _report_reason(reason: str) -> str:
    """The reporter's explanation as stored; ValueError when missing."""
    cleaned = text_clean(reason or "", max_length=2000, multiline=True)
    if not cleaned:
        raise ValueError("Expliquez en quelques mots ce qui vous fait dire cela.")
    return cleaned


def duplicate_report(project: Project, author: Any, other: str, reason: str) -> Contribution:
    """Report that `other` (a number or an address) is the same real project, for a moderator to merge.

    Raises ValueError (French message) for an unknown, unpublished or same project, or a pending report.
    """
    if not user_can(author, Action.REPORT_DUPLICATE, project):
        raise PermissionError("signaler un doublon n'est pas permis à ce compte")
    number = project_reference(other)
    if number is None:
        raise ValueError(
            "Indiquez le numéro ou l'adresse de l'autre projet, ou choisissez-le dans la recherche."
        )
    if number == project.pk:
        raise ValueError("Un projet ne peut pas être le doublon de lui-même : choisissez un autre projet.")
    found = Project.objects.filter(pk=number, is_published=True).first()
    if found is None:
        raise ValueError(f"Le projet n° {number} n'existe pas ou n'est pas publié.")
    pair = Q(project=project, other_project=found) | Q(project=found, other_project=project)
    if Contribution.objects.filter(pair, kind=Kind.DUPLICATE, status__in=OPEN).exists():
        raise ValueError("Ce doublon a déjà été signalé : il attend la modération.")
    return Contribution.objects.create(
        kind=Kind.DUPLICATE,
        project=project,
        other_project=found,
        author=author,
        reason=_report_reason(reason),
    )


def project_records(project: Project) -> list[tuple[int, ProjectSource | None]]:
    """The records (normalize.Record ids) the project is built from, each with its publication."""
    members = ClusterMember.objects.filter(cluster_id=project.cluster_id).select_related("record")
    raws = {m.record.raw_id: m.record_id for m in members}
    publications = {
        p.raw_id: p for p in ProjectSource.objects.filter(raw_id__in=raws).select_related("source")
    }
    return sorted(((record, publications.get(raw)) for raw, record in raws.items()), key=lambda pair: pair[0])


def not_duplicate_report(project: Project, author: Any, record_ids: list[int], reason: str) -> Contribution:
    """Report that some of the project's records describe another project, for a moderator to split.

    Raises ValueError (French message) when no record or every record is chosen, or one is already reported.
    """
    if not user_can(author, Action.REPORT_DUPLICATE, project):
        raise PermissionError("signaler des projets distincts n'est pas permis à ce compte")
    known = {record for record, _ in project_records(project)}
    chosen = sorted(set(record_ids) & known)
    if not chosen:
        raise ValueError("Choisissez la ou les fiches qui décrivent un autre projet.")
    if len(chosen) == len(known):
        raise ValueError(
            "Laissez au moins une fiche à ce projet : choisissez seulement celles qui en décrivent un autre."
        )
    pending = Contribution.objects.filter(project=project, kind=Kind.NOT_DUPLICATE, status__in=OPEN)
    if any(set(c.records) & set(chosen) for c in pending):
        raise ValueError("Ces fiches ont déjà été signalées : le signalement attend la modération.")
    return Contribution.objects.create(
        kind=Kind.NOT_DUPLICATE, project=project, records=chosen, author=author, reason=_report_reason(reason)
    )


def _merge(project: Project, other: Project | None) -> list[int]:
    """Join the two projects' clusters; ids of the clusters to merge again."""
    if other is None or not other.is_published or not project.is_published:
        raise ValueError("L'un des deux projets n'est plus publié.")
    # The older project keeps its number (and the addresses already shared); the other is emptied.
    keep, gone = sorted([project, other], key=lambda p: p.pk)
    # Its claims and corrections follow when the pipeline merges the projects again (projects_emptied).
    cluster_join(keep.cluster, gone.cluster)
    return [keep.cluster_id, gone.cluster_id]


def _split(project: Project, records: list[int]) -> list[int]:
    """Move the reported records still in the project's cluster to a new one; ids of both clusters."""
    members = ClusterMember.objects.filter(cluster_id=project.cluster_id)
    moved = set(members.values_list("record_id", flat=True)) & set(records)
    if not moved:
        raise ValueError("Ces fiches ne font plus partie du projet.")
    try:
        return [project.cluster_id, cluster_split(project.cluster, moved).pk]
    except ValueError as error:
        raise ValueError("Le projet n'a plus d'autre fiche : rien à séparer.") from error


def duplicate_apply(contribution: Contribution, moderator: Any) -> None:
    """Apply an accepted report: dedup decision, projects merged again and re-indexed, history signed.

    Raises ValueError (French message) when the projects changed since and the report no longer applies.
    """
    last = ProjectChange.objects.aggregate(last=Max("pk"))["last"] or 0
    if contribution.kind == Kind.DUPLICATE:
        clusters = _merge(contribution.project_required(), contribution.other_project)
    else:
        clusters = _split(contribution.project_required(), contribution.records)
    pipeline_clusters_refresh(clusters)
    # The pipeline writes the merge/split rows without an actor: who decided it, and on which report.
    ProjectChange.objects.filter(
        pk__gt=last,
        kind__in=[ProjectChange.Kind.MERGE, ProjectChange.Kind.SPLIT],
        project__cluster_id__in=clusters,
    ).update(
        actor=moderator,
        reason=Concat(
            "reason", Value(f" (signalement n° {contribution.pk} accepté)"), output_field=TextField()
        ),
    )
