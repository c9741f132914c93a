"""The whole permission matrix: every role against every action, globally and on organisation objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carrefour.accounts.roles import Action, Role, user_can, user_roles
from tests.accounts.conftest import ROLES

A = Action
CONTRIBUTING = {A.PROPOSE_PROJECT, A.PROPOSE_CHANGE, A.REPORT_DUPLICATE, A.CLAIM_PROJECT}
STAFF = {A.MODERATE, A.REVERT_CHANGE, A.BLOCK_USER, A.GRANT_TRUST, A.CONFIRM_CLAIM, A.RESOLVE_OWN_CONFLICT}
# What each role may do anywhere (written out here, independently of roles.MATRIX).
EXPECTED: dict[str, set[Action]] = {
    "visitor": set(),
    "unverified": set(),
    "contributor": CONTRIBUTING,
    "trusted_granted": CONTRIBUTING | {A.PUBLISH_WITHOUT_REVIEW},
    "trusted_earned": CONTRIBUTING | {A.PUBLISH_WITHOUT_REVIEW},
    "moderator": CONTRIBUTING | {A.PUBLISH_WITHOUT_REVIEW} | STAFF,
    "administrator": set(Action),
    "superuser": set(Action),
    "org_member": CONTRIBUTING | {A.ENTER_PARTNER_SPACE},
    "org_admin": CONTRIBUTING | {A.ENTER_PARTNER_SPACE},
    "blocked": set(),
    "blocked_moderator": set(),
    "block_expired": CONTRIBUTING,
    "holder": CONTRIBUTING,
}
# What members may do only on their own organisation's organisation, sources and projects.
ON_OWN = {A.EDIT_OWN_ORGANISATION_SOURCES, A.PUBLISH_WITHOUT_REVIEW, A.CONFIRM_CLAIM, A.RESOLVE_OWN_CONFLICT}
EXPECTED_ON_OWN: dict[str, set[Action]] = {
    "org_member": ON_OWN,
    "org_admin": ON_OWN | {A.MANAGE_ORGANISATION},
}
# What a holder may do only on the project it holds (the "own" project), not on its organisation or sources.
EXPECTED_ON_HELD: dict[str, set[Action]] = {"holder": {A.PUBLISH_WITHOUT_REVIEW}}
OBJECTS = ["own_org", "own_source", "own_project", "other_org", "other_source", "other_project"]


def test_every_role_is_tested_and_every_action_is_in_the_matrix() -> None:
    assert set(EXPECTED) == set(ROLES)
    assert {a for actions in EXPECTED.values() for a in actions} <= set(Action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_against_every_action_anywhere_and_on_organisation_objects(
    role: str, make_user: Callable[[str], Any], world: dict[str, Any]
) -> None:
    user = make_user(role)
    wrong = []
    for action in Action:
        if user_can(user, action) is not (action in EXPECTED[role]):
            wrong.append((action.value, None))
        for target in OBJECTS:
            own = target.startswith("own_") and action in EXPECTED_ON_OWN.get(role, set())
            own = own or (target == "own_project" and action in EXPECTED_ON_HELD.get(role, set()))
            if user_can(user, action, world[target]) is not (action in EXPECTED[role] or own):
                wrong.append((action.value, target))
    assert wrong == [], f"{role}: the matrix disagrees on (action, object) {wrong}"


@pytest.mark.django_db
def test_roles_of_each_kind_of_account(make_user: Callable[[str], Any]) -> None:
    assert user_roles(make_user("visitor")) == {Role.VISITOR}
    assert user_roles(make_user("unverified")) == {Role.VISITOR}
    assert user_roles(make_user("trusted_earned")) == {Role.CONTRIBUTOR, Role.TRUSTED}
    assert user_roles(make_user("org_admin")) == {Role.CONTRIBUTOR, Role.ORGANISATION_MEMBER}
    assert user_roles(make_user("blocked_moderator")) == {Role.BLOCKED}
    assert user_roles(make_user("holder")) == {Role.CONTRIBUTOR, Role.PROJECT_HOLDER}


@pytest.mark.django_db
def test_trust_is_earned_at_the_threshold(make_user: Callable[[str], Any], settings: Any) -> None:
    from carrefour.accounts.services import user_contribution_accepted

    user = make_user("contributor")
    user_contribution_accepted(user)
    assert not user_can(user, A.PUBLISH_WITHOUT_REVIEW)
    user_contribution_accepted(user)
    assert user_can(user, A.PUBLISH_WITHOUT_REVIEW)


@pytest.mark.django_db
def test_unblocking_gives_the_rights_back(make_user: Callable[[str], Any]) -> None:
    from carrefour.accounts.services import user_unblock

    user = make_user("blocked")
    assert not user_can(user, A.PROPOSE_CHANGE)
    assert user_unblock(user) == 1
    assert user_can(user, A.PROPOSE_CHANGE)


@pytest.mark.django_db
def test_staff_roles_carry_their_django_admin_permissions(make_user: Callable[[str], Any]) -> None:
    from carrefour.accounts.models import Profile
    from carrefour.accounts.services import user_staff_role_set

    moderator = make_user("moderator")
    assert moderator.is_staff and moderator.has_perm("accounts.add_userblock")
    assert not moderator.has_perm("accounts.change_profile")
    administrator = make_user("administrator")
    assert administrator.has_perm("accounts.change_organisation")
    user_staff_role_set(moderator, Profile.Staff.NONE)
    moderator = type(moderator).objects.get(pk=moderator.pk)  # permissions are cached on the instance
    assert not moderator.is_staff and not moderator.has_perm("accounts.add_userblock")
