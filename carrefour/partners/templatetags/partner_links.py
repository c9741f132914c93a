"""Template tags of the partner space: links to pages that may not exist yet, field names."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from carrefour.contributions.edits import field_label

register = template.Library()


@register.simple_tag
def url_if_any(name: str, *args: object) -> str:
    """reverse(name, args), or "" when no route has that name (pages other parts add one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def field_names(fields: str | dict[str, Any]) -> str:
    """The names of a project's fields (one, or the keys of a change's fields), as people read them."""
    names = [fields] if isinstance(fields, str) else list(fields)
    return ", ".join(field_label(name) for name in names)
