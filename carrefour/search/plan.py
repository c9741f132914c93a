"""A search as named tantivy clauses: words, territory, radius, map box, ranges, facet filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import tantivy
from tantivy import FieldType, Query

from carrefour.search.criteria import FACETS
from carrefour.search.params import SearchParams
from carrefour.search.query import ParsedQuery, query_parse
from carrefour.search.query_build import ALL_FEATURES, QueryBuilder, SearchFeatures, query_combine
from carrefour.search.territory import (
    Territory,
    around_filter,
    bbox_query,
    own_place_extract,
    place_extract,
    territory_query,
    territory_resolve,
)


@dataclass
class SearchPlan:
    """Every criterion as a clause keyed by the URL parameter that sets it (relaxations drop them)."""

    builder: QueryBuilder
    q: str = ""  # the words searched (a place written at the end of q is taken out)
    place: str = ""  # that place, as written
    parsed: ParsedQuery | None = None
    text: Query | None = None
    clauses: dict[tuple[str, str], Query] = field(default_factory=dict)  # (param, value) → clause
    filters: dict[str, Query] = field(default_factory=dict)  # facet → OR of its selected values
    selected: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    territory: Territory | None = None
    center: tuple[float, float] | None = None
    distances: dict[int, float] = field(default_factory=dict)
    position_used: bool = False  # lat/lon named "my département", no radius around them

    def base(self) -> list[Query]:
        """Clauses other than facet filters."""
        return ([self.text] if self.text is not None else []) + list(self.clauses.values())

    def query(self) -> Query:
        """The whole search."""
        return query_combine(self.base() + list(self.filters.values()))


def _timestamp(day: date, end: bool) -> int:
    """Unix time of the start (or end) of a day, UTC."""
    return int(datetime.combine(day, time.max if end else time.min, tzinfo=UTC).timestamp())


def _territory_add(
    plan: SearchPlan,
    schema: tantivy.Schema,
    territory: str,
    point: tuple[float, float] | None,
    *,
    covering: bool,
    national: bool,
    places: bool,
) -> bool:
    """The "in a territory" clause, from the parameter or a place ending q; whether it is "around"."""
    around = False
    words, mine, mine_around, said = (
        own_place_extract(plan.q, point) if places else (plan.q, None, False, False)
    )
    if said and mine is None:
        plan.notes.append(
            "Pour chercher près de chez vous, indiquez votre commune ou partagez votre position."
        )
        plan.q = words
    elif mine is not None:
        plan.place, plan.q, plan.territory = plan.q[len(words) :].strip(), words, mine
        plan.notes.append(f"Recherche {'autour de' if mine_around else 'dans le territoire'} : {mine.label}.")
        if mine_around:
            return True
        # The position only named the visitor's territory: it is not a radius search.
        plan.position_used = True
        plan.clauses[("q", plan.q)] = territory_query(schema, mine, covering=covering, national=national)
        return False
    elif territory:
        plan.territory = territory_resolve(territory)
        if plan.territory is None:
            plan.notes.append(f"Territoire inconnu : « {territory[:80]} ».")
            plan.clauses[("territory", territory)] = Query.empty_query()
            return False
    elif places and plan.q and point is None:
        words, plan.territory, around = place_extract(plan.q)
        if plan.territory is None:
            return False
        # The place stays in the visitor's q; only the words are searched as text.
        plan.place = plan.q[plan.q.find(words) + len(words) :].strip() if words else plan.q.strip()
        plan.q = words
        how = "autour de" if around else "dans le territoire"
        plan.notes.append(f"Recherche {how} : {plan.territory.label}.")
    if plan.territory is not None and not around:
        # A place written in q is dropped by searching the words alone (param q).
        key = ("q", plan.q) if plan.place else ("territory", territory)
        plan.clauses[key] = territory_query(schema, plan.territory, covering=covering, national=national)
    return around


def _around_add(
    plan: SearchPlan,
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    near: str,
    point: tuple[float, float] | None,
    radius_km: float,
    around: bool,
) -> None:
    """The "around" clause: near a named place, a point, or the place ending q."""
    center = point
    if near:
        found = territory_resolve(near, ("commune", "departement", "region", "epci"))
        if found is None or found.latitude is None or found.longitude is None:
            plan.notes.append(f"Lieu inconnu : « {near[:80]} ».")
            plan.clauses[("near", near)] = Query.empty_query()
            return
        plan.territory = plan.territory or found
        center = (found.latitude, found.longitude)
    elif around and point is None and plan.territory is not None and plan.territory.longitude is not None:
        center = (plan.territory.latitude or 0.0, plan.territory.longitude)
    if center is None:
        return
    plan.center = center
    clause, plan.distances = around_filter(searcher, schema, center[0], center[1], radius_km)
    key = ("q", plan.q) if plan.place else ("near", near or f"{center[0]},{center[1]}")
    plan.clauses[key] = clause


def search_plan_build(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    *,
    params: SearchParams,
    places: bool = True,
    features: SearchFeatures = ALL_FEATURES,
) -> SearchPlan:
    """All clauses of a search, with notes for the visitor; never raises on what was typed."""
    plan = SearchPlan(builder=QueryBuilder(schema, features), q=params.q)
    point, near = params.point, params.near
    around = _territory_add(
        plan,
        schema,
        params.territory,
        point,
        covering=params.covering,
        national=params.national,
        places=places and not near,
    )
    if not plan.position_used:
        _around_add(plan, searcher, schema, near, point, params.radius_km, around)
    if params.bbox is not None:
        plan.clauses[("bbox", ",".join(str(v) for v in params.bbox))] = bbox_query(schema, *params.bbox)
    low_year, high_year = params.start_year_min, params.start_year_max
    if (low_year, high_year) != (None, None):
        plan.clauses[("start_year_min", str(low_year or ""))] = Query.range_query(
            schema, "year", FieldType.Integer, low_year, high_year
        )
    low_day, high_day = params.updated_min, params.updated_max
    if (low_day, high_day) != (None, None):
        plan.clauses[("updated_min", str(low_day or ""))] = Query.range_query(
            schema,
            "updated",
            FieldType.Integer,
            _timestamp(low_day, end=False) if low_day else None,
            _timestamp(high_day, end=True) if high_day else None,
        )
    plan.parsed = query_parse(plan.q, prefix_last=params.prefix)
    plan.text = plan.builder.build(plan.parsed.tree)
    if plan.parsed.message:
        plan.notes.insert(0, plan.parsed.message)
    elif plan.q.strip() and plan.text is None and plan.territory is None:
        plan.notes.append("Aucun mot à rechercher : tous les projets sont affichés.")
    # In the declared order, whatever the order of the parameters: the same search, the same query.
    chosen = {name: sorted({str(v) for v in params.filters.get(name, ()) if v}) for name in FACETS}
    plan.selected = {name: values for name, values in chosen.items() if values}
    plan.filters = {
        name: Query.term_set_query(schema, name, values) for name, values in plan.selected.items()
    }
    return plan
