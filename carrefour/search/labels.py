"""Human-readable labels of facet codes (vocabularies, territories, sources)."""

from __future__ import annotations

import time

from carrefour.normalize.vocabularies import VOCABULARY_FIELDS, vocabularies, vocabulary_label
from carrefour.projects.models import Project
from carrefour.sources.models import Source
from carrefour.territories.models import Departement, Region

FACET_TITLES = {
    "themes": "Thèmes",
    "publics": "Publics",
    "actor_type": "Type de porteur",
    "region": "Région",
    "departement": "Département",
    "scale": "Échelle",
    "status": "État d'avancement",
    "source": "Plateforme source",
    "start_year": "Année de démarrage",
}


def territory_names(kind: str) -> dict[str, str]:
    """Code → name of régions or départements."""
    model = Region if kind == "region" else Departement
    return dict(model.objects.values_list("code", "name"))


LABELS_TTL = 60.0  # seconds: territories and sources change rarely, searches are many
_labels_cache: dict[str, tuple[float, dict[str, str]]] = {}


def labels_cache_clear() -> None:
    """Forget cached names (after an index rebuild or update, which may follow a load)."""
    _labels_cache.clear()


def facet_labels(name: str) -> dict[str, str]:
    """Code → label for one facet (unknown codes are shown as they are)."""
    if name in VOCABULARY_FIELDS:
        return vocabularies()[name]
    if name not in {"region", "departement", "source"}:
        return {}
    cached = _labels_cache.get(name)
    if cached is not None and time.monotonic() - cached[0] < LABELS_TTL:
        return cached[1]
    labels = dict(Source.objects.values_list("slug", "name")) if name == "source" else territory_names(name)
    if labels:  # an empty table (not loaded yet) is read again next time
        _labels_cache[name] = (time.monotonic(), labels)
    return labels


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
