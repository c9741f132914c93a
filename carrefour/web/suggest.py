"""Autocomplete of the search box: régions, départements, themes and project titles matching a prefix."""

from __future__ import annotations

import unicodedata

from django.utils.http import urlencode

from carrefour.normalize.vocabularies import vocabularies
from carrefour.projects.models import Project
from carrefour.territories.models import Departement, Region
from carrefour.territories.names import name_normalize

MAX_SUGGESTIONS = 8
MIN_CHARS = 2


def _fold(text: str) -> str:
    """Lower case without accents, for prefix matching."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def suggestions(raw: str) -> list[dict[str, str]]:
    """Up to MAX_SUGGESTIONS {label, kind, url} for what the visitor is typing."""
    text = " ".join(raw.split())[:100]
    if len(text) < MIN_CHARS:
        return []
    folded = _fold(text)
    found: list[dict[str, str]] = []
    for code, label in vocabularies().get("themes", {}).items():
        if any(word.startswith(folded) for word in _fold(label).split()) or _fold(label).startswith(folded):
            found.append({"label": label, "kind": "Thème", "url": f"/recherche?{urlencode({'theme': code})}"})
    for model, param, kind in ((Region, "region", "Région"), (Departement, "departement", "Département")):
        matches = model.objects.filter(search_name__contains=name_normalize(text))
        for code, name in matches.values_list("code", "name")[:3]:
            found.append({"label": name, "kind": kind, "url": f"/recherche?{urlencode({param: code})}"})
    titles = Project.objects.filter(is_published=True, title__icontains=text).order_by("-updated_at")
    for pk, title in titles.values_list("id", "title")[:MAX_SUGGESTIONS]:
        found.append({"label": title, "kind": "Projet", "url": f"/projets/{pk}"})
    return found[:MAX_SUGGESTIONS]
