"""The name django-axes records a login attempt under, for the admin's form and allauth's alike."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the admin posts `username`, allauth's form `login` (an e-mail address)."""
    given = credentials or {}
    for value in (given.get("username"), given.get("email"), request.POST.get("login")):
        if value:
            return str(value).strip()
    return request.POST.get("username") or None


def account_display(user: Any) -> str:
    """ACCOUNT_USER_DISPLAY: how allauth's messages name the signed-in account (to its owner only)."""
    return str(user.email or user.get_username())
