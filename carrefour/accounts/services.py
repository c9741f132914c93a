"""Changes to accounts: deletion, blocks, trust, staff roles, organisations and their members."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from carrefour.accounts.memo import memo_forget
from carrefour.accounts.models import Membership, Organisation, OrganisationSource, Profile, UserBlock
from carrefour.accounts.roles import STAFF_GROUPS
from carrefour.accounts.selectors import login_names
from carrefour.sources.models import Source

logger = logging.getLogger(__name__)


@transaction.atomic
def user_delete(user: Any) -> None:
    """Delete an account and its personal data; its contributions stay (FK SET_NULL: "compte supprimé")."""
    names = login_names(user)
    # django-axes keeps the address and IP of each login: personal data too.
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        model.objects.filter(username__in=names).delete()
    pk = user.pk
    user.delete()  # cascades to the profile, e-mail addresses, codes, blocks and memberships
    logger.info("account %s deleted with its personal data", pk)


def user_block(user: Any, *, reason: str, until: datetime | None, by: Any = None) -> UserBlock:
    """Block an account (until a date, or until lifted): the permission matrix then denies it everything."""
    return UserBlock.objects.create(user=user, reason=reason.strip(), until=until, created_by=by)


def user_unblock(user: Any) -> int:
    """Lift the account's blocks in force; how many were lifted."""
    lifted = UserBlock.objects.filter(user=user, lifted_at__isnull=True).update(lifted_at=timezone.now())
    memo_forget()  # an update sends no signal
    return lifted


def user_trust_promote(user: Any, *, granted: bool = True) -> Profile:
    """Grant (or withdraw) the trusted-contributor role by decision of a moderator."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.trust_granted = granted
    profile.save(update_fields=["trust_granted"])
    return profile


def user_contribution_accepted(user: Any) -> None:
    """Count one more accepted contribution (trust is earned at settings.ACCOUNTS_TRUST_THRESHOLD)."""
    Profile.objects.get_or_create(user=user)
    Profile.objects.filter(user=user).update(accepted_contributions=F("accepted_contributions") + 1)
    memo_forget()  # an update sends no signal


@transaction.atomic
def user_staff_role_set(user: Any, role: str) -> None:
    """Make an account moderator, administrator or neither, with the Django admin rights of that role."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.staff_role = Profile.Staff(role)
    profile.save(update_fields=["staff_role"])
    groups = staff_groups_sync()
    user.groups.remove(*groups.values())
    if role in groups:
        user.groups.add(groups[role])
    user.is_staff = bool(role) or user.is_superuser
    user.save(update_fields=["is_staff"])


def staff_groups_sync() -> dict[str, Group]:
    """The Django groups of the staff roles, with exactly the permissions roles.STAFF_GROUPS gives them."""
    groups = {}
    for role, (name, codenames) in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (dotted.split(".") for dotted in codenames)
        ]
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def organisation_create(*, name: str, slug: str, website: str = "") -> Organisation:
    """A new partner organisation."""
    return Organisation.objects.create(name=name.strip(), slug=slug, website=website)


def organisation_member_add(
    organisation: Organisation, user: Any, role: str = Membership.Role.MEMBER
) -> Membership:
    """Add a member (or change their role in the organisation)."""
    membership, _ = Membership.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    return membership


def organisation_member_remove(organisation: Organisation, user: Any) -> None:
    """Remove a member from the organisation."""
    Membership.objects.filter(organisation=organisation, user=user).delete()


def organisation_source_add(organisation: Organisation, source: Source) -> OrganisationSource:
    """Link a source to the organisation publishing it (moved from another organisation if needed)."""
    link, _ = OrganisationSource.objects.update_or_create(
        source=source, defaults={"organisation": organisation}
    )
    return link


def organisation_source_remove(organisation: Organisation, source: Source) -> None:
    """Unlink a source from the organisation."""
    OrganisationSource.objects.filter(organisation=organisation, source=source).delete()
