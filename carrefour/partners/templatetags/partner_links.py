"""Template tags of the partner space: field names."""

from __future__ import annotations

from typing import Any

from django import template

from carrefour.contributions.edits import field_label

register = template.Library()


@register.filter
def field_names(fields: str | dict[str, Any]) -> str:
    """The names of a project's fields (one, or the keys of a change's fields), as people read them."""
    names = [fields] if isinstance(fields, str) else list(fields)
    return ", ".join(field_label(name) for name in names)
