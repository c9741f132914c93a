"""Map a raw payload to the common schema: the normalize stage of the pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from carrefour.normalize.actors import actor_type_from_text, actor_type_guess
from carrefour.normalize.inference import codes_infer
from carrefour.normalize.text import (
    MAX_SUMMARY,
    MAX_TITLE,
    html_sanitize,
    html_to_text,
    text_clean,
)
from carrefour.normalize.values import float_parse, value_is_missing, website_clean, year_parse
from carrefour.normalize.vocabularies import (
    VOCABULARY_FIELDS,
    vocabulary_map,
    vocabulary_mappings,
    vocabulary_terms,
)

# Payload fields that describe the place, handed to the territories stage as they are (cleaned).
LOCATION_FIELDS = ("address", "postal_code", "commune", "commune_code", "departement", "region", "country")
SUMMARY_FROM_DESCRIPTION = 280


@dataclass
class NormalizedRecord:
    """Result of mapping one payload: common-schema data, location input, and what went wrong."""

    data: dict[str, Any]
    location_input: dict[str, Any]
    errors: list[dict[str, str]] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    # Problems that do not block publication [{field, message}] (a vocabulary regex too slow…).
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        """A record with errors is kept raw but never published."""
        return not self.errors


def _summary(payload: Mapping[str, Any], description_html: str) -> str:
    if not value_is_missing(payload.get("summary")):
        return text_clean(payload.get("summary"), max_length=MAX_SUMMARY)
    if not description_html:
        return ""
    first = html_to_text(description_html).split("\n\n")[0]
    return text_clean(first, max_length=SUMMARY_FROM_DESCRIPTION)


def _location_input(payload: Mapping[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = {
        name: text_clean(payload[name], max_length=300)
        for name in LOCATION_FIELDS
        if not value_is_missing(payload.get(name))
    }
    if not value_is_missing(payload.get("location_text")):
        location["text"] = text_clean(payload["location_text"], max_length=300)
    for name in ("latitude", "longitude"):
        number = float_parse(payload.get(name))
        if number is not None:
            location[name] = number
    return location


def record_normalize(payload: Mapping[str, Any], definition: Mapping[str, Any]) -> NormalizedRecord:
    """Map one raw payload to the common schema with the vocabularies of its source definition."""
    mappings = vocabulary_mappings(definition.get("vocabularies"))
    data: dict[str, Any] = {}
    result = NormalizedRecord(data=data, location_input=_location_input(payload))

    title = text_clean(payload.get("title"), max_length=MAX_TITLE)
    if len(title) < 2 or value_is_missing(title):
        result.errors.append({"field": "title", "message": "titre absent ou inutilisable"})
    data["title"] = title
    description = (
        html_sanitize(payload.get("description")) if not value_is_missing(payload.get("description")) else ""
    )
    data["description"] = description
    data["summary"] = _summary(payload, description)

    for name in VOCABULARY_FIELDS:
        mapping = mappings[name]
        codes, unmapped, problems = vocabulary_map(name, vocabulary_terms(payload, name), mapping)
        if unmapped:
            result.unmapped[name] = unmapped
        result.warnings += [{"field": name, "message": problem} for problem in problems]
        if name in ("themes", "publics"):
            data[name] = codes
        else:
            data[name] = codes[0] if codes else None

    organization = text_clean(payload.get("organization"), max_length=MAX_TITLE) or None
    data["organization"] = organization
    if data["actor_type"] is None:
        guessed = actor_type_guess(text_clean(payload.get("legal_form")), organization) or (
            actor_type_from_text(data["summary"] + " " + html_to_text(description[:3000]))
        )
        if guessed:
            data["actor_type"] = guessed
            result.inferred.append("actor_type")
    # The source says nothing (an unmapped term is a mapping to fix, not a silence to fill).
    silent = [name for name in ("themes", "publics") if not data[name] and not result.unmapped.get(name)]
    text = data["summary"] + "\n" + html_to_text(description[:8000]) if silent else ""
    for name in silent:
        data[name] = codes_infer(name, title, text)
        if data[name]:
            result.inferred.append(name)
    data["status"] = data["status"] or "inconnu"
    if not result.location_input and data["scale"] in ("national", "international"):
        # Open-data exports leave every place column empty for nationwide projects ("périmètre : national").
        result.location_input["text"] = "National"
    if description and "address" not in result.location_input:
        # The territories stage looks for a street address in the text when the source gives none.
        result.location_input["prose"] = html_to_text(description[:8000])
    data["start_year"] = year_parse(payload.get("start_year"))
    data["website"] = website_clean(payload.get("website"))
    updated = text_clean(payload.get("updated"), max_length=40)
    data["source_updated"] = updated or None
    return result
