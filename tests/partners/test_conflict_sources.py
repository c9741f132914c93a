"""Settling a conflict through a source's page needs rights on that source, which must feed the project."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import Membership
from carrefour.accounts.services import organisation_member_add
from carrefour.projects.models import FieldOverride
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
