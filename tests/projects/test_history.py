"""Every change to a project recorded; overrides that survive re-harvest and say when the source changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from carrefour.dedup.models import Cluster
from carrefour.dedup.services import cluster_split
from carrefour.orchestration.pipeline import pipeline_clusters_refresh, pipeline_process
from carrefour.projects.history import overrides_in_conflict, project_history
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import (
    override_conflict_keep,
    override_conflict_take_upstream,
    project_change_revert,
    project_fields_edit,
)
from tests.dedup.conftest import RawFactory

pytestmark = pytest.mark.django_db
Kind = ProjectChange.Kind
PLACE = {"location_text": "93100 Montreuil", "organization": "Les Lilas"}


def _harvest(raw: RawFactory, **payload: Any) -> Project:
    """Source alpha publishes record 1 with these fields; the pipeline processes it."""
    record = raw("alpha", "1", **{"title": "Jardin des Lilas", **PLACE, **payload})
    pipeline_process([record.pk], update_index=False)
    return Project.objects.get(sources__raw=record)


def _kinds(project: Project) -> list[str]:
    return list(
        ProjectChange.objects.filter(project=project).order_by("at", "id").values_list("kind", flat=True)
    )


@pytest.fixture
def editor() -> User:
    return User.objects.create_user("moderatrice", first_name="Anne", last_name="Modère")


def test_creation_then_harvest_update_are_recorded_with_before_and_after(raw: RawFactory) -> None:
    project = _harvest(raw, summary="Un jardin partagé.")
    creation = ProjectChange.objects.get(project=project)
    assert (creation.kind, creation.source_slug, creation.fields) == (Kind.CREATION, "alpha", {})
    _harvest(raw, summary="Un jardin partagé et un verger.")
    update = project_history(project).object_list[0]
    assert (update.kind, update.source_slug, update.actor) == (Kind.HARVEST, "alpha", None)
    assert update.fields == {"summary": ["Un jardin partagé.", "Un jardin partagé et un verger."]}


def test_a_rerun_without_change_records_nothing(raw: RawFactory) -> None:
    project = _harvest(raw, summary="Un jardin partagé.")
    record = project.sources.get().raw
    pipeline_process([record.pk], force=True, update_index=False)
    pipeline_clusters_refresh([project.cluster_id])
    assert _kinds(project) == [Kind.CREATION]


def test_unpublishing_is_recorded(raw: RawFactory) -> None:
    project = _harvest(raw, summary="Un jardin partagé.")
    record = raw(
        "alpha", "1", title="", **PLACE
    )  # the record loses its title: dropped, the project unpublished
    pipeline_process([record.pk], update_index=False)
    assert _kinds(project) == [Kind.CREATION, Kind.UNPUBLISH]
    assert ProjectChange.objects.get(project=project, kind=Kind.UNPUBLISH).fields["is_published"] == [
        True,
        False,
    ]


def test_a_split_is_recorded_on_both_projects(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([a.pk, b.pk], update_index=False)
    cluster = Cluster.objects.get(members__record__raw=a)
    new = cluster_split(cluster, [b.record.pk])
    pipeline_clusters_refresh([cluster.pk, new.pk])
    kept, born = Project.objects.get(cluster=cluster), Project.objects.get(cluster=new)
    split = ProjectChange.objects.get(project=kept, kind=Kind.SPLIT)
    assert split.reason == f"1 publication(s) rattachée(s) au projet n° {born.pk}"
    assert ProjectChange.objects.get(project=born, kind=Kind.SPLIT).reason.endswith(f"projet n° {kept.pk}")


def test_an_override_survives_reharvest_and_a_source_change_raises_a_conflict(
    raw: RawFactory, editor: User
) -> None:
    project = _harvest(raw, summary="Un jardin.")
    change = project_fields_edit(
        project, {"summary": "Un jardin partagé <b>corrigé</b>"}, editor, reason="Vu sur place"
    )
    assert change is not None and change.fields == {"summary": ["Un jardin.", "Un jardin partagé corrigé"]}
    override = FieldOverride.objects.get(project=project)
    assert (override.value, override.upstream, override.conflict) == (
        "Un jardin partagé corrigé",
        "Un jardin.",
        False,
    )
    _harvest(raw, summary="Un jardin.", organization="Association Les Lilas")  # another field changes
    project.refresh_from_db()
    assert project.summary == "Un jardin partagé corrigé" and project.organization == "Association Les Lilas"
    assert not overrides_in_conflict().exists()
    _harvest(raw, summary="Un jardin de 300 m².", organization="Association Les Lilas")  # the source changes
    project.refresh_from_db()
    override.refresh_from_db()
    assert project.summary == "Un jardin partagé corrigé"  # the override still wins
    assert (override.conflict, override.upstream, override.upstream_now) == (
        True,
        "Un jardin.",
        "Un jardin de 300 m².",
    )
    assert list(overrides_in_conflict(project)) == [override]
    told = ProjectChange.objects.get(project=project, kind=Kind.SOURCE_CHANGED)
    assert (told.source_slug, told.fields) == ("alpha", {"summary": ["Un jardin.", "Un jardin de 300 m²."]})
    _harvest(raw, summary="Un jardin de 300 m².", organization="Les Lilas")  # same conflict: told once
    assert ProjectChange.objects.filter(project=project, kind=Kind.SOURCE_CHANGED).count() == 1


def test_keeping_or_taking_upstream_resolves_the_conflict(raw: RawFactory, editor: User) -> None:
    project = _harvest(raw, summary="Un jardin.")
    project_fields_edit(project, {"summary": "Un jardin corrigé."}, editor)
    _harvest(raw, summary="Un jardin v2.")
    override_conflict_keep(FieldOverride.objects.get(project=project), editor)
    override = FieldOverride.objects.get(project=project)
    assert (override.conflict, override.upstream, override.upstream_now) == (False, "Un jardin v2.", None)
    _harvest(raw, summary="Un jardin v2.", organization="Autre")
    assert not FieldOverride.objects.get(project=project).conflict
    _harvest(raw, summary="Un jardin v3.", organization="Autre")
    override_conflict_take_upstream(FieldOverride.objects.get(project=project), editor)
    project.refresh_from_db()
    assert project.summary == "Un jardin v3." and not FieldOverride.objects.filter(project=project).exists()
    _harvest(raw, summary="Un jardin v4.", organization="Autre")
    project.refresh_from_db()
    assert project.summary == "Un jardin v4."  # the sources lead again
    assert _kinds(project)[-3:] == [Kind.SOURCE_CHANGED, Kind.UPSTREAM_TAKEN, Kind.HARVEST]


def test_reverting_a_harvest_change_overrides_it_and_reverting_that_follows_the_source(
    raw: RawFactory, editor: User
) -> None:
    project = _harvest(raw, summary="Un jardin.")
    _harvest(raw, summary="Spam spam spam.")
    bad = project_history(project).object_list[0]
    revert = project_change_revert(bad, editor, "Texte abîmé par la source")
    project.refresh_from_db()
    assert project.summary == "Un jardin." and revert.reverts == bad and revert.actor == editor
    override = FieldOverride.objects.get(project=project)
    assert (override.value, override.upstream) == ("Un jardin.", "Spam spam spam.")
    project_change_revert(revert, editor)
    project.refresh_from_db()
    assert project.summary == "Spam spam spam." and not FieldOverride.objects.filter(project=project).exists()
    with pytest.raises(ValueError, match="déjà ces valeurs"):
        project_change_revert(revert, editor)


def test_bad_edits_are_refused_with_a_clear_message(raw: RawFactory, editor: User) -> None:
    project = _harvest(raw)
    with pytest.raises(ValueError, match="ne peut pas être modifié"):
        project_fields_edit(project, {"commune_code": "75056"}, editor)
    with pytest.raises(ValueError, match="année"):
        project_fields_edit(project, {"start_year": "vingt"}, editor)
    assert _kinds(project) == [Kind.CREATION]


def test_an_override_from_before_the_history_learns_its_upstream_without_conflict(raw: RawFactory) -> None:
    project = _harvest(raw, summary="Un jardin.")
    FieldOverride.objects.create(project=project, field="summary", value="Corrigé", upstream_known=False)
    _harvest(raw, summary="Un jardin qui a changé.")
    override = FieldOverride.objects.get(project=project)
    assert (override.upstream, override.upstream_known, override.conflict) == (
        "Un jardin qui a changé.",
        True,
        False,
    )
    project.refresh_from_db()
    assert project.summary == "Corrigé"


def test_an_admin_edit_becomes_a_recorded_override(raw: RawFactory, admin_client: Any) -> None:
    project = _harvest(raw, summary="Un jardin.")
    form = {
        name: getattr(project, name) or ""
        for name in ("title", "description", "actor_type", "organization", "scale", "status", "website")
    }
    form.update(
        summary="Un jardin et un rucher.",
        themes=json.dumps(project.themes),
        publics=json.dumps(project.publics),
        start_year=project.start_year or "",
    )
    for prefix, rows in (("sources", list(project.sources.all())), ("overrides", [])):
        form.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        form.update({f"{prefix}-{i}-id": row.pk for i, row in enumerate(rows)})
        form.update({f"{prefix}-{i}-project": project.pk for i in range(len(rows))})
    response = admin_client.post(reverse("admin:projects_project_change", args=[project.pk]), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    project.refresh_from_db()
    assert project.summary == "Un jardin et un rucher."
    change = project_history(project).object_list[0]
    assert (change.kind, change.reason, change.actor.username) == (Kind.MODERATION, "administration", "admin")
    assert FieldOverride.objects.get(project=project).upstream == "Un jardin."
