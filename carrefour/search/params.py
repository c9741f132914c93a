"""A search as parameters: from a query string (`?q=…&theme=…&page=…`, French messages) or keywords."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.http import QueryDict

from carrefour.search.criteria import BY_KEYWORD, CRITERIA
from carrefour.search.territory import DEFAULT_RADIUS_KM, territory_resolve

MAX_VALUES = 50
RADIUS_MAX_KM = 500
PER_PAGE_MAX = 100
MAX_WINDOW = 10_000  # deepest result reachable by paging
SORTS = ("relevance", "date", "distance", "title")
SORT_ALIASES = {"recent": "date", "pertinence": "relevance", "titre": "title"}
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


class SearchParamError(ValueError):
    """A parameter the visitor can fix; the message is in French."""


@dataclass(frozen=True)
class SearchParams:
    """A search: words, facet filters (index field → codes), territory, ranges, sort and page."""

    q: str = ""
    page: int = 1
    per_page: int = 20
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    territory: str = ""
    covering: bool = True  # with a territory: projects whose scale covers it too
    national: bool = False  # with a territory: national projects too
    near: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    bbox: tuple[float, float, float, float] | None = None
    start_year_min: int | None = None
    start_year_max: int | None = None
    updated_min: date | None = None
    updated_max: date | None = None
    sort: str = "relevance"
    prefix: bool = False  # the last word is the start of a word

    @property
    def point(self) -> tuple[float, float] | None:
        """The visitor's position (lat, lon), when given."""
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond paging and order narrows the results (else: the whole corpus)."""
        return replace(self, page=1, per_page=20, sort="relevance", prefix=False) != SearchParams()


def search_params(**criteria: Any) -> SearchParams:
    """A search from keywords: facets by their keyword (themes=[…], regions=[…]), else SearchParams fields."""
    filters = {BY_KEYWORD[key].field: list(criteria.pop(key)) for key in list(criteria) if key in BY_KEYWORD}
    return SearchParams(filters=filters, **criteria)


def page_max(per_page: int) -> int:
    """Deepest page number allowed for a page size."""
    return max(1, MAX_WINDOW // max(per_page, 1))


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
    for criterion in CRITERIA:
        param = criterion.param
        values = [str(v).strip() for v in query.getlist(param) if str(v).strip()]
        if len(values) > MAX_VALUES:
            raise SearchParamError(f"Trop de valeurs pour le paramètre « {param} » (au plus {MAX_VALUES}).")
        for value in values:
            if not criterion.valid(value):
                raise SearchParamError(
                    f"Valeur inconnue pour le paramètre « {param} » ({criterion.name}) : « {value[:80]} »."
                )
        if values:
            filters[criterion.field] = values
    return SearchParams(
        q=str(query.get("q", "")), page=page, per_page=per_page, filters=filters, **_options_parse(query)
    )
