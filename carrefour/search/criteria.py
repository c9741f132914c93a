"""Search criteria declared once: each facet's index field, URL parameter, keyword, validator, titles, docs.

The URL parser, the keywords of `q`, the search plan, the facet counts and their labels, the results
page, the map and the API documentation (tests/search/test_criteria.py) are all derived from CRITERIA.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from carrefour.normalize.vocabularies import vocabularies
from carrefour.search.labels import LabelLoader, table_labels, vocabulary_labels
from carrefour.sources.models import Source
from carrefour.territories.models import Departement, Epci, Region

FACET_SIZE = 200  # values counted per facet


def in_vocabulary(name: str) -> Callable[[str], bool]:
    """Validator: the code belongs to a common vocabulary."""
    return lambda value: value in vocabularies().get(name, {})


def matches(pattern: str) -> Callable[[str], bool]:
    """Validator: the value matches a regular expression."""
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


@dataclass(frozen=True)
class Criterion:
    """A facet: filter of the search (values OR-ed) and counts of its values."""

    field: str  # raw keyword fast field of the index, the facet's name in results
    param: str  # URL parameter (repeatable), as the site and the API read it
    keyword: str  # keyword argument of search_params (Python callers)
    valid: Callable[[str], bool]
    title: str  # French title of the facet and of its active filter
    name: str  # French name in error messages
    doc: str  # what the API documents for `param` (docs/api.md)
    labels: LabelLoader | None = None  # code → French label; codes are shown as they are without
    size: int = FACET_SIZE
    # A territory: the map draws its outline when filtered, "search in this area" replaces it.
    territorial: bool = False
    # Names a visitor may type before a colon in `q` (theme:alimentation); none: not a query keyword.
    # A criterion of a common vocabulary takes a code or a label there, the others a code.
    query: tuple[str, ...] = ()


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "themes",
        "theme",
        "themes",
        in_vocabulary("themes"),
        "Thèmes",
        "thème",
        "code de thème (`alimentation`, `lien-social`, …)",
        vocabulary_labels("themes"),
        query=("theme", "themes", "thème", "thèmes"),
    ),
    Criterion(
        "publics",
        "public",
        "publics",
        in_vocabulary("publics"),
        "Publics",
        "public",
        "code de public (`jeunes`, `seniors`, …)",
        vocabulary_labels("publics"),
        query=("public", "publics"),
    ),
    Criterion(
        "actor_type",
        "actor_type",
        "actor_types",
        in_vocabulary("actor_type"),
        "Type de porteur",
        "type de porteur",
        "code de type de porteur (`association`, …)",
        vocabulary_labels("actor_type"),
    ),
    Criterion(
        "region",
        "region",
        "regions",
        matches(r"[0-9]{2,3}"),
        "Région",
        "région",
        "code INSEE de région (`11`, `84`, …)",
        table_labels(Region),
        territorial=True,
        query=("region", "région"),
    ),
    Criterion(
        "departement",
        "departement",
        "departements",
        matches(r"[0-9]{2}|2A|2B|97[0-9]"),
        "Département",
        "département",
        "code de département (`93`, `2A`, `974`, …)",
        table_labels(Departement),
        territorial=True,
        query=("departement", "département", "dep"),
    ),
    Criterion(
        "epci",
        "epci",
        "epcis",
        matches(r"[0-9]{9}"),
        "Intercommunalité",
        "intercommunalité",
        "SIREN de l'intercommunalité, EPCI (`200046977` : Métropole de Lyon, …)",
        table_labels(Epci),
        size=50,  # about 1,250 in France: the most frequent ones guide, any one can be filtered
        territorial=True,
        query=("epci", "intercommunalite", "intercommunalité"),
    ),
    Criterion(
        "scale",
        "scale",
        "scales",
        in_vocabulary("scale"),
        "Échelle",
        "échelle",
        "code d'échelle (`commune`, `departement`, …)",
        vocabulary_labels("scale"),
    ),
    Criterion(
        "status",
        "status",
        "statuses",
        in_vocabulary("status"),
        "État d'avancement",
        "état d'avancement",
        "code d'état d'avancement (`en-cours`, …)",
        vocabulary_labels("status"),
    ),
    Criterion(
        "source",
        "source",
        "sources",
        matches(r"[-a-zA-Z0-9_]{1,80}"),
        "Plateforme source",
        "plateforme",
        "identifiant (slug) de la plateforme source",
        table_labels(Source, key="slug"),
    ),
    Criterion(
        "start_year",
        "start_year",
        "start_years",
        matches(r"[12][0-9]{3}"),
        "Année de démarrage",
        "année",
        "année de démarrage (`2021`)",
    ),
)
FACETS = tuple(criterion.field for criterion in CRITERIA)
BY_FIELD = {criterion.field: criterion for criterion in CRITERIA}
BY_PARAM = {criterion.param: criterion for criterion in CRITERIA}
BY_KEYWORD = {criterion.keyword: criterion for criterion in CRITERIA}
TERRITORIAL_PARAMS = tuple(criterion.param for criterion in CRITERIA if criterion.territorial)
QUERY_KEYWORDS = {word: criterion.field for criterion in CRITERIA for word in criterion.query}


def facet_labels(field: str) -> dict[str, str]:
    """Code → label for one facet (unknown codes are shown as they are)."""
    criterion = BY_FIELD.get(field)
    return criterion.labels() if criterion is not None and criterion.labels is not None else {}
