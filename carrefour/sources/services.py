"""Services of the sources app: YAML definitions -> Source rows."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from carrefour.sources.definitions import (
    SourceDefinitionError,
    definition_frequency_hours,
    definition_read,
    definition_resolve,
)
from carrefour.sources.models import Source

logger = logging.getLogger(__name__)


def _vocabularies_path() -> Path:
    """The project's copy of the common vocabularies."""
    return Path(settings.SCHEMA_DIR) / "vocabularies.json"


def source_definition_validate(path: Path | str) -> dict[str, Any]:
    """Parse and validate one definition file; raise SourceDefinitionError listing every problem."""
    return definition_read(Path(path), vocabularies_path=_vocabularies_path())


def source_definition_files(directory: Path | None = None) -> list[Path]:
    """The YAML definition files of the sources directory, sorted."""
    directory = Path(directory or settings.SOURCES_DIR)
    return sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])


def _relative(path: Path) -> str:
    """Path shown and stored for a definition file (relative to the project when possible)."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def source_upsert_from_definition(definition: dict[str, Any], path: Path | None = None) -> Source:
    """Create or update the Source row of one validated definition."""
    # Resolving checks placeholders; the stored definition keeps them (the base URL may change per run).
    resolved = definition_resolve(definition) if definition.get("base_url") else definition
    source, _ = Source.objects.update_or_create(
        slug=definition["slug"],
        defaults={
            "name": definition["name"],
            "kind": definition["kind"],
            "website": resolved.get("website", ""),
            "licence": definition.get("licence", ""),
            "attribution": definition.get("attribution", ""),
            "fictional": definition.get("fictional", False),
            "enabled": definition.get("enabled", True),
            "frequency_hours": definition_frequency_hours(definition),
            "definition": definition,
            "definition_path": _relative(path) if path else "",
        },
    )
    return source


def source_sync_from_files(directory: Path | None = None) -> list[Source]:
    """Validate every definition file, then upsert all Source rows (nothing written if one is invalid)."""
    files = source_definition_files(directory)
    definitions: list[tuple[Path, dict[str, Any]]] = []
    errors: list[SourceDefinitionError] = []
    for path in files:
        try:
            definitions.append((path, source_definition_validate(path)))
        except SourceDefinitionError as exc:
            errors.append(exc)
    if errors:
        raise SourceDefinitionError(
            "sources", [line for exc in errors for line in str(exc).splitlines() if line.strip()]
        )
    with transaction.atomic():
        sources = [source_upsert_from_definition(definition, path) for path, definition in definitions]
        # A removed file disables its source; its records are kept (never deleted by a sync).
        slugs = [s.slug for s in sources]
        gone = Source.objects.exclude(slug__in=slugs).filter(enabled=True).exclude(definition_path="")
        for source in gone:
            logger.warning("source %s: definition file removed, source disabled", source.slug)
        gone.update(enabled=False)
    return sources


def source_load_all(directory: Path | None = None) -> list[Source]:
    """Load (validate + upsert) every source definition of settings.SOURCES_DIR."""
    return source_sync_from_files(directory)
