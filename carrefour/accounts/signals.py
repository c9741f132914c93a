"""Every account gets its profile when it is created; a change to its roles forgets the memoised ones."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from carrefour.accounts.memo import memo_forget
from carrefour.accounts.models import Membership, Profile, ProjectClaim, UserBlock


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def profile_for_new_user(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Create the profile of a new user (not when loading fixtures)."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
@receiver([post_save, post_delete], sender=Profile)
@receiver([post_save, post_delete], sender=UserBlock)
@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=EmailAddress)
@receiver([post_save, post_delete], sender=ProjectClaim)
def roles_changed(sender: Any, **kwargs: Any) -> None:
    """A row the roles derive from changed during a request: its memoised permissions are forgotten."""
    memo_forget()
