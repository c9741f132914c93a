"""A platform identifies one source only: in open-data exports and in corpus imports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from carrefour.sources.models import Source


def definition_platform_problems(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(key path, message) when another source already publishes under the definition's platform."""
    platform = str(definition.get("platform") or definition["slug"])
    # The source of the same slug is this one (or a clash its own check reports).
    others = Source.objects.filter(Q(slug=platform) | Q(definition__platform=platform)).exclude(
        slug=definition["slug"]
    )
    if not any(other.platform == platform for other in others):
        return []
    path = "platform" if definition.get("platform") else "slug"
    return [
        (
            path,
            f"la plateforme « {platform} » est déjà celle d'une autre source : choisissez un autre "
            "identifiant (il nomme la source dans les données ouvertes)",
        )
    ]


def source_for_platform(platform: str) -> Source | None:
    """The validated source publishing under a platform identifier, if any."""
    candidates = Source.objects.filter(review_status=Source.Review.VALIDATED).filter(
        Q(slug=platform) | Q(definition__platform=platform)
    )
    return next((source for source in candidates if source.platform == platform), None)
