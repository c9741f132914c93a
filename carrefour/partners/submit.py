"""One way to submit a source's definition, from the YAML editor or the form: preview, or save, re-apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from carrefour.orchestration.reapply import source_mapping_changes_reapply
from carrefour.partners.views_preview import preview_kept_drop, preview_start
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.rows import source_version_latest
from carrefour.sources.versions import (
    DefinitionProblem,
    DefinitionTextError,
    VersionStaleError,
    definition_text_check,
    source_version_save,
    source_versions_diff,
)


@dataclass
class Submitted:
    """What became of a submitted text: a response to send, else the problems or the stale page's context."""

    response: HttpResponse | None = None
    problems: list[DefinitionProblem] = field(default_factory=list)
    stale: dict[str, Any] = field(default_factory=dict)


def definition_submit(
    request: HttpRequest, source: Source, text: str, *, author: Any, origin: str, seen: int, comment: str
) -> Submitted:
    """Preview the text ("previsualiser" posted), or save it over version `seen` and re-apply its mapping."""
    if "previsualiser" in request.POST:
        problems = definition_text_check(text)[1]
        if problems:
            return Submitted(problems=problems)
        return Submitted(response=preview_start(request, source, text, version_seen=seen))
    latest = source_version_latest(source)
    before = dict(source.definition)  # the definition in service, before the save changes it
    try:
        # The re-apply queued in the save's transaction: a saved version never lacks it.
        with transaction.atomic():
            version = source_version_save(
                text, author=author, source=source, comment=comment, origin=origin, version_seen=seen
            )
            source_mapping_changes_reapply(source, before, user=author)
    except DefinitionTextError as error:
        return Submitted(problems=list(error.problems))
    except VersionStaleError as error:
        return Submitted(stale=stale_context(source, error))
    preview_kept_drop(request, source.slug)
    messages.success(request, saved_message(version, latest))
    return Submitted(response=redirect("partner-source-versions", source.slug))


def stale_context(source: Source, error: VersionStaleError) -> dict[str, Any]:
    """What a partner whose page is out of date sees: the versions saved since, as a diff."""
    newest = error.latest  # None only for a posted number made up while the source has no version
    seen = source.versions.filter(number=error.seen).first()
    return {
        "stale": True,
        "newest": newest,
        "newest_number": newest.number if newest else 0,
        "seen": error.seen,
        "stale_diff": source_versions_diff(seen, newest) if newest else [],
    }


def saved_message(version: SourceVersion, previous: SourceVersion | None) -> str:
    """What the partner is told after saving: nothing new, applied at once, or waiting for validation."""
    if previous is not None and version.pk == previous.pk:
        return "Aucun changement : la définition est celle de la dernière version."
    if version.status == SourceVersion.Status.PENDING:
        return (
            f"Version {version.number} enregistrée, en attente de validation par un administrateur "
            "(nouvelle source ou changement d'hôtes) : la version en service reste la précédente."
        )
    return f"Version {version.number} enregistrée et appliquée : la prochaine moisson l'utilisera."
