"""Human-readable labels of facet codes (vocabularies, territories, sources)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db.models import Model

from carrefour.normalize.vocabularies import vocabularies, vocabulary_label
from carrefour.projects.models import Project
from carrefour.territories.models import Departement, Region

LabelLoader = Callable[[], dict[str, str]]
LABELS_TTL = 60.0  # seconds: territories and sources change rarely, searches are many
_labels_cache: dict[str, tuple[float, dict[str, str]]] = {}


def territory_names(kind: str) -> dict[str, str]:
    """Code → name of régions or départements."""
    model = Region if kind == "region" else Departement
    return dict(model.objects.values_list("code", "name"))


def labels_cache_clear() -> None:
    """Forget cached names (after an index rebuild or update, which may follow a load)."""
    _labels_cache.clear()


def vocabulary_labels(name: str) -> LabelLoader:
    """Labels of a common vocabulary's codes."""
    return lambda: vocabularies()[name]


def table_labels(model: type[Model], key: str = "code") -> LabelLoader:
    """Labels read from a table (`key` → `name`), kept LABELS_TTL seconds."""
    cache_key = model._meta.label

    def load() -> dict[str, str]:
        cached = _labels_cache.get(cache_key)
        if cached is not None and time.monotonic() - cached[0] < LABELS_TTL:
            return cached[1]
        labels = {str(code): str(name) for code, name in model._default_manager.values_list(key, "name")}
        if labels:  # an empty table (not loaded yet) is read again next time
            _labels_cache[cache_key] = (time.monotonic(), labels)
        return labels

    return load


def project_labels(project: Project) -> dict[str, object]:
    """Labels of a project's codes, for its page (territory names when the referential is loaded)."""
    return {
        "themes": [vocabulary_label("themes", code) for code in project.themes or []],
        "publics": [vocabulary_label("publics", code) for code in project.publics or []],
        "actor_type": vocabulary_label("actor_type", project.actor_type),
        "scale": vocabulary_label("scale", project.scale),
        "status": vocabulary_label("status", project.status),
        "region": territory_names("region").get(project.region_code, ""),
        "departement": territory_names("departement").get(project.departement_code, ""),
    }
