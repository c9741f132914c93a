"""Template tags of the partner space: field names, the common vocabularies' codes."""

from __future__ import annotations

from typing import Any

from django import template

from carrefour.contributions.edits import field_label
from carrefour.normalize.vocabularies import vocabularies

register = template.Library()


@register.filter
def field_names(fields: str | dict[str, Any]) -> str:
    """The names of a project's fields (one, or the keys of a change's fields), as people read them."""
    names = [fields] if isinstance(fields, str) else list(fields)
    return ", ".join(field_label(name) for name in names)


@register.simple_tag
def vocabulary_codes() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each vocabulary a definition can map: its field, its name as people read it, its codes and labels."""
    return [
        (name, field_label(name), sorted(codes.items(), key=lambda item: item[1]))
        for name, codes in vocabularies().items()
    ]
