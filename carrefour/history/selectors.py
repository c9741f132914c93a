"""A project's changes as the history page shows them: who, what kind, which fields, words struck or added."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from carrefour.normalize.text import html_to_text
from carrefour.projects.models import ProjectChange
from carrefour.projects.overrides import EDITABLE
from carrefour.projects.selectors import location_text
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
    "location": "Localisation",
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
# A word with the spaces after it: half as many items to compare as words and spaces apart.
_WORDS = re.compile(r"\s*\S+\s*|\s+")


@dataclass
class FieldDiff:
    """One field of a change: its label, and its text with the words removed and added marked."""

    label: str
    html: SafeString


_MARKS = {"equal": "{}", "delete": '<del title="avant">{}</del>', "insert": '<ins title="après">{}</ins>'}


def diff_html(segments: list[tuple[str, str]]) -> SafeString:
    """Segments as HTML, the text escaped: built here, a template loop per word cost more than the diff."""
    return mark_safe("".join(_MARKS[kind].format(escape(text)) for kind, text in segments))  # noqa: S308


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
    if isinstance(value, dict):
        return location_text(value)
    return str(value)


def words_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff segments of two texts (spaces kept), for <del> and <ins>."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    # Most changes touch a few words: the common start and end are set aside before diffing the rest
    # (difflib's cost grows with the product of the lengths it compares).
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    segments = [("equal", "".join(old[:head]))] if head else []
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(middle_old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(middle_old[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(middle_new[j1:j2])))
    if tail:
        segments.append(("equal", "".join(old[len(old) - tail :])))
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
            fields.append(FieldDiff(FIELD_LABELS.get(name, name), diff_html(words_diff(old, new))))
        revertable = can_revert and any(name in EDITABLE for name in change.fields)
        entries.append(Entry(change, change.get_kind_display(), _who(change, sources), fields, revertable))
    return entries
