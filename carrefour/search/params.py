"""Search parameters of a query string (`?q=…&theme=…&page=…`), validated with French messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from carrefour.normalize.vocabularies import vocabularies
from carrefour.search.selectors import PER_PAGE_MAX, page_max

MAX_VALUES = 50


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


@dataclass(frozen=True)
class SearchParams:
    """Validated arguments of project_search."""

    q: str = ""
    page: int = 1
    per_page: int = 20
    filters: dict[str, list[str]] = field(default_factory=dict)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for project_search."""
        return {"q": self.q, "page": self.page, "per_page": self.per_page, **self.filters}


def _integer(raw: str, name: str, low: int, high: int) -> int:
    """A bounded integer parameter."""
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise SearchParamError(f"Le paramètre « {name} » doit être un nombre entier entre {low} et {high}.")
    return value


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
    return SearchParams(q=str(query.get("q", "")), page=page, per_page=per_page, filters=filters)
