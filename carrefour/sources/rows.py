"""Source and SourceVersion rows written from a validated definition (shared by files and versions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.db.models import Max

from carrefour.sources.definitions import definition_frequency_hours, definition_resolve
from carrefour.sources.models import Source, SourceVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def source_vocabularies_path() -> Path:
    """The project's copy of the common vocabularies (the codes a definition may map to)."""
    return Path(settings.SCHEMA_DIR) / "vocabularies.json"


def source_fields(definition: dict[str, Any]) -> dict[str, Any]:
    """The Source columns a validated definition sets."""
    # Resolving checks placeholders; the stored definition keeps them (the base URL may change per run).
    resolved = definition_resolve(definition) if definition.get("base_url") else definition
    return {
        "name": definition["name"],
        "kind": definition["kind"],
        "website": resolved.get("website", ""),
        "licence": definition.get("licence", ""),
        "attribution": definition.get("attribution", ""),
        "fictional": definition.get("fictional", False),
        "enabled": definition.get("enabled", True),
        "frequency_hours": definition_frequency_hours(definition),
        "definition": definition,
    }


def source_version_live(source: Source) -> SourceVersion | None:
    """The version in service: the newest applied one (None for a source never applied from a text)."""
    return source.versions.filter(status=SourceVersion.Status.APPLIED).order_by("-number").first()


def source_version_latest(source: Source) -> SourceVersion | None:
    """The newest version of a source, whatever its status."""
    return source.versions.order_by("-number").first()


def source_version_add(
    source: Source,
    text: str,
    definition: dict[str, Any],
    *,
    status: str,
    author: User | None = None,
    comment: str = "",
) -> SourceVersion:
    """Append a version to a source (call inside a transaction holding the source row)."""
    last = source.versions.aggregate(last=Max("number"))["last"] or 0
    return SourceVersion.objects.create(
        source=source,
        number=last + 1,
        text=text,
        definition=definition,
        author=author,
        comment=comment[:500],
        status=status,
    )


def source_definition_text(source: Source) -> str:
    """The YAML text of a source's definition in service (a dump of the definition when none was saved)."""
    live = source_version_live(source)
    if live is not None:
        return live.text
    return yaml.safe_dump(source.definition, allow_unicode=True, sort_keys=False, width=100)
