"""Accounts in every role, the loopback SMTP server, allauth's rate-limit counters reset per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from carrefour.accounts.models import Membership, Profile, ProjectClaim
from carrefour.accounts.services import (
    organisation_create,
    organisation_member_add,
    organisation_source_add,
    user_block,
    user_contribution_accepted,
    user_staff_role_set,
    user_trust_promote,
)
from tests.search.factories import project_create, source_attach, source_create

PASSWORD = "un mot de passe solide 2026"
# Every kind of account the permission matrix distinguishes.
ROLES = [
    "visitor",
    "unverified",
    "contributor",
    "trusted_granted",
    "trusted_earned",
    "moderator",
    "administrator",
    "superuser",
    "org_member",
    "org_admin",
    "blocked",
    "blocked_moderator",
    "block_expired",
    "holder",
]


@pytest.fixture(autouse=True)
def _allauth_counters_fresh() -> None:
    """allauth counts its rate limits in the default cache: each test starts with none used."""
    cache.clear()


def signed_in(user: Any) -> Client:
    """A test client signed in as the account (a visitor's client for an anonymous user)."""
    client = Client()
    if user.is_authenticated:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def account_create(email: str, *, verified: bool = True) -> User:
    """An account signed up with a (verified) e-mail address."""
    user = User.objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Two partner organisations, each with a source publishing one project."""
    objects: dict[str, Any] = {}
    for side in ("own", "other"):
        organisation = organisation_create(name=f"Organisation {side}", slug=f"organisation-{side}")
        source = source_create(f"source-{side}")
        organisation_source_add(organisation, source)
        project = project_create(f"Projet {side}")
        source_attach(project, source, f"{side}-1")
        objects.update({f"{side}_org": organisation, f"{side}_source": source, f"{side}_project": project})
    return objects


@pytest.fixture
def make_user(world: dict[str, Any], settings: Any) -> Callable[[str], Any]:
    """Build the account of a role of ROLES (members of the "own" organisation, holders of its project)."""
    settings.ACCOUNTS_TRUST_THRESHOLD = 2

    def build(role: str) -> Any:
        if role == "visitor":
            return AnonymousUser()
        user = account_create(f"{role}@example.org", verified=role != "unverified")
        if role == "trusted_granted":
            user_trust_promote(user)
        if role == "trusted_earned":
            for _ in range(2):
                user_contribution_accepted(user)
        if role in ("moderator", "blocked_moderator"):
            user_staff_role_set(user, Profile.Staff.MODERATOR)
        if role == "administrator":
            user_staff_role_set(user, Profile.Staff.ADMINISTRATOR)
        if role == "superuser":
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
            user.refresh_from_db()
        if role in ("org_member", "org_admin"):
            membership_role = Membership.Role.ADMIN if role == "org_admin" else Membership.Role.MEMBER
            organisation_member_add(world["own_org"], user, membership_role)
        if role in ("blocked", "blocked_moderator"):
            user_block(
                user, reason="Messages publicitaires répétés", until=timezone.now() + timedelta(days=7)
            )
        if role == "block_expired":
            user_block(user, reason="Ancien blocage", until=timezone.now() - timedelta(days=1))
        if role == "holder":
            confirmed = ProjectClaim.Status.CONFIRMED
            ProjectClaim.objects.create(
                project=world["own_project"], user=user, message="m", status=confirmed
            )
        return user

    return build
