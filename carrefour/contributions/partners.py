"""Partner organisations told when their source contradicts a correction, and their projects in conflict."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from carrefour.accounts.models import Membership, Organisation, OrganisationSource
from carrefour.contributions.edits import field_label
from carrefour.contributions.models import Notification
from carrefour.projects.models import FieldOverride, Project, ProjectSource


def organisation_conflicts(organisation: Organisation) -> QuerySet[FieldOverride]:
    """Fields of the projects the organisation's sources publish whose source contradicts a correction."""
    sources = OrganisationSource.objects.filter(organisation=organisation).values("source_id")
    projects = ProjectSource.objects.filter(source_id__in=sources, gone=False).values("project_id")
    return (
        FieldOverride.objects.filter(conflict=True, project_id__in=projects)
        .select_related("project")
        .order_by("project__title", "project_id", "field")
    )


def overrides_conflicted_notify(sender: Any, overrides: list[FieldOverride], **kwargs: Any) -> None:
    """Tell the members of the organisations publishing these projects, one notification a project."""
    fields: dict[int, list[str]] = defaultdict(list)
    for override in overrides:
        fields[override.project_id].append(field_label(override.field))
    links = ProjectSource.objects.filter(
        project_id__in=fields, gone=False, source__organisation_link__isnull=False
    )
    organisations: dict[int, set[int]] = defaultdict(set)
    for project_id, organisation_id in links.values_list(
        "project_id", "source__organisation_link__organisation_id"
    ):
        organisations[organisation_id].add(project_id)
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
