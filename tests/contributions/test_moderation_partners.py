"""Members of a partner organisation are told when a re-harvest of its source contradicts a correction."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.accounts.models import Membership
from carrefour.accounts.services import organisation_create, organisation_member_add, organisation_source_add
from carrefour.contributions.models import Notification
from carrefour.contributions.partners import organisation_conflicts
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import FieldOverride, Project
from carrefour.projects.overrides import override_conflict_keep, project_fields_edit
from carrefour.sources.models import Source
from tests.accounts.conftest import ROLES
from tests.dedup.conftest import RawFactory

pytestmark = pytest.mark.django_db
PLACE = {"location_text": "93100 Montreuil", "organization": "Les Lilas"}


def _harvest(raw: RawFactory, **payload: Any) -> Project:
    """The "own" organisation's source publishes record 1 with these fields; the pipeline processes it."""
    record = raw("source-own", "1", **{"title": "Jardin des Lilas", **PLACE, **payload})
    pipeline_process([record.pk], update_index=False)
    return Project.objects.get(sources__raw=record)


@pytest.mark.parametrize("role", ROLES)
def test_members_of_the_publishing_organisation_and_only_they_are_told(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    user = make_user(role)
    project = _harvest(raw, summary="Un jardin.")
    project_fields_edit(project, {"summary": "Un jardin partagé de 300 m²."}, None, reason="Vu sur place")
    _harvest(raw, summary="Un jardin.", organization="Association Les Lilas")  # another field: no conflict
    assert not Notification.objects.exists()
    _harvest(raw, summary="Un jardin de 200 m².")  # the source contradicts the correction
    told = role in ("org_member", "org_admin")
    notifications = Notification.objects.filter(user_id=getattr(user, "pk", None))
    assert notifications.exists() is told
    if told:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get("/compte/notifications").content.decode()
        assert "La source a changé depuis la correction du projet « Jardin des Lilas » (Résumé)" in page
    assert [o.project_id for o in organisation_conflicts(world["own_org"])] == [project.pk]
    assert not organisation_conflicts(world["other_org"]).exists()


def test_each_member_is_told_once_a_project_and_again_only_when_the_source_changes_again(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    member = make_user("org_member")
    # A second organisation publishing the same project (its own source), with the same member.
    second = organisation_create(name="Organisation bis", slug="organisation-bis")
    organisation_member_add(second, member, Membership.Role.MEMBER)
    bis = raw("source-bis", "9", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    organisation_source_add(second, Source.objects.get(slug="source-bis"))
    project = _harvest(raw, summary="Un jardin.")
    pipeline_process([bis.pk], update_index=False)
    assert project.sources.filter(gone=False).count() == 2  # one project, published by both

    def both(**payload: Any) -> None:
        """Both sources publish the same new values."""
        records = [
            raw(slug, key, **{**PLACE, **payload}) for slug, key in (("source-own", "1"), ("source-bis", "9"))
        ]
        pipeline_process([record.pk for record in records], update_index=False)

    project_fields_edit(project, {"summary": "Corrigé.", "title": "Jardin partagé des Lilas"}, None)
    both(summary="Un jardin v2.", title="Jardin des Lilas (v2)")
    messages = list(Notification.objects.filter(user=member).values_list("message", flat=True))
    assert len(messages) == 1 and "Titre" in messages[0] and "Résumé" in messages[0]
    both(summary="Un jardin v2.", title="Jardin des Lilas (v2)")  # nothing new
    assert Notification.objects.filter(user=member).count() == 1
    for override in FieldOverride.objects.filter(conflict=True):
        override_conflict_keep(override, None)
    assert not organisation_conflicts(world["own_org"]).exists()
    both(summary="Un jardin v3.", title="Jardin des Lilas (v2)")  # a new conflict
    assert Notification.objects.filter(user=member).count() == 2
