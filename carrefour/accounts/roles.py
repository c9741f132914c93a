"""Roles and the permission matrix: the one place that decides what each account may do."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings

from carrefour.accounts.memo import memoised
from carrefour.accounts.models import Profile
from carrefour.accounts.selectors import (
    object_organisation_ids,
    user_held_project_ids,
    user_organisation_ids,
    user_role_facts,
)
from carrefour.projects.models import Project


class Role(enum.StrEnum):
    """What an account is, derived from its e-mail, profile, memberships and blocks."""

    VISITOR = "visitor"
    CONTRIBUTOR = "contributor"
    TRUSTED = "trusted"
    MODERATOR = "moderator"
    ADMINISTRATOR = "administrator"
    ORGANISATION_MEMBER = "organisation_member"
    # Holds at least one project (a confirmed claim): rights on those projects only.
    PROJECT_HOLDER = "project_holder"
    BLOCKED = "blocked"


ROLE_LABELS = {
    Role.VISITOR: "Visiteur",
    Role.CONTRIBUTOR: "Contributeur",
    Role.TRUSTED: "Contributeur de confiance",
    Role.MODERATOR: "Modérateur",
    Role.ADMINISTRATOR: "Administrateur",
    Role.ORGANISATION_MEMBER: "Membre d'une organisation partenaire",
    Role.PROJECT_HOLDER: "Porteur de projet",
    Role.BLOCKED: "Compte bloqué",
}


class Action(enum.StrEnum):
    """Everything an account may be allowed to do beyond reading the public site."""

    PROPOSE_PROJECT = "propose_project"
    PROPOSE_CHANGE = "propose_change"
    REPORT_DUPLICATE = "report_duplicate"
    CLAIM_PROJECT = "claim_project"
    CONFIRM_CLAIM = "confirm_claim"
    PUBLISH_WITHOUT_REVIEW = "publish_without_review"
    MODERATE = "moderate"
    REVERT_CHANGE = "revert_change"
    BLOCK_USER = "block_user"
    GRANT_TRUST = "grant_trust"
    MANAGE_ROLES = "manage_roles"
    MANAGE_ORGANISATION = "manage_organisation"
    EDIT_OWN_ORGANISATION_SOURCES = "edit_own_organisation_sources"
    ENTER_PARTNER_SPACE = "enter_partner_space"
    RESOLVE_OWN_CONFLICT = "resolve_own_conflict"
    # Let a partner's new source, or its change of hosts, run on schedule (or refuse it, with a reason).
    VALIDATE_SOURCE = "validate_source"


class Scope(enum.Enum):
    """How far a role's permission reaches."""

    ANY = "any"
    # Only objects (organisation, source, project) of an organisation the account belongs to.
    OWN_ORGANISATION = "own_organisation"
    # Only organisations the account administers (Membership.Role.ADMIN).
    ORGANISATION_ADMIN = "organisation_admin"
    # Only the projects the account holds (its confirmed claims).
    OWN_PROJECT = "own_project"


_ANYONE_CONTRIBUTING = {
    Role.CONTRIBUTOR: Scope.ANY,
    Role.TRUSTED: Scope.ANY,
    Role.MODERATOR: Scope.ANY,
    Role.ADMINISTRATOR: Scope.ANY,
    Role.ORGANISATION_MEMBER: Scope.ANY,
}
_STAFF = {Role.MODERATOR: Scope.ANY, Role.ADMINISTRATOR: Scope.ANY}

# Action → the roles allowed and how far. Visitors and blocked accounts appear nowhere: denied everything.
MATRIX: dict[Action, dict[Role, Scope]] = {
    Action.PROPOSE_PROJECT: _ANYONE_CONTRIBUTING,
    Action.PROPOSE_CHANGE: _ANYONE_CONTRIBUTING,
    Action.REPORT_DUPLICATE: _ANYONE_CONTRIBUTING,
    Action.CLAIM_PROJECT: _ANYONE_CONTRIBUTING,
    Action.PUBLISH_WITHOUT_REVIEW: {
        Role.TRUSTED: Scope.ANY,
        **_STAFF,
        Role.ORGANISATION_MEMBER: Scope.OWN_ORGANISATION,
        Role.PROJECT_HOLDER: Scope.OWN_PROJECT,
    },
    # The partner publishing a project may confirm who holds it, as moderators may.
    Action.CONFIRM_CLAIM: {**_STAFF, Role.ORGANISATION_MEMBER: Scope.OWN_ORGANISATION},
    Action.MODERATE: _STAFF,
    Action.REVERT_CHANGE: _STAFF,
    Action.BLOCK_USER: _STAFF,
    Action.GRANT_TRUST: _STAFF,
    Action.MANAGE_ROLES: {Role.ADMINISTRATOR: Scope.ANY},
    Action.MANAGE_ORGANISATION: {
        Role.ADMINISTRATOR: Scope.ANY,
        Role.ORGANISATION_MEMBER: Scope.ORGANISATION_ADMIN,
    },
    Action.EDIT_OWN_ORGANISATION_SOURCES: {
        Role.ADMINISTRATOR: Scope.ANY,
        Role.ORGANISATION_MEMBER: Scope.OWN_ORGANISATION,
    },
    # The partner space lists only the member's own organisations: entering it is the member's right.
    Action.ENTER_PARTNER_SPACE: {Role.ADMINISTRATOR: Scope.ANY, Role.ORGANISATION_MEMBER: Scope.ANY},
    # Keep a correction or take the source's value: moderators anywhere, partners on their own projects.
    Action.RESOLVE_OWN_CONFLICT: {**_STAFF, Role.ORGANISATION_MEMBER: Scope.OWN_ORGANISATION},
    Action.VALIDATE_SOURCE: {Role.ADMINISTRATOR: Scope.ANY},
}

# Django admin permissions of the staff roles, as groups (kept in sync by user_staff_role_set).
STAFF_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    Profile.Staff.MODERATOR: (
        "Modérateurs",
        (
            "auth.view_user",
            "accounts.view_profile",
            "accounts.view_userblock",
            "accounts.add_userblock",
            "accounts.change_userblock",
            "accounts.view_organisation",
        ),
    ),
    Profile.Staff.ADMINISTRATOR: (
        "Administrateurs",
        (
            "auth.view_user",
            "auth.change_user",
            "accounts.view_profile",
            "accounts.change_profile",
            "accounts.view_userblock",
            "accounts.add_userblock",
            "accounts.change_userblock",
            "accounts.view_organisation",
            "accounts.add_organisation",
            "accounts.change_organisation",
            "accounts.delete_organisation",
            "accounts.view_membership",
            "accounts.add_membership",
            "accounts.change_membership",
            "accounts.delete_membership",
            "accounts.view_organisationsource",
            "accounts.add_organisationsource",
            "accounts.change_organisationsource",
            "accounts.delete_organisationsource",
            "sources.view_source",
        ),
    ),
}


def user_roles(user: Any) -> frozenset[Role]:
    """The roles of an account (a visitor's when anonymous or inactive, only BLOCKED when blocked)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset({Role.VISITOR})
    return memoised(("roles", user.pk), lambda: _roles(user_role_facts(user)))


def _roles(facts: dict[str, Any]) -> frozenset[Role]:
    """The roles given by an account's facts (accounts.selectors.user_role_facts)."""
    if not facts:
        return frozenset({Role.VISITOR})
    if facts["blocked"]:
        return frozenset({Role.BLOCKED})
    roles = set()
    accepted = facts["accepted_contributions"] or 0
    profile = Profile(trust_granted=bool(facts["trust_granted"]), accepted_contributions=accepted)
    if facts["verified"]:
        roles.add(Role.CONTRIBUTOR)
        if profile_is_trusted(profile):
            roles.add(Role.TRUSTED)
    if facts["staff_role"] in (Profile.Staff.MODERATOR, Profile.Staff.ADMINISTRATOR):
        roles.add(Role.MODERATOR)
    if facts["staff_role"] == Profile.Staff.ADMINISTRATOR or facts["is_superuser"]:
        roles.add(Role.ADMINISTRATOR)
    if facts["member"]:
        roles.add(Role.ORGANISATION_MEMBER)
    if Role.CONTRIBUTOR in roles and facts["holder"]:
        roles.add(Role.PROJECT_HOLDER)
    return frozenset(roles or {Role.VISITOR})


def profile_is_trusted(profile: Profile) -> bool:
    """Trusted: granted by a moderator, or earned by enough accepted contributions."""
    return profile.trust_granted or profile.accepted_contributions >= settings.ACCOUNTS_TRUST_THRESHOLD


def user_can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether the account may do the action (on obj, for the organisation- and project-scoped ones)."""
    grants = MATRIX[action]
    scopes = {grants[role] for role in user_roles(user) if role in grants}
    if Scope.ANY in scopes:
        return True
    if obj is None or not scopes or user is None:
        return False
    if Scope.OWN_PROJECT in scopes and isinstance(obj, Project) and obj.pk in _held(user):
        return True
    owners = object_organisation_ids(obj)
    if Scope.OWN_ORGANISATION in scopes and owners & _organisations(user, admin=False):
        return True
    return Scope.ORGANISATION_ADMIN in scopes and bool(owners & _organisations(user, admin=True))


def _organisations(user: Any, *, admin: bool) -> set[int]:
    """user_organisation_ids, read once per request."""
    return memoised(("organisations", user.pk, admin), lambda: user_organisation_ids(user, admin=admin))


def _held(user: Any) -> set[int]:
    """user_held_project_ids, read once per request."""
    return memoised(("held", user.pk), lambda: user_held_project_ids(user))
