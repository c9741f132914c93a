"""Territorial search: resolve a territory by name or code, "in" and "around" filters, places in queries."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import tantivy
from tantivy import FieldType, Occur, Query

from carrefour.search.schema import NATIONAL
from carrefour.territories.gazetteer import Area, Place, distance_km, gazetteer_get
from carrefour.territories.models import Epci
from carrefour.territories.names import name_normalize, name_strip_article

KINDS = {"commune": "c", "epci": "e", "departement": "d", "region": "r"}
KIND_ALIASES = {
    "c": "commune",
    "commune": "commune",
    "e": "epci",
    "epci": "epci",
    "d": "departement",
    "dep": "departement",
    "departement": "departement",
    "r": "region",
    "reg": "region",
    "region": "region",
}
KIND_LABELS = {
    "commune": "commune",
    "epci": "intercommunalité",
    "departement": "département",
    "region": "région",
}
AROUND_MAX = 50_000  # candidates of a radius search; beyond, the bounding box alone filters
DEFAULT_RADIUS_KM = 20.0
# "…autour de Lyon", "…dans le Rhône", "…en Bretagne", "…à Montreuil": preposition → kinds it may introduce.
_PREPOSITIONS = {
    "autour de": ("commune",),
    "autour d": ("commune",),
    "pres de": ("commune",),
    "pres d": ("commune",),
    "a cote de": ("commune",),
    "a cote d": ("commune",),
    "dans le": ("departement", "region", "commune"),
    "dans la": ("departement", "region", "commune"),
    "dans les": ("departement", "region"),
    "dans l": ("departement", "region", "commune"),
    "en": ("region", "departement"),
    "a": ("commune",),
    "au": ("commune",),
}
_AROUND = {"autour de", "autour d", "pres de", "pres d", "a cote de", "a cote d"}
_PLACE_SPLIT = re.compile(
    r"(?i)(?:^|\s)(autour d[e’']|pr[èe]s d[e’']|[àa] c[ôo]t[ée] d[e’']|dans l[ae’']s?|en|[àa]|au)\s*"
)


# "…dans mon département", "…près de chez moi": places relative to the visitor's position.
_MINE = re.compile(
    r"(?i)\s*(?:(?:dans|sur)\s+(?:mon|ma)\s+(?P<kind>d[ée]partement|r[ée]gion|commune|ville|intercommunalit[ée]|epci)"
    r"|(?:pr[èe]s\s+de|autour\s+de)\s+(?:chez\s+)?moi)\s*$"
)
_MINE_KINDS = {"departement": "departement", "region": "region", "commune": "commune", "ville": "commune"}


@dataclass(frozen=True)
class Territory:
    """A commune, EPCI, département or région; `tokens` are itself then the territories containing it."""

    kind: str
    code: str
    name: str
    tokens: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None

    @property
    def label(self) -> str:
        """French label: « Lyon (commune) »."""
        return f"{self.name} ({KIND_LABELS[self.kind]})"


def _commune(place: Place) -> Territory:
    """Territory of a commune of the gazetteer."""
    tokens = [f"c:{place.code}"]
    if place.epci_code:
        tokens.append(f"e:{place.epci_code}")
    tokens += [f"d:{place.departement_code}", f"r:{place.region_code}"]
    return Territory("commune", place.code, place.name, tuple(tokens), place.latitude, place.longitude)


def _area(kind: str, area: Area) -> Territory:
    """Territory of a département or a région (its chef-lieu is its point)."""
    chef_lieu = gazetteer_get().communes.get(area.chef_lieu_code)
    tokens = (f"d:{area.code}", f"r:{area.region_code}") if kind == "departement" else (f"r:{area.code}",)
    lat, lon = (chef_lieu.latitude, chef_lieu.longitude) if chef_lieu else (None, None)
    return Territory(kind, area.code, area.name, tokens, lat, lon)


def _epci(code: str) -> Territory | None:
    """Territory of an EPCI (its most populous commune is its point and gives its département)."""
    epci = Epci.objects.filter(code=code).first()
    if epci is None:
        return None
    places = [p for p in gazetteer_get().communes.values() if p.epci_code == code]
    if not places:
        return Territory("epci", code, epci.name, (f"e:{code}",))
    main = max(places, key=lambda p: p.population)
    regions = sorted({p.region_code for p in places})
    departements = sorted({p.departement_code for p in places})
    tokens = (f"e:{code}", *(f"d:{d}" for d in departements), *(f"r:{r}" for r in regions))
    return Territory("epci", code, epci.name, tokens, main.latitude, main.longitude)


def _by_code(kind: str, code: str) -> Territory | None:
    """A territory of a given kind by its official code."""
    gazetteer = gazetteer_get()
    code = code.upper()
    if kind == "commune" and code in gazetteer.communes:
        return _commune(gazetteer.communes[code])
    if kind == "departement" and code in gazetteer.departements:
        return _area(kind, gazetteer.departements[code])
    if kind == "region" and code in gazetteer.regions:
        return _area(kind, gazetteer.regions[code])
    if kind == "epci" and code.isdigit():
        return _epci(code)
    return None


def _by_name(key: str, kinds: tuple[str, ...]) -> Territory | None:
    """A territory by its normalized name, in the order of the kinds asked."""
    gazetteer = gazetteer_get()
    for kind in kinds:
        if kind == "region" and key in gazetteer.regions_by_name:
            return _area(kind, gazetteer.regions_by_name[key])
        if kind == "departement" and key in gazetteer.departements_by_name:
            return _area(kind, gazetteer.departements_by_name[key])
        if kind == "commune":
            places = gazetteer.by_name.get(key) or gazetteer.by_short_name.get(key) or []
            if places:
                # Homonyms: the most populous one is the one people mean without a département.
                return _commune(max(places, key=lambda p: p.population))
        if kind == "epci":
            code = next(
                (c for c, n in Epci.objects.values_list("code", "name") if name_normalize(n) == key), None
            )
            if code:
                return _epci(code)
    return None


def territory_resolve(
    text: str, kinds: tuple[str, ...] = ("region", "departement", "commune", "epci")
) -> Territory | None:
    """A territory from `kind:code`, a code (69123, 69, 200046977) or a name (Lyon, Rhône, Bretagne)."""
    text = text.strip()[:200]
    if not text:
        return None
    kind, _sep, rest = text.partition(":")
    if rest and kind.lower() in KIND_ALIASES:
        return _by_code(KIND_ALIASES[kind.lower()], rest.strip())
    compact = text.replace(" ", "")
    if re.fullmatch(r"[0-9]{9}", compact):
        return _by_code("epci", compact)
    if re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", compact, re.I):
        return _by_code("commune", compact)
    if re.fullmatch(r"[0-9]{2,3}|2[AB]", compact, re.I):
        return _by_code("departement", compact)
    key = name_normalize(text)
    return _by_name(key, kinds) or _by_name(name_strip_article(key), kinds)


def place_extract(q: str) -> tuple[str, Territory | None, bool]:
    """Split "épicerie autour de Lyon" into the words, the place and whether it is "around"."""
    for match in _PLACE_SPLIT.finditer(q):
        rest = q[match.end() :].strip()
        if not rest or '"' in rest or ":" in rest:
            continue
        preposition = name_normalize(match.group(1))
        kinds = _PREPOSITIONS.get(preposition)
        territory = territory_resolve(rest, kinds) if kinds else None
        if territory is not None:
            return q[: match.start()].strip(), territory, preposition in _AROUND
    return q, None, False


def own_place_extract(q: str, point: tuple[float, float] | None) -> tuple[str, Territory | None, bool, bool]:
    """ "…dans mon département" / "…près de chez moi": words, the visitor's territory, around?, said?"""
    match = _MINE.search(q)
    if match is None:
        return q, None, False, False
    words = q[: match.start()].strip()
    nearest = gazetteer_get().commune_nearest(*point) if point is not None else None
    if nearest is None:
        return words, None, False, True
    place = nearest[0]
    kind = _MINE_KINDS.get(name_normalize(match.group("kind") or ""), "epci" if match.group("kind") else "")
    gazetteer = gazetteer_get()
    if kind == "departement":
        return words, _area(kind, gazetteer.departements[place.departement_code]), False, True
    if kind == "region":
        return words, _area(kind, gazetteer.regions[place.region_code]), False, True
    if kind == "epci" and place.epci_code:
        return words, _epci(place.epci_code), False, True
    return words, _commune(place), not kind, True


def territory_query(schema: tantivy.Schema, territory: Territory, *, covering: bool, national: bool) -> Query:
    """Projects located in a territory, (covering) those whose area contains it, national ones if asked."""
    parts = [Query.term_query(schema, "located", territory.tokens[0])]
    covers = list(territory.tokens) if covering else []
    if national:
        covers.append(NATIONAL)
    if covers:
        parts.append(Query.term_set_query(schema, "covers", covers))
    return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, part) for part in parts])


def bbox_query(schema: tantivy.Schema, south: float, west: float, north: float, east: float) -> Query:
    """Projects whose point is inside a bounding box."""
    return Query.boolean_query(
        [
            (Occur.Must, Query.range_query(schema, "lat", FieldType.Float, south, north)),
            (Occur.Must, Query.range_query(schema, "lon", FieldType.Float, west, east)),
        ]
    )


def around_filter(
    searcher: tantivy.Searcher, schema: tantivy.Schema, lat: float, lon: float, radius_km: float
) -> tuple[Query, dict[int, float]]:
    """Projects within radius_km of a point, and the distance of each (km)."""
    dlat = radius_km / 110.57
    dlon = radius_km / max(111.32 * abs(math.cos(math.radians(lat))), 1e-6)
    box = bbox_query(schema, lat - dlat, lon - dlon, lat + dlat, lon + dlon)
    # Count first: collecting into a heap sized for AROUND_MAX would cost more than the search.
    inside = int(getattr(searcher.search(box, limit=1), "count", 0) or 0)
    if not inside:
        return Query.empty_query(), {}
    result = searcher.search(box, limit=min(inside, AROUND_MAX), count=False)
    addresses = [address for _score, address in result.hits]
    ids = searcher.fast_field_values("id", addresses)
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    distances = {}
    for project_id, plat, plon in zip(ids, lats, lons, strict=True):
        if project_id is not None and plat is not None and plon is not None:
            distance = distance_km(lat, lon, float(plat), float(plon))
            if distance <= radius_km:
                distances[int(project_id)] = round(distance, 2)
    if len(addresses) >= AROUND_MAX:
        return box, distances  # too many to list: the square is close enough at that scale
    if not distances:
        return Query.empty_query(), {}
    return Query.term_set_query(schema, "id", sorted(distances)), distances
