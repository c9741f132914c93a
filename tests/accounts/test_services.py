"""Organisation services and public names."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import Membership, OrganisationSource
from carrefour.accounts.selectors import object_organisation_ids, user_display_name
from carrefour.accounts.services import (
    organisation_member_add,
    organisation_member_remove,
    organisation_source_add,
    organisation_source_remove,
)
from tests.accounts.conftest import account_create

pytestmark = pytest.mark.django_db


def test_a_source_belongs_to_one_organisation_at_most(world: dict[str, Any]) -> None:
    organisation_source_add(world["other_org"], world["own_source"])
    assert OrganisationSource.objects.filter(source=world["own_source"]).count() == 1
    assert object_organisation_ids(world["own_project"]) == {world["other_org"].pk}
    organisation_source_remove(world["other_org"], world["own_source"])
    assert object_organisation_ids(world["own_project"]) == set()


def test_members_are_added_promoted_and_removed(world: dict[str, Any]) -> None:
    user = account_create("membre@example.org")
    organisation_member_add(world["own_org"], user)
    organisation_member_add(world["own_org"], user, Membership.Role.ADMIN)
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN
    organisation_member_remove(world["own_org"], user)
    assert not Membership.objects.filter(user=user).exists()


def test_the_public_name_never_shows_the_address() -> None:
    user = account_create("discret@example.org")
    assert user_display_name(user) == f"Contributeur n° {user.pk}"
    assert user_display_name(None) == "compte supprimé"
