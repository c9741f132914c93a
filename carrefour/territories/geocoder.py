"""Offline geocoder: any mix of location fields → commune, département, région or national."""

from __future__ import annotations

from dataclasses import dataclass, fields

from carrefour.territories.coordinates import coordinates_parse, number_parse
from carrefour.territories.fuzzy import commune_fuzzy_find
from carrefour.territories.gazetteer import Area, Gazetteer, Place, distance_km, gazetteer_get
from carrefour.territories.names import name_normalize, name_strip_article
from carrefour.territories.parsing import (
    BLANKS,
    Clues,
    area_hints_parse,
    clues_parse,
    country_is_foreign,
    departement_code_parse,
)
from carrefour.territories.prose import street_mentions

MAX_MENTIONS = 5  # each mention costs a geocoding; a description listing more is no single address

CONSISTENT_KM = 20.0  # given coordinates farther than this from the commune are not trusted
NEAREST_MAX_KM = 25.0  # a point farther than this from any commune is not located (abroad)
NEAREST_MAX_KM_OVERSEAS = 150.0  # overseas communes are much larger (Guyane)
DOMINANT_POPULATION = 10  # a homonym this many times more populous than all others is chosen


@dataclass(frozen=True, slots=True)
class ResolvedLocation:
    """Where a record is, as precisely as its fields allow; `error` says why when nothing was found."""

    address: str | None = None
    postal_code: str | None = None
    commune_code: str | None = None
    commune_name: str | None = None
    epci_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The location object of the common schema (everything but `error`)."""
        # Flat fields: a plain read, not asdict's recursive deep copy (a tenth of a record's geocoding).
        return {name: getattr(self, name) for name in _LOCATION_FIELDS}


_LOCATION_FIELDS = tuple(f.name for f in fields(ResolvedLocation) if f.name != "error")


def location_resolve(
    *,
    text: str | None = None,
    address: str | None = None,
    postal_code: str | None = None,
    commune: str | None = None,
    commune_code: str | None = None,
    departement: str | None = None,
    region: str | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    country: str | None = None,
    prose: str | None = None,
) -> ResolvedLocation:
    """Locate a record from its location fields, offline; never raises on bad input.

    `prose` (a description) is searched for a street address only when no address is given.
    """
    gazetteer = gazetteer_get()
    if not gazetteer.communes:
        return ResolvedLocation(error="référentiel territorial non chargé (carrefour territories load)")
    country = _clean(country)
    if country and country_is_foreign(country):
        # Another country: no French commune, département or nation can be claimed for it.
        return ResolvedLocation(error=f"hors de France : {country!r}"[:120])
    found = _resolve(
        gazetteer, text, address, postal_code, commune, commune_code, departement, region, latitude, longitude
    )
    prose = prose.strip() if isinstance(prose, str) else None  # whole: _clean keeps 500 characters
    if prose and not found.address and found.precision != "national":
        return _prose_apply(found, prose)
    return found


def _resolve(
    gazetteer: Gazetteer,
    text: str | None,
    address: str | None,
    postal_code: str | None,
    commune: str | None,
    commune_code: str | None,
    departement: str | None,
    region: str | None,
    latitude: float | str | None,
    longitude: float | str | None,
) -> ResolvedLocation:
    """The location given by the structured fields alone."""
    point = coordinates_parse(latitude, longitude)
    clues = Clues()
    postal_code, commune, text = _clean(postal_code), _clean(commune), _clean(text)
    if postal_code and postal_code.isdigit() and len(postal_code) == 4:
        postal_code = "0" + postal_code  # a spreadsheet dropped the leading zero of a postal code column
    departement, region = _clean(departement), _clean(region)
    if postal_code:
        clues_parse(postal_code, gazetteer, clues)
    if commune:
        clues_parse(commune, gazetteer, clues, names_are_communes=True)
    if text:
        clues_parse(text, gazetteer, clues)
    if departement:
        area_hints_parse(departement, gazetteer, clues)
    if region:
        area_hints_parse(region, gazetteer, clues, region=True)
    address_text = _clean(address) or clues.address
    place, place_postal_code, ambiguous = _commune_find(_clean(commune_code), clues, point, gazetteer)
    if place is not None:
        return _commune_result(place, place_postal_code, clues, point, address_text)
    departement_area = clues.departement or _single(gazetteer.departements, clues.departement_hints)
    if departement_area is None and len(ambiguous) > 1:
        departement_area = _single(gazetteer.departements, {p.departement_code for p in ambiguous})
    if departement_area is None:
        departement_area = _single(
            gazetteer.departements, _postal_departements(clues.postal_codes, gazetteer)
        )
    if point is not None and not (clues.departement or clues.region or clues.national):
        # Coordinates locate the commune, unless they contradict the département or région given.
        nearest = _nearest(point, gazetteer)
        if (
            nearest is not None
            and (departement_area is None or nearest.departement_code == departement_area.code)
            and (not clues.region_hints or nearest.region_code in clues.region_hints)
        ):
            return _commune_result(nearest, None, clues, point, address_text)
    if departement_area is not None:
        only = gazetteer.single_communes.get(departement_area.code)
        if only is not None:
            # "Paris (75)": a département that is one commune is that commune, which says more.
            return _commune_result(only, None, clues, point, address_text)
        return _area_result(departement_area, "departement")
    region_area = clues.region or _single(gazetteer.regions, clues.region_hints)
    if region_area is None and len(ambiguous) > 1:
        region_area = _single(gazetteer.regions, {p.region_code for p in ambiguous})
    if region_area is not None:
        return _area_result(region_area, "region")
    if clues.national:
        return ResolvedLocation(precision="national")
    names_given = any((text, commune, postal_code, departement, region))
    if not names_given and number_parse(latitude) is not None and number_parse(longitude) is not None:
        return ResolvedLocation(
            error=f"coordonnées invalides ou hors de France : {latitude}, {longitude}"[:120]
        )
    return ResolvedLocation(
        error=_error_message((text, commune, postal_code, departement, region), ambiguous, clues.countries)
    )


def _prose_apply(found: ResolvedLocation, prose: str) -> ResolvedLocation:
    """The structured location refined by a street address of the description that agrees with it."""
    for mention in street_mentions(prose)[:MAX_MENTIONS]:
        spot = location_resolve(
            address=mention.street, postal_code=mention.postal_code, commune=mention.commune
        )
        if spot.commune_code is None:
            continue
        agrees = (
            found.precision is None
            or found.commune_code == spot.commune_code
            or (
                found.commune_code is None
                and found.departement_code in (None, spot.departement_code)
                and found.region_code in (None, spot.region_code)
            )
        )
        if agrees:
            return spot
    return found


def _commune_find(
    code: str | None, clues: Clues, point: tuple[float, float] | None, gazetteer: Gazetteer
) -> tuple[Place | None, str | None, list[Place]]:
    """The commune designated by a code, an arrondissement, a name or a postal code; else homonyms."""
    if code:
        code = code.upper()
        if code in gazetteer.communes:
            return gazetteer.communes[code], None, []
        if code in gazetteer.divisions_by_code:
            division = gazetteer.divisions_by_code[code]
            return division.commune, division.postal_code or None, []
    if clues.division is not None:
        return clues.division.commune, clues.division.postal_code or None, []
    ambiguous: list[Place] = []
    for name in clues.names:
        candidates = _name_candidates(name, gazetteer) or _fuzzy_candidates(name, clues, gazetteer)
        if not candidates:
            continue
        chosen = _candidates_filter(candidates, clues, point, clues.spellings.get(name, ""))
        if len(chosen) == 1:
            return chosen[0], None, []
        if chosen and not ambiguous:
            ambiguous = chosen
    if ambiguous:
        return None, None, ambiguous
    for postal_code in clues.postal_codes:
        candidates = gazetteer.by_postal_code.get(postal_code, [])
        if clues.departement_hints:
            candidates = [p for p in candidates if p.departement_code in clues.departement_hints]
        if len(candidates) == 1:
            return candidates[0], postal_code, []
        if point is not None and candidates:
            place, distance = _closest(candidates, point)
            if distance <= CONSISTENT_KM:
                return place, postal_code, []
    return None, None, []


def _name_candidates(name: str, gazetteer: Gazetteer) -> list[Place]:
    """Communes of that name (with or without its article), else the communes it was merged into."""
    found = gazetteer.by_name.get(name) or gazetteer.by_short_name.get(name)
    if not found and name_strip_article(name) != name:
        found = gazetteer.by_name.get(name_strip_article(name))
    if not found:
        found = [division.commune for division in gazetteer.divisions_by_name.get(name, [])]
    return list(dict.fromkeys(found or []))


def _fuzzy_candidates(name: str, clues: Clues, gazetteer: Gazetteer) -> list[Place]:
    """A misspelled or truncated name, matched within its postal code or département, never nationwide."""
    pool = [
        p
        for cp in clues.postal_codes + clues.short_postal_codes
        for p in gazetteer.by_postal_code.get(cp, [])
    ]
    departements = clues.departement_hints | ({clues.departement.code} if clues.departement else set())
    if not pool and len(departements) == 1:
        pool = gazetteer.by_departement.get(next(iter(departements)), [])
    found = commune_fuzzy_find(name, list(dict.fromkeys(pool))) if pool else None
    return [found] if found else []


def _candidates_filter(
    candidates: list[Place], clues: Clues, point: tuple[float, float] | None, spelling: str
) -> list[Place]:
    """Homonyms narrowed by postal code, département, région, then coordinates and population."""
    if clues.postal_codes:
        by_code = [p for p in candidates if any(cp in p.postal_codes for cp in clues.postal_codes)]
        # A CEDEX or outdated postal code still tells the département.
        by_prefix = [p for p in candidates if p.departement_code in _prefix_departements(clues.postal_codes)]
        candidates = by_code or by_prefix or candidates
    elif clues.short_postal_codes:
        # '1000 Bourg-en-Bresse': the zero-padded code only narrows names that carry it.
        candidates = [
            p for p in candidates if set(clues.short_postal_codes) & set(p.postal_codes)
        ] or candidates
    if clues.departement_hints:
        candidates = [p for p in candidates if p.departement_code in clues.departement_hints]
    if clues.region_hints:
        candidates = [p for p in candidates if p.region_code in clues.region_hints]
    if len(candidates) > 1 and point is not None:
        place, distance = _closest(candidates, point)
        if distance <= CONSISTENT_KM * 2:
            return [place]
    if len(candidates) > 1:
        # Homonyms up to accents ('Lège', 'Legé'): the exact spelling decides.
        candidates = [p for p in candidates if p.name.casefold() == spelling.casefold()] or candidates
    if len(candidates) > 1 and not (clues.departement_hints or clues.region_hints or clues.postal_codes):
        ranked = sorted(candidates, key=lambda p: p.population, reverse=True)
        if ranked[0].population >= DOMINANT_POPULATION * max(ranked[1].population, 1):
            return [ranked[0]]
    return candidates


def _commune_result(
    place: Place,
    postal_code: str | None,
    clues: Clues,
    point: tuple[float, float] | None,
    address: str | None,
) -> ResolvedLocation:
    if postal_code is None:
        given = [cp for cp in clues.postal_codes + clues.short_postal_codes if cp in place.postal_codes]
        postal_code = given[0] if given else (place.postal_codes[0] if len(place.postal_codes) == 1 else None)
    latitude, longitude = place.latitude, place.longitude
    if point is not None and (
        latitude is None or longitude is None or distance_km(*point, latitude, longitude) <= CONSISTENT_KM
    ):
        latitude, longitude = point
    return ResolvedLocation(
        address=address,
        postal_code=postal_code,
        commune_code=place.code,
        commune_name=place.name,
        epci_code=place.epci_code,
        departement_code=place.departement_code,
        region_code=place.region_code,
        latitude=latitude,
        longitude=longitude,
        precision="adresse" if address else "commune",
    )


def _area_result(area: Area, precision: str) -> ResolvedLocation:
    """A département or région, without coordinates: a point would claim a place it does not have."""
    return ResolvedLocation(
        departement_code=area.code if precision == "departement" else None,
        region_code=area.region_code,
        precision=precision,
    )


def _nearest(point: tuple[float, float], gazetteer: Gazetteer) -> Place | None:
    found = gazetteer.commune_nearest(*point)
    if found is None:
        return None
    place, distance = found
    overseas = place.departement_code.startswith(("97", "98"))
    limit = NEAREST_MAX_KM_OVERSEAS if overseas else NEAREST_MAX_KM
    return place if distance <= limit else None


def _closest(candidates: list[Place], point: tuple[float, float]) -> tuple[Place, float]:
    located = [p for p in candidates if p.latitude is not None and p.longitude is not None] or candidates
    scored = [(distance_km(*point, p.latitude or 0.0, p.longitude or 0.0), p) for p in located]
    distance, place = min(scored, key=lambda item: item[0])
    return place, distance


def _single(areas: dict[str, Area], codes: set[str]) -> Area | None:
    return areas.get(next(iter(codes))) if len(codes) == 1 else None


def _postal_departements(postal_codes: list[str], gazetteer: Gazetteer) -> set[str]:
    """Départements of the given postal codes: from the communes using them, else from the prefix."""
    codes: set[str] = set()
    for postal_code in postal_codes:
        codes |= {p.departement_code for p in gazetteer.by_postal_code.get(postal_code, [])}
    if not codes:
        codes = {code for code in _prefix_departements(postal_codes) if code in gazetteer.departements}
    return codes


def _prefix_departements(postal_codes: list[str]) -> set[str]:
    """Département of a postal code by its prefix: 97x overseas, 20 split between 2A and 2B."""
    codes = set()
    for postal_code in postal_codes:
        if postal_code.startswith(("97", "98")):
            codes.add(postal_code[:3])
        elif postal_code.startswith("20"):
            # Corsican postal codes keep the old "20": 200xx-201xx are Corse-du-Sud, the rest Haute-Corse.
            codes.add("2A" if postal_code[2] in "01" else "2B")
        else:
            codes.add(departement_code_parse(postal_code[:2]))
    return codes


def _clean(value: str | None) -> str | None:
    """A stripped field value, None for blanks and 'NR'-style placeholders."""
    if not isinstance(value, str):
        return None
    value = value.strip()[:500]
    return None if name_normalize(value) in BLANKS else value


def _error_message(values: tuple[str | None, ...], ambiguous: list[Place], countries: list[str]) -> str:
    given = " ".join(value for value in values if value)[:80]
    if countries:
        return f"hors de France : {given!r}"
    if ambiguous:
        return f"commune ambiguë : {given!r} ({len(ambiguous)} communes possibles)"
    return f"lieu inconnu : {given!r}" if given else "aucune localisation fournie"
