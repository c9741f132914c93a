"""A platform identifies one source only: in open-data exports and in corpus imports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from carrefour.sources.models import Source, SourceVersion


class PlatformTakenError(ValueError):
    """A version validated while another source publishes under its platform; the message in French."""


def definition_platform_problems(
    definition: dict[str, Any], *, pending: bool = True
) -> list[tuple[str, str]]:
    """(key path, message) when another source publishes, or asks to publish, under the platform.

    `pending`: count the other sources' versions waiting for review too (at save; at validation the
    first one validated wins, and only the definitions in service count).
    """
    platform = str(definition.get("platform") or definition["slug"])
    # The source of the same slug is this one (or a clash its own check reports).
    others = Source.objects.filter(Q(slug=platform) | Q(definition__platform=platform)).exclude(
        slug=definition["slug"]
    )
    taken = any(other.platform == platform for other in others)
    if pending and not taken:
        taken = (
            SourceVersion.objects.filter(status=SourceVersion.Status.PENDING, definition__platform=platform)
            .exclude(source__slug=definition["slug"])
            .exists()
        )
    if not taken:
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
    # The oldest first: should two ever claim one platform, the answer is the same on every call.
    candidates = (
        Source.objects.filter(review_status=Source.Review.VALIDATED)
        .filter(Q(slug=platform) | Q(definition__platform=platform))
        .order_by("pk")
    )
    return next((source for source in candidates if source.platform == platform), None)


def version_platform_check(version: SourceVersion) -> None:
    """Raise PlatformTakenError when another source went in service under the version's platform."""
    problems = definition_platform_problems(version.definition, pending=False)
    if problems:
        raise PlatformTakenError(
            f"la version {version.number} ne peut pas être validée : {problems[0][1]}. Refusez-la en "
            "demandant au partenaire un autre identifiant de plateforme."
        )
