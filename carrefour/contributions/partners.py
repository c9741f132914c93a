"""Partner organisations told when their source contradicts a correction, and their projects in conflict."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from carrefour.accounts.models import Membership, Organisation, OrganisationSource
from carrefour.contributions.edits import field_label
from carrefour.contributions.models import Notification
from carrefour.projects.models import FieldOverride, Project, ProjectSource
from carrefour.projects.selectors import overrides_conflict_source_ids


def organisation_conflicts(organisation: Organisation) -> QuerySet[FieldOverride]:
    """Corrections that one of the organisation's sources contradicts: those its source pages list."""
    sources = set(
        OrganisationSource.objects.filter(organisation=organisation).values_list("source_id", flat=True)
    )
    projects = ProjectSource.objects.filter(source_id__in=sources, gone=False).values("project_id")
    fed = FieldOverride.objects.filter(conflict=True, project_id__in=projects)
    ids = [pk for pk, owners in overrides_conflict_source_ids(fed).items() if owners & sources]
    return (
        FieldOverride.objects.filter(pk__in=ids)
        .select_related("project")
        .order_by("project__title", "project_id", "field")
    )


def overrides_conflicted_notify(sender: Any, overrides: list[FieldOverride], **kwargs: Any) -> None:
    """Tell the members of the organisations that may settle these conflicts, one notification a project."""
    fields: dict[int, list[str]] = defaultdict(list)
    for override in overrides:
        fields[override.project_id].append(field_label(override.field))
    # The same owners as the source pages list the conflicts under: nobody is told of what they cannot act on.
    owners = overrides_conflict_source_ids(overrides)
    organisations_of = defaultdict(set)
    links = OrganisationSource.objects.filter(source_id__in={pk for ids in owners.values() for pk in ids})
    for source_id, organisation_id in links.values_list("source_id", "organisation_id"):
        organisations_of[source_id].add(organisation_id)
    organisations: dict[int, set[int]] = defaultdict(set)
    for override in overrides:
        for source_id in owners[override.pk]:
            for organisation_id in organisations_of[source_id]:
                organisations[organisation_id].add(override.project_id)
    if not organisations:
        return
    # A member of two organisations publishing the same project is told once.
    projects_of: dict[int, set[int]] = defaultdict(set)
    members = Membership.objects.filter(organisation_id__in=organisations)
    for organisation_id, user_id in members.values_list("organisation_id", "user_id"):
        projects_of[user_id] |= organisations[organisation_id]
    titles = dict(Project.objects.filter(pk__in=fields).values_list("pk", "title"))
    Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            message=f"La source a changé depuis la correction du projet « {titles[project_id]} » "
            f"({', '.join(fields[project_id])}) : la modération choisira entre la correction et "
            "la nouvelle valeur de votre source.",
        )
        for user_id, project_ids in projects_of.items()
        for project_id in sorted(project_ids)
    )
