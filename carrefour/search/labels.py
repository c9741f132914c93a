"""Human-readable labels of facet codes (vocabularies, territories, sources)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from carrefour.projects.models import Project
from carrefour.sources.models import Source

# Facet name → key of schema/vocabularies.json.
VOCABULARY_KEYS = {
    "themes": "themes",
    "publics": "publics",
    "actor_type": "actor_types",
    "scale": "scales",
    "status": "statuses",
}
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


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, dict[str, str]]:
    """Code → label of every common vocabulary."""
    data = json.loads((Path(settings.SCHEMA_DIR) / "vocabularies.json").read_text())
    return {key: value for key, value in data.items() if isinstance(value, dict)}


def territory_names(kind: str) -> dict[str, str]:
    """Code → name of régions or départements; {} while the territories app is unavailable."""
    try:
        from carrefour.territories import models as territories
    except ImportError:
        return {}
    model = getattr(territories, "Region" if kind == "region" else "Departement", None)
    if model is None:
        return {}
    try:
        with transaction.atomic():
            return dict(model.objects.values_list("code", "name"))
    except DatabaseError:
        return {}


def facet_labels(name: str) -> dict[str, str]:
    """Code → label for one facet (unknown codes are shown as they are)."""
    if name in VOCABULARY_KEYS:
        return vocabularies().get(VOCABULARY_KEYS[name], {})
    if name in {"region", "departement"}:
        return territory_names(name)
    if name == "source":
        return dict(Source.objects.values_list("slug", "name"))
    return {}


def project_labels(project: Project) -> dict[str, object]:
    """Labels of a project's codes, for its page (territory names when the referential is loaded)."""
    vocab = vocabularies()
    return {
        "themes": [vocab["themes"].get(code, code) for code in project.themes or []],
        "publics": [vocab["publics"].get(code, code) for code in project.publics or []],
        "actor_type": vocab["actor_types"].get(project.actor_type, project.actor_type),
        "scale": vocab["scales"].get(project.scale, project.scale),
        "status": vocab["statuses"].get(project.status, project.status),
        "region": territory_names("region").get(project.region_code, ""),
        "departement": territory_names("departement").get(project.departement_code, ""),
    }
