"""The admin's role, trust, block and organisation screens obey the permission matrix, for every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carrefour.accounts.models import Membership, Organisation, OrganisationSource, Profile, UserBlock
from carrefour.accounts.roles import Action, user_can
from tests.accounts.conftest import ROLES, account_create
from tests.search.factories import source_create

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Roles that reach the admin at all (is_staff) and what they may do there.
MAY_BLOCK = {"moderator", "administrator", "superuser"}
MAY_MANAGE_ROLES = {"administrator", "superuser"}


def _admin(settings: Any) -> str:
    return f"/{settings.ADMIN_PATH}/accounts"


def _client(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_naming_a_moderator(role: str, make_user: Callable[[str], Any], settings: Any) -> None:
    user = make_user(role)
    target = account_create("cible@example.org")
    _client(user).post(
        f"{_admin(settings)}/profile/",
        {"action": "make_moderator", "_selected_action": [target.profile.pk]},
    )
    target.refresh_from_db()
    assert (target.profile.staff_role == Profile.Staff.MODERATOR) is (role in MAY_MANAGE_ROLES)
    assert target.is_staff is (role in MAY_MANAGE_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_blocking_an_account(role: str, make_user: Callable[[str], Any], settings: Any) -> None:
    user = make_user(role)
    target = account_create("cible@example.org")
    until = (timezone.localtime() + timedelta(days=3)).replace(microsecond=0)
    _client(user).post(
        f"{_admin(settings)}/userblock/add/",
        {
            "user": target.pk,
            "reason": "Spam",
            "until_0": until.strftime("%d/%m/%Y"),
            "until_1": until.strftime("%H:%M:%S"),
        },
    )
    blocks = UserBlock.objects.filter(user=target)
    assert blocks.exists() is (role in MAY_BLOCK)
    if role in MAY_BLOCK:
        assert blocks.get().created_by == user and blocks.get().until == until
        assert not user_can(target, Action.PROPOSE_CHANGE)


def test_lifting_a_block(make_user: Callable[[str], Any], settings: Any) -> None:
    moderator = make_user("moderator")
    blocked = make_user("blocked")
    block = UserBlock.objects.get(user=blocked)
    _client(moderator).post(
        f"{_admin(settings)}/userblock/", {"action": "lift", "_selected_action": [block.pk]}
    )
    assert user_can(blocked, Action.PROPOSE_CHANGE)


def test_an_administrator_creates_an_organisation_with_members_and_sources(
    make_user: Callable[[str], Any], settings: Any, world: dict[str, Any]
) -> None:
    administrator = make_user("administrator")
    member = account_create("membre@example.org")
    source = source_create("tiers-lieux")
    response = _client(administrator).post(
        f"{_admin(settings)}/organisation/add/",
        {
            "name": "Réseau des tiers-lieux",
            "slug": "tiers-lieux",
            "website": "https://tiers-lieux.example",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": member.pk,
            "memberships-0-role": "admin",
            "organisationsource_set-TOTAL_FORMS": "1",
            "organisationsource_set-INITIAL_FORMS": "0",
            "organisationsource_set-0-source": source.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(slug="tiers-lieux")
    assert Membership.objects.get(user=member).organisation == organisation
    assert OrganisationSource.objects.get(source=source).organisation == organisation
    assert user_can(member, Action.MANAGE_ORGANISATION, organisation)
    assert not user_can(member, Action.MANAGE_ORGANISATION, world["own_org"])


def test_a_moderator_cannot_create_an_organisation(make_user: Callable[[str], Any], settings: Any) -> None:
    response = _client(make_user("moderator")).post(
        f"{_admin(settings)}/organisation/add/", {"name": "X", "slug": "x"}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="x").exists()
    assert User.objects.filter(email="moderator@example.org").exists()
