"""Each previewed record's values as read and normalized, field by field, for the partner to check."""

from __future__ import annotations

from typing import Any

from carrefour.normalize.vocabularies import VOCABULARY_FIELDS, vocabulary_label
from carrefour.orchestration.preview_compare import Previewed, value_shown

# Common-schema fields in the order of a project page, with the name the partner reads.
FIELD_LABELS = {
    "title": "Titre",
    "summary": "Résumé",
    "description": "Description (début)",
    "themes": "Thèmes",
    "publics": "Publics",
    "actor_type": "Type de porteur",
    "organization": "Structure porteuse",
    "scale": "Échelle",
    "status": "État",
    "start_year": "Année de début",
    "website": "Site web",
    "source_updated": "Mise à jour à la source",
}
LOCATION_LABELS = {
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune_name": "Commune",
    "commune_code": "Code INSEE de la commune",
    "departement_code": "Département",
    "region_code": "Région",
    "precision": "Précision du lieu",
}


def _coded(name: str, value: Any) -> str:
    """Codes of a common vocabulary as `label (code)`, so that both can be checked."""
    codes = value if isinstance(value, list) else [value] if value else []
    return ", ".join(f"{vocabulary_label(name, str(code))} ({code})" for code in codes)


def _row(key: str, label: str, text: str, *, inferred: bool = False) -> dict[str, Any]:
    """One line of a record's table; an empty text stays in the table, shown as empty."""
    return {"field": key, "label": label, "value": text, "inferred": inferred}


def previewed_values(item: Previewed) -> dict[str, Any]:
    """A previewed record with each common field's value as text, rejected ones with their reasons."""
    data, values = item.values["data"], item.values
    rows = [
        _row(
            name,
            label,
            _coded(name, data.get(name)) if name in VOCABULARY_FIELDS else value_shown(data.get(name)),
            inferred=name in values["inferred"],
        )
        for name, label in FIELD_LABELS.items()
    ]
    location = data.get("location") or {}
    rows += [
        _row(f"location.{name}", label, value_shown(location.get(name)))
        for name, label in LOCATION_LABELS.items()
    ]
    problems = [f"{error['field']} : {error['message']}" for error in values["errors"] + values["warnings"]]
    problems += [
        f"{name} : sans correspondance dans le vocabulaire commun : {', '.join(terms)}"
        for name, terms in sorted(values["unmapped"].items())
    ]
    return {**item.entry(), "valid": bool(values["is_valid"]), "problems": problems, "rows": rows}
