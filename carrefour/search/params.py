"""Search parameters of a query string (`?q=…&theme=…&page=…`), validated with French messages."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import QueryDict

from carrefour.normalize.vocabularies import vocabularies
from carrefour.search.selectors import PER_PAGE_MAX, SORT_ALIASES, SORTS, page_max
from carrefour.search.territory import territory_resolve

MAX_VALUES = 50
RADIUS_MAX_KM = 500


class SearchParamError(ValueError):
    """A parameter the visitor can fix; the message is in French."""


def _in_vocabulary(key: str) -> Callable[[str], bool]:
    """Validator: the code belongs to a common vocabulary."""
    return lambda value: value in vocabularies().get(key, {})


def _matches(pattern: str) -> Callable[[str], bool]:
    """Validator: the value matches a regular expression."""
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


# Query parameter → (facet field, keyword of project_search, validator, French name).
PARAMS: dict[str, tuple[str, str, Callable[[str], bool], str]] = {
    "theme": ("themes", "themes", _in_vocabulary("themes"), "thème"),
    "public": ("publics", "publics", _in_vocabulary("publics"), "public"),
    "actor_type": ("actor_type", "actor_types", _in_vocabulary("actor_type"), "type de porteur"),
    "region": ("region", "regions", _matches(r"[0-9]{2,3}"), "région"),
    "departement": ("departement", "departements", _matches(r"[0-9]{2}|2A|2B|97[0-9]"), "département"),
    "scale": ("scale", "scales", _in_vocabulary("scale"), "échelle"),
    "status": ("status", "statuses", _in_vocabulary("status"), "état d'avancement"),
    "source": ("source", "sources", _matches(r"[-a-zA-Z0-9_]{1,80}"), "plateforme"),
    "start_year": ("start_year", "start_years", _matches(r"[12][0-9]{3}"), "année"),
}
FACET_PARAMS = {facet: param for param, (facet, *_rest) in PARAMS.items()}
# Parameters of the fine and territorial search (see docs/api.md).
OPTION_PARAMS = (
    "territory",
    "covering",
    "national",
    "near",
    "lat",
    "lon",
    "radius",
    "bbox",
    "start_year_min",
    "start_year_max",
    "updated_min",
    "updated_max",
    "sort",
    "prefix",
)


@dataclass(frozen=True)
class SearchParams:
    """Validated arguments of project_search."""

    q: str = ""
    page: int = 1
    per_page: int = 20
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Fine and territorial criteria (territory, near, radius_km, bbox, ranges, sort, prefix…).
    options: dict[str, Any] = field(default_factory=dict)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for project_search."""
        return {"q": self.q, "page": self.page, "per_page": self.per_page, **self.filters, **self.options}


def _integer(raw: str, name: str, low: int, high: int) -> int:
    """A bounded integer parameter."""
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise SearchParamError(f"Le paramètre « {name} » doit être un nombre entier entre {low} et {high}.")
    return value


def _number(raw: str, name: str, low: float, high: float) -> float:
    """A bounded decimal parameter."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise SearchParamError(f"Le paramètre « {name} » doit être un nombre entre {low:g} et {high:g}.")
    return value


def _day(raw: str, name: str) -> date:
    """A date parameter (AAAA-MM-JJ)."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SearchParamError(f"Le paramètre « {name} » doit être une date AAAA-MM-JJ.") from None


def _flag(raw: str, name: str) -> bool:
    """A yes/no parameter (1/0, true/false, oui/non)."""
    value = raw.lower()
    if value in {"1", "true", "oui", "on", "yes"}:
        return True
    if value in {"0", "false", "non", "off", "no"}:
        return False
    raise SearchParamError(f"Le paramètre « {name} » vaut 1 ou 0.")


def _options_parse(query: QueryDict) -> dict[str, Any]:
    """Territorial and fine criteria: territory, near/lat/lon/radius, bbox, ranges, sort, prefix."""
    raw = {key: str(query.get(key, "")).strip() for key in OPTION_PARAMS}
    options: dict[str, Any] = {}
    for name in ("territory", "near"):
        if raw[name]:
            if territory_resolve(raw[name]) is None:
                raise SearchParamError(
                    f"Territoire inconnu pour le paramètre « {name} » : « {raw[name][:80]} »."
                )
            options[name] = raw[name]
    for name in ("covering", "national", "prefix"):
        if raw[name]:
            options[name] = _flag(raw[name], name)
    if bool(raw["lat"]) != bool(raw["lon"]):
        raise SearchParamError("Les paramètres « lat » et « lon » vont ensemble.")
    if raw["lat"]:
        options["lat"] = _number(raw["lat"], "lat", -90, 90)
        options["lon"] = _number(raw["lon"], "lon", -180, 180)
    if raw["radius"]:
        options["radius_km"] = _number(raw["radius"], "radius", 0.1, RADIUS_MAX_KM)
    if raw["bbox"]:
        parts = raw["bbox"].split(",")
        if len(parts) != 4:
            raise SearchParamError("Le paramètre « bbox » s'écrit sud,ouest,nord,est (4 nombres).")
        south, west, north, east = (_number(p, "bbox", -180, 180) for p in parts)
        if south > north or west > east:
            raise SearchParamError(
                "Le paramètre « bbox » s'écrit sud,ouest,nord,est (sud ≤ nord, ouest ≤ est)."
            )
        options["bbox"] = (south, west, north, east)
    for name in ("start_year_min", "start_year_max"):
        if raw[name]:
            options[name] = _integer(raw[name], name, 1800, 2100)
    for name in ("updated_min", "updated_max"):
        if raw[name]:
            options[name] = _day(raw[name], name)
    if raw["sort"]:
        sort = SORT_ALIASES.get(raw["sort"], raw["sort"])
        if sort not in SORTS:
            raise SearchParamError(f"Le paramètre « sort » vaut {', '.join(SORTS)}.")
        options["sort"] = sort
    return options


def search_params_parse(
    query: QueryDict, *, per_page: int = 20, per_page_param: bool = False
) -> SearchParams:
    """Validate a query string; raises SearchParamError with a French message."""
    per_page_raw = str(query.get("per_page", "")).strip()
    if per_page_param and per_page_raw:
        per_page = _integer(per_page_raw, "per_page", 1, PER_PAGE_MAX)
    page_raw = str(query.get("page", "")).strip()
    page = _integer(page_raw, "page", 1, page_max(per_page)) if page_raw else 1
    filters: dict[str, list[str]] = {}
    for param, (_facet, keyword, valid, label) in PARAMS.items():
        values = [str(v).strip() for v in query.getlist(param) if str(v).strip()]
        if len(values) > MAX_VALUES:
            raise SearchParamError(f"Trop de valeurs pour le paramètre « {param} » (au plus {MAX_VALUES}).")
        for value in values:
            if not valid(value):
                raise SearchParamError(
                    f"Valeur inconnue pour le paramètre « {param} » ({label}) : « {value[:80]} »."
                )
        if values:
            filters[keyword] = values
    options = _options_parse(query)
    return SearchParams(
        q=str(query.get("q", "")), page=page, per_page=per_page, filters=filters, options=options
    )
