"""Settling a conflict through a source's page needs rights on that source, which must feed the project."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import Membership
from carrefour.accounts.services import organisation_member_add
from carrefour.orchestration.edits import override_conflict_resolve
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import ConflictSettledError
from tests.accounts.conftest import ROLES, account_create, signed_in
from tests.dedup.conftest import RawFactory
from tests.partners.test_dashboard import _conflict
from tests.search.factories import source_attach

pytestmark = pytest.mark.django_db
# Administrators of the site and members of the organisation of source-own ("own").
ALLOWED = {"org_member", "org_admin", "administrator", "superuser"}


def _merged(raw: RawFactory, world: dict[str, Any]) -> FieldOverride:
    """A conflict on a project source-own publishes, merged with a record of source-other."""
    override = _conflict(raw, "source-own")
    source_attach(override.project, world["other_source"], "other-merged")
    return override


def _other_member(world: dict[str, Any]) -> Any:
    """A member of the organisation of source-other."""
    user = account_create("membre-autre@example.org")
    organisation_member_add(world["other_org"], user, Membership.Role.MEMBER)
    return user


@pytest.mark.parametrize("role", ROLES)
def test_a_conflict_is_settled_through_its_source_by_its_organisation_only(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _merged(raw, world)
    response = signed_in(make_user(role)).post(
        f"/espace-partenaire/sources/source-own/conflits/{override.pk}/reprendre"
    )
    left = FieldOverride.objects.filter(pk=override.pk, conflict=True).exists()
    if role in ALLOWED:
        assert response.status_code == 302 and not left
    else:
        assert response.status_code == (302 if role == "visitor" else 403) and left
        assert role != "visitor" or "/compte/login" in response["Location"]


def test_a_member_of_another_feeding_organisation_cannot_use_the_source_s_address(
    world: dict[str, Any], raw: RawFactory
) -> None:
    override = _merged(raw, world)
    client = signed_in(_other_member(world))
    response = client.post(f"/espace-partenaire/sources/source-own/conflits/{override.pk}/garder")
    assert response.status_code == 403
    assert FieldOverride.objects.get(pk=override.pk).conflict


@pytest.mark.parametrize("role", ["org_member", "administrator"])
def test_a_source_that_does_not_feed_the_project_is_not_found(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _conflict(raw, "source-other", "Ressourcerie du canal")
    response = signed_in(make_user(role)).post(
        f"/espace-partenaire/sources/source-own/conflits/{override.pk}/garder"
    )
    assert response.status_code == 404
    assert FieldOverride.objects.get(pk=override.pk).conflict


@pytest.mark.parametrize("role", [*ROLES, "other_member"])
def test_nobody_settles_through_a_source_a_conflict_with_another_source_s_value(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    # source-own's new value contradicts the correction; source-other merely feeds the merged project.
    override = _merged(raw, world)
    user = _other_member(world) if role == "other_member" else make_user(role)
    client = signed_in(user)
    page = client.get("/espace-partenaire/sources/source-other/")
    response = client.post(f"/espace-partenaire/sources/source-other/conflits/{override.pk}/reprendre")
    assert FieldOverride.objects.get(pk=override.pk).conflict
    if role == "visitor":
        assert response.status_code == 302 and "/compte/login" in response["Location"]
    elif role in {"other_member", "administrator", "superuser"}:
        # Allowed on the source's page, which does not list the conflict: it is not found there.
        assert page.status_code == 200 and f"conflits/{override.pk}/" not in page.content.decode()
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def test_the_organisation_of_the_source_giving_the_value_settles_it_on_a_merged_project(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _conflict(raw, "source-other", "Ressourcerie du canal")
    source_attach(override.project, world["own_source"], "own-merged")
    own = signed_in(make_user("org_member"))
    assert own.post(f"/espace-partenaire/sources/source-own/conflits/{override.pk}/garder").status_code == 404
    other = signed_in(_other_member(world))
    response = other.post(f"/espace-partenaire/sources/source-other/conflits/{override.pk}/garder")
    assert response.status_code == 302
    assert not FieldOverride.objects.get(pk=override.pk).conflict


@pytest.mark.parametrize("first", ["garder", "reprendre"])
def test_a_conflict_settled_meanwhile_is_left_alone_with_a_message(
    first: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _conflict(raw, "source-own")
    stale = FieldOverride.objects.get(pk=override.pk)  # what a second request read before the first ended
    client = signed_in(make_user("org_member"))
    client.post(f"/espace-partenaire/sources/source-own/conflits/{override.pk}/{first}")
    project = Project.objects.get(pk=override.project_id)
    changes = ProjectChange.objects.filter(project=project).count()
    for keep in (True, False):
        with pytest.raises(ConflictSettledError, match="déjà été réglé entre-temps"):
            override_conflict_resolve(stale, None, keep=keep)
    assert ProjectChange.objects.filter(project=project).count() == changes
    project.refresh_from_db()
    expected = "Un jardin partagé de 300 m²." if first == "garder" else "Un jardin de 200 m²."
    assert project.summary == expected
    # Settled meanwhile, the conflict is no longer on the page: a second click finds nothing to settle.
    again = client.post(f"/espace-partenaire/sources/source-own/conflits/{override.pk}/garder")
    assert again.status_code == 404
