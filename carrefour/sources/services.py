"""Services of the sources app: YAML definition files -> Source rows and their versions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carrefour.sources.definitions import SourceDefinitionError, definition_read
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.rows import (
    source_fields,
    source_version_add,
    source_version_latest,
    source_vocabularies_path,
)

logger = logging.getLogger(__name__)


@dataclass
class SourceImport:
    """What an import of definition files did, slug by slug."""

    sources: list[Source] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Slugs of sources edited by their partner or in the browser: a file never overwrites them.
    skipped: list[str] = field(default_factory=list)


def source_definition_validate(path: Path | str) -> dict[str, Any]:
    """Parse and validate one definition file; raise SourceDefinitionError listing every problem."""
    return definition_read(Path(path), vocabularies_path=source_vocabularies_path())


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
    source, _ = Source.objects.update_or_create(
        slug=definition["slug"],
        defaults={**source_fields(definition), "definition_path": _relative(path) if path else ""},
    )
    return source


def _files(paths: Sequence[Path]) -> list[Path]:
    """The definition files named, directories replaced by their definition files."""
    files = []
    for path in paths:
        if path.is_dir():
            files += source_definition_files(path)
        elif path.is_file():
            files.append(path)
        else:
            raise SourceDefinitionError(path, ["no such file or directory"])
    return files


def _import_one(path: Path, definition: dict[str, Any], report: SourceImport) -> None:
    """Upsert one file's source and record its text as an applied version when it changed."""
    slug = definition["slug"]
    existing = Source.objects.filter(slug=slug).first()
    if existing and existing.origin == Source.Origin.PARTNER:
        logger.warning("source %s: edited by its partner, file %s not imported", slug, path)
        report.skipped.append(slug)
        return
    text = path.read_text(encoding="utf-8")
    latest = source_version_latest(existing) if existing else None
    browser = latest is not None and latest.author_id is not None
    live = {SourceVersion.Status.APPLIED, SourceVersion.Status.PENDING}
    if latest is not None and browser and latest.text != text and latest.status in live:
        # Edited in the browser by an administrator: `carrefour sources export` gives the file back.
        logger.warning("source %s: edited in the browser, file %s not imported", slug, path)
        report.skipped.append(slug)
        return
    source = source_upsert_from_definition(definition, path)
    # Files are committed by the maintainers: what they say is validated and in service at once.
    if source.review_status != Source.Review.VALIDATED:
        source.review_status, source.review_reason = Source.Review.VALIDATED, ""
        source.save(update_fields=["review_status", "review_reason"])
    report.sources.append(source)
    # A file saying what was edited in the browser still makes a version: the file is in charge again.
    if latest is not None and latest.text == text and not browser:
        report.unchanged.append(slug)
        return
    source.versions.filter(status=SourceVersion.Status.PENDING).update(status=SourceVersion.Status.WITHDRAWN)
    source_version_add(
        source, text, definition, status=SourceVersion.Status.APPLIED, comment=f"Fichier {_relative(path)}"
    )
    (report.created if existing is None else report.updated).append(slug)


def source_import(paths: Sequence[Path] | None = None, *, disable_missing: bool = False) -> SourceImport:
    """Validate every definition file named (default: the sources directory), then import them all."""
    # Nothing is written if one file is invalid. With disable_missing, a file source whose file is gone
    # is disabled (its records are kept).
    files = _files(paths or [Path(settings.SOURCES_DIR)])
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
    report = SourceImport()
    with transaction.atomic():
        for path, definition in definitions:
            _import_one(path, definition, report)
        if disable_missing:
            slugs = [definition["slug"] for _, definition in definitions]
            gone = Source.objects.exclude(slug__in=slugs).filter(enabled=True).exclude(definition_path="")
            # A partner's source lives in the database: its old repository file being gone says nothing.
            gone = gone.exclude(origin=Source.Origin.PARTNER)
            for source in gone:
                logger.warning("source %s: definition file removed, source disabled", source.slug)
            # update() skips auto_now: the stamp moves so caches keyed on it (public facts) see the change.
            gone.update(enabled=False, updated_at=timezone.now())
    return report


def source_sync_from_files(directory: Path | None = None) -> list[Source]:
    """Import every definition file of a directory; sources whose file is gone are disabled."""
    return source_import([Path(directory or settings.SOURCES_DIR)], disable_missing=True).sources


def source_load_all(directory: Path | None = None) -> list[Source]:
    """Load (validate + upsert) every source definition of settings.SOURCES_DIR."""
    return source_sync_from_files(directory)
