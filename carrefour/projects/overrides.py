"""Per-field overrides that survive re-harvest honestly: set, compared with the sources, resolved, reverted.

An override stores the upstream value it replaced. When the sources later give another value, the
override keeps winning but is marked in conflict (with that value) until someone keeps it or takes
upstream: never silently lost, never silently stale. Callers re-index the projects these change
(`updated_at` moves, so the index check would also find them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import CharField
from django.utils import timezone

from carrefour.normalize.text import html_sanitize, text_clean
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import LOCATION, LOCATION_COLUMNS, FieldOverride, Project, ProjectChange

Kind = ProjectChange.Kind
# What can be set by hand: each merged field, and the location columns as one group.
EDITABLE = (*MERGED_FIELDS, LOCATION)
_LIST_FIELDS = ("themes", "publics")
_MULTILINE = ("summary",)
_COORDINATES = ("latitude", "longitude")


def _location_clean(value: Any) -> dict[str, Any]:
    """The location group as stored: every column, texts cleaned and limited, finite coordinates."""
    if not isinstance(value, dict):
        raise ValueError("la localisation attend les colonnes du lieu")
    cleaned: dict[str, Any] = {}
    for name in LOCATION_COLUMNS:
        given: Any = value.get(name)
        if name in _COORDINATES:
            finite = isinstance(given, int | float) and math.isfinite(given)
            cleaned[name] = float(given) if finite else None
        else:
            field = cast(CharField, Project._meta.get_field(name))
            cleaned[name] = text_clean(given or "", max_length=field.max_length)
    return cleaned


def _columns(names: Iterable[str]) -> list[str]:
    """The database columns of fields (the location group stands for its columns)."""
    return [column for name in names for column in (LOCATION_COLUMNS if name == LOCATION else (name,))]


def _clean(name: str, value: Any) -> Any:
    """A value given by a person, as the merged values are stored (HTML sanitised, sizes limited)."""
    if name == LOCATION:
        return _location_clean(value)
    if name not in MERGED_FIELDS:
        raise ValueError(f"le champ « {name} » ne peut pas être modifié")
    if name == "description":
        return html_sanitize(value or "")
    if name in _LIST_FIELDS:
        if not isinstance(value, list | tuple):
            raise ValueError(f"« {name} » attend une liste")
        return [cleaned for item in value if (cleaned := text_clean(item, max_length=100))]
    if name == "start_year":
        if value in (None, ""):
            return None
        if not str(value).isdecimal() or not 1800 <= int(value) <= 2100:
            raise ValueError("année de démarrage invalide")
        return int(value)
    field = cast(CharField, Project._meta.get_field(name))
    return text_clean(value or "", max_length=field.max_length, multiline=name in _MULTILINE)


def values_clean(values: dict[str, Any]) -> dict[str, Any]:
    """Values given by a person, cleaned as project_fields_edit stores them (else ValueError, in French)."""
    return {name: _clean(name, value) for name, value in values.items()}


def _upstream(project: Project, override: FieldOverride | None, name: str) -> tuple[bool, Any]:
    """(known, value) of what the sources give for a field now."""
    if override is None:
        return True, getattr(project, name)  # not overridden: the project shows the sources' value
    return override.upstream_known, override.upstream_now if override.conflict else override.upstream


def _fields_apply(
    project: Project,
    values: dict[str, Any],
    *,
    actor: Any,
    kind: str,
    reason: str,
    reverts: ProjectChange | None = None,
) -> ProjectChange | None:
    """Set fields by hand: an override for each, or none where the value is what the sources give."""
    overrides = {o.field: o for o in FieldOverride.objects.select_for_update().filter(project=project)}
    diff: dict[str, list[Any]] = {}
    kept: list[FieldOverride] = []
    dropped = False
    provenance = dict(project.provenance or {})
    for name, value in values.items():
        current = getattr(project, name)
        override = overrides.get(name)
        known, upstream = _upstream(project, override, name)
        if known and value == upstream:
            if override is not None:
                override.delete()
                dropped = True
                provenance.pop(name, None)  # the next merge states which source gives it
        elif value == current and not (override and override.conflict):
            continue
        else:
            if override is None:
                override = FieldOverride(project=project, field=name)
            # A new decision on a field in conflict settles it: the value replaced is the one given now.
            override.value, override.upstream, override.upstream_known = value, upstream, known
            override.upstream_now, override.conflict = None, False
            provenance[name] = {"override": True}
            kept.append(override)
        if value != current:
            diff[name] = [current, value]
            setattr(project, name, value)
    if not diff and not kept and not dropped:
        return None
    change = ProjectChange.objects.create(
        project=project,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        fields=diff,
        reason=reason,
        reverts=reverts,
    )
    for override in kept:
        override.change = change
        override.save()
    project.provenance = provenance
    project.updated_at = change.at
    project.save(update_fields=[*_columns(diff), "provenance", "updated_at"])
    return change


@transaction.atomic
def project_fields_edit(
    project: Project, values: dict[str, Any], actor: Any, kind: str = Kind.MODERATION, reason: str = ""
) -> ProjectChange | None:
    """Set fields of a project by hand; the change recorded, or None when nothing changed.

    Raises ValueError (French message) for a field that cannot be set or a value of the wrong kind.
    """
    return _fields_apply(
        project, values_clean(values), actor=actor, kind=kind, reason=text_clean(reason, max_length=2000)
    )


def _resolution(override: FieldOverride, actor: Any, kind: str, fields: dict[str, Any]) -> ProjectChange:
    """The change row that settles a conflict."""
    return ProjectChange.objects.create(
        project_id=override.project_id,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        fields=fields,
        reason=f"la source donne désormais : {override.upstream_now!r}",
    )


class ConflictSettledError(ValueError):
    """The conflict was settled meanwhile (by a colleague or a moderator): nothing changed."""


def _conflict_locked(override: FieldOverride) -> tuple[Project, FieldOverride]:
    """The project and the override read again under lock; ConflictSettledError if no longer in conflict."""
    # The project row first, as every writer of the project does: two resolutions never deadlock.
    project = Project.objects.select_for_update().get(pk=override.project_id)
    locked = FieldOverride.objects.select_for_update().filter(pk=override.pk, conflict=True).first()
    if locked is None:
        raise ConflictSettledError(
            "ce conflit a déjà été réglé entre-temps (par un collègue ou un modérateur) : rien n'a changé"
        )
    return project, locked


@transaction.atomic
def override_conflict_keep(override: FieldOverride, actor: Any) -> ProjectChange:
    """Keep the override against the sources' new value, which becomes the upstream it replaces."""
    _, override = _conflict_locked(override)
    change = _resolution(override, actor, Kind.OVERRIDE_KEPT, {})
    override.upstream, override.upstream_now, override.conflict = override.upstream_now, None, False
    override.save(update_fields=["upstream", "upstream_now", "conflict"])
    return change


@transaction.atomic
def override_conflict_take_upstream(override: FieldOverride, actor: Any) -> ProjectChange:
    """Drop the override: the project takes the sources' new value."""
    project, override = _conflict_locked(override)
    before = getattr(project, override.field)
    change = _resolution(
        override, actor, Kind.UPSTREAM_TAKEN, {override.field: [before, override.upstream_now]}
    )
    setattr(project, override.field, override.upstream_now)
    project.provenance = {k: v for k, v in (project.provenance or {}).items() if k != override.field}
    project.updated_at = change.at
    project.save(update_fields=[*_columns([override.field]), "provenance", "updated_at"])
    override.delete()
    return change


@transaction.atomic
def project_change_revert(change: ProjectChange, actor: Any, reason: str = "") -> ProjectChange:
    """Put back the values a change replaced (overrides where the sources give another value).

    Raises ValueError when the change holds no field that can be set by hand (location columns changed
    by a source one by one, publication).
    """
    before = {name: pair[0] for name, pair in change.fields.items() if name in EDITABLE}
    if not before:
        raise ValueError("cette modification ne porte sur aucun champ qui puisse être rétabli")
    project = Project.objects.select_for_update().get(pk=change.project_id)
    reason = text_clean(reason, max_length=2000)
    done = _fields_apply(project, before, actor=actor, kind=Kind.REVERT, reason=reason, reverts=change)
    if done is None:
        raise ValueError("le projet a déjà ces valeurs")
    return done


def overrides_reconcile(
    overrides: dict[str, FieldOverride], upstream: dict[str, Any], project_id: int, at: datetime
) -> tuple[list[FieldOverride], list[dict[str, Any]]]:
    """Compare overrides with the sources' values now {field: {value, source}}; overrides to save, rows.

    Runs in the pipeline's writer: the merge computed `upstream` in a worker process.
    """
    changed: list[FieldOverride] = []
    rows: list[dict[str, Any]] = []
    for name, given in upstream.items():
        override, now = overrides[name], given["value"]
        if not override.upstream_known:
            # Set before the sources' value was recorded: the first merge records it, with no conflict.
            override.upstream, override.upstream_known = now, True
        elif now == (override.upstream_now if override.conflict else override.upstream):
            continue
        else:
            was = override.upstream_now if override.conflict else override.upstream
            # Back to the value the override replaced: nothing is left to decide.
            override.conflict = now != override.upstream
            override.upstream_now = now if override.conflict else None
            rows.append(
                {
                    "project_id": project_id,
                    "kind": Kind.SOURCE_CHANGED,
                    "at": at,
                    "source_slug": given["source"] or "",
                    "fields": {name: [was, now]},
                }
            )
        changed.append(override)
    return changed, rows


def overrides_follow_merge(takers: dict[int, int]) -> set[int]:
    """Move the overrides of projects a merge emptied ({emptied: taker}) to the project that took them.

    Left on the unpublished project, an accepted correction would silently vanish. The taker's own
    override of a field wins; the next sync compares the moved ones with the merged sources' values (a
    difference is a conflict for a moderator). Returns the projects that received overrides.
    """
    received: set[int] = set()
    for giver, taker in takers.items():
        own = list(FieldOverride.objects.filter(project_id=taker).values_list("field", flat=True))
        if FieldOverride.objects.filter(project_id=giver).exclude(field__in=own).update(project_id=taker):
            received.add(taker)
    return received
