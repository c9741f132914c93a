"""Template filters of the moderation pages."""

from __future__ import annotations

from typing import Any

from django import template

from carrefour.accounts.selectors import user_display_name
from carrefour.contributions.edits import edits_text as _edits_text

register = template.Library()


@register.filter
def edits_text(edits: dict[str, list[Any]]) -> str:
    """A moderator's edits as their author reads them."""
    return _edits_text(edits)


@register.filter
def display_name(user: Any) -> str:
    """An account's public name (never its e-mail address)."""
    return user_display_name(user)
