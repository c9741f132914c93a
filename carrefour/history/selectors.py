"""A project's changes as the history page shows them: who, what kind, which fields, words struck or added."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from carrefour.normalize.text import html_to_text
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import ProjectChange
from carrefour.sources.models import Source

Kind = ProjectChange.Kind
FIELD_LABELS = {
    "title": "Titre",
    "summary": "Résumé",
    "description": "Description",
    "themes": "Thèmes",
    "publics": "Publics",
    "actor_type": "Type de porteur",
    "organization": "Organisation",
    "scale": "Échelle",
    "status": "État d'avancement",
    "start_year": "Année de démarrage",
    "website": "Site web",
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune_code": "Code commune",
    "commune_name": "Commune",
    "epci_code": "EPCI",
    "departement_code": "Département",
    "region_code": "Région",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "precision": "Précision de la localisation",
    "is_published": "Publié",
}
# Changes the pipeline makes: without an actor, they come from the sources, not from a deleted account.
_AUTOMATIC = {
    Kind.CREATION,
    Kind.HARVEST,
    Kind.MERGE,
    Kind.SPLIT,
    Kind.UNPUBLISH,
    Kind.REPUBLISH,
    Kind.SOURCE_CHANGED,
}
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class FieldDiff:
    """One field of a change: its label and the text before / after, as (kind, words) segments."""

    label: str
    before: str
    after: str
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


@dataclass
class Entry:
    """One change as the page lists it."""

    change: ProjectChange
    kind: str
    who: str
    fields: list[FieldDiff]
    revertable: bool


def _text(name: str, value: Any) -> str:
    """A stored value as a reader sees it."""
    if value is None or value == "" or value == []:
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if name == "description":
        return html_to_text(str(value))
    return str(value)


def words_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff segments of two texts (spaces kept), for <del> and <ins>."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(new[j1:j2])))
    return segments


def _who(change: ProjectChange, sources: dict[str, str]) -> str:
    """The author: a person's name, the source(s), or "compte supprimé"."""
    if change.actor is not None:
        return actor_name(change.actor)
    if change.kind in _AUTOMATIC:
        names = [sources.get(slug, slug) for slug in change.source_slug.split(", ") if slug]
        return f"source {', '.join(names)}" if names else "traitement automatique"
    return "compte supprimé"


def actor_name(user: AbstractBaseUser) -> str:
    """A person as the public page names them: their full name, never their e-mail or login."""
    full = getattr(user, "get_full_name", lambda: "")()
    return full or f"contributeur n° {user.pk}"


def history_entries(changes: list[ProjectChange], *, can_revert: bool) -> list[Entry]:
    """The page's changes ready to show; reverting offered only to who may do it, on fields it can set."""
    sources = dict(Source.objects.values_list("slug", "name"))
    entries = []
    for change in changes:
        fields = []
        for name, (before, after) in change.fields.items():
            old, new = _text(name, before), _text(name, after)
            fields.append(FieldDiff(FIELD_LABELS.get(name, name), old, new, words_diff(old, new)))
        revertable = can_revert and any(name in MERGED_FIELDS for name in change.fields)
        entries.append(Entry(change, change.get_kind_display(), _who(change, sources), fields, revertable))
    return entries
