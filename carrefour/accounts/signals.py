"""Every account gets its profile when it is created (sign-up, admin, createsuperuser)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from carrefour.accounts.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def profile_for_new_user(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Create the profile of a new user (not when loading fixtures)."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
