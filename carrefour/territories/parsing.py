"""Parsing of free-text locations ('Montreuil (93)', '26 - Drôme', 'Paris 11e') into clues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from carrefour.territories.gazetteer import Area, Division, Gazetteer
from carrefour.territories.names import name_is_article, name_normalize, name_strip_article

MAX_TEXT = 300  # longer strings are not locations; only their beginning is parsed

NATIONAL_KEYS = {
    "national",
    "nationale",
    "france",
    "toute la france",
    "france entiere",
    "france metropolitaine",
    "ensemble du territoire",
    "territoire national",
    "niveau national",
}
# Countries written beside or instead of a place: never communes ('US' is not Us, Val-d'Oise).
COUNTRY_KEYS = {
    "france",
    "fr",
    "fra",
    "belgique",
    "belgium",
    "be",
    "suisse",
    "switzerland",
    "ch",
    "luxembourg",
    "lu",
    "allemagne",
    "germany",
    "de",
    "italie",
    "italy",
    "it",
    "espagne",
    "spain",
    "es",
    "portugal",
    "pt",
    "royaume uni",
    "united kingdom",
    "uk",
    "gb",
    "etats unis",
    "united states",
    "usa",
    "us",
    "canada",
    "ca",
    "maroc",
    "ma",
    "algerie",
    "tunisie",
    "tn",
    "senegal",
    "sn",
    "pays bas",
    "nl",
    "monaco",
    "mc",
    # ISO 3166 alpha-3 codes and English names of the countries above.
    "bel",
    "che",
    "lux",
    "deu",
    "ita",
    "esp",
    "prt",
    "gbr",
    "can",
    "mar",
    "morocco",
    "dza",
    "dz",
    "algeria",
    "tun",
    "tunisia",
    "sen",
    "nld",
    "netherlands",
    "mco",
}
FRANCE_KEYS = {"france", "fr", "fra", "france metropolitaine", "republique francaise"}
FOREIGN_KEYS = COUNTRY_KEYS - FRANCE_KEYS
_POSTAL_CODE = re.compile(r"(?<![\dA-Za-z])(\d{5}|\d{2} \d{3})(?![\dA-Za-z])")
# A postal code whose leading zero a spreadsheet dropped ('1000 Bourg-en-Bresse' for 01000), read
# only right beside a commune that has it.
_SHORT_POSTAL_CODE = re.compile(r"(?<![\dA-Za-z])(\d{4})(?![\dA-Za-z])")
# 'Corrèze 19', '26 Drôme': a name with a département code written without brackets or dash.
_CODED_NAME = re.compile(r"^(?:(\d{2,3}|2a|2b) (\D.*)|(.*\D) (\d{2,3}|2a|2b))$")
_CEDEX = re.compile(r"\bcedex\b(\s*\d{1,2})?", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_SEPARATORS = re.compile(r"\s*[,;|]\s*|\s+[-–—]\s*|\s*[–—]\s+")
_DEPARTEMENT_CODE = re.compile(r"^(?:\d{2,3}|2a|2b)$")
# 'Paris 11e', 'Lyon 3ème', 'Marseille 1er arrondissement', 'Paris XIe' is not handled.
_PLM = re.compile(r"^(paris|lyon|marseille) (\d{1,2}) ?(?:e|er|eme|ieme|em|me|ere)?(?: arrondissement)?$")
_REGION_PREFIX = re.compile(r"^(?:toute la |la )?region (?:de la |de l |du |des |de |d )?")
_DEPARTEMENT_PREFIX = re.compile(
    r"^(?:tout le |le )?(?:departement|dept|dep) (?:de la |de l |du |des |de |d )?"
)
_WHOLE_AREA = re.compile(r"^(?:tout le departement|toute la region|tout le territoire)$")
_STREET = re.compile(
    r"^\d+\s*(?:bis|ter)?\b|\b(?:rue|avenue|av|boulevard|bd|place|chemin|allee|impasse|route|quai|cours"
    r"|square|lieu dit|zone|za|zi|zac|batiment|bp|cs)\b"
)
BLANKS = {
    "",
    "nr",
    "n r",
    "nc",
    "n c",
    "na",
    "n a",
    "non renseigne",
    "non communique",
    "inconnu",
    "null",
    "none",
}


@dataclass
class Clues:
    """What a location string says: names to look up, codes, and the area level it designates."""

    national: bool = False
    region: Area | None = None
    departement: Area | None = None
    names: list[str] = field(default_factory=list)
    postal_codes: list[str] = field(default_factory=list)
    short_postal_codes: list[str] = field(default_factory=list)  # 4 digits, zero put back: weak clues
    departement_hints: set[str] = field(default_factory=set)
    region_hints: set[str] = field(default_factory=set)
    division: Division | None = None
    address: str | None = None
    countries: list[str] = field(default_factory=list)  # foreign country names written as places
    spellings: dict[str, str] = field(default_factory=dict)  # name key → name as written


def departement_code_parse(key: str) -> str:
    """'2a' → '2A', '1' → '01'; other keys unchanged (uppercased)."""
    return key.zfill(2).upper() if key.isdigit() and len(key) == 1 else key.upper()


def clues_parse(
    text: str, gazetteer: Gazetteer, clues: Clues | None = None, *, names_are_communes: bool = False
) -> Clues:
    """Add to `clues` what a location string says; names are kept as search keys."""
    clues = clues or Clues()
    text = text[:MAX_TEXT]
    key = name_normalize(text)
    if key in BLANKS:
        return clues
    if key in NATIONAL_KEYS:
        clues.national = True
        return clues
    for code in _POSTAL_CODE.findall(text):
        clues.postal_codes.append(code.replace(" ", ""))
    text = _CEDEX.sub(" ", _POSTAL_CODE.sub(" ", text))

    def short_code_read(match: re.Match[str]) -> str:
        padded = "0" + match.group(1)
        # Only right beside a commune it belongs to: '2100' alone is a year or a street number.
        following = _SEPARATORS.split(match.string[match.end() :].split("(")[0], maxsplit=1)[0]
        preceding = _SEPARATORS.split(match.string[: match.start()].split(")")[-1])[-1]
        if not (_short_code_of(padded, following, gazetteer) or _short_code_of(padded, preceding, gazetteer)):
            return match.group(0)
        clues.short_postal_codes.append(padded)
        return " "

    text = _SHORT_POSTAL_CODE.sub(short_code_read, text)
    article = ""

    def parenthesis_read(match: re.Match[str]) -> str:
        nonlocal article
        inner_key = name_normalize(match.group(1))
        if name_is_article(inner_key):
            # INSEE style 'Havre (Le)': the article goes back in front.
            article = inner_key + " "
            return " "
        # Unknown contents stay: a few official names have some ('Château-Chinon (Campagne)').
        return " " if _hint_add(inner_key, gazetteer, clues) else match.group(0)

    text = _PARENTHESIS.sub(parenthesis_read, text)
    whole = name_normalize(text)
    if _commune_known(whole, gazetteer):
        # Official names may contain separators ('Pont de Montvert - Sud Mont Lozère').
        parts = [(text, whole)]
    else:
        parts = [(raw, name_normalize(raw)) for raw in _SEPARATORS.split(text)]
    names: list[str] = []
    for raw, part in parts:
        if not part or _WHOLE_AREA.match(part):
            continue
        if _country_is(raw, part, gazetteer, clues):
            if part not in NATIONAL_KEYS:
                clues.countries.append(raw.strip())
            continue
        coded = _CODED_NAME.match(part)
        if coded and not _PLM.match(part) and not _commune_known(part, gazetteer):
            code = departement_code_parse(coded.group(1) or coded.group(4))
            # '12 rue de la Paix' is a street, not a name with the code of Aveyron.
            if code in gazetteer.departements and not _STREET.search(coded.group(2) or coded.group(3)):
                clues.departement_hints.add(code)
                part = coded.group(2) or coded.group(3)
                raw = re.sub(r"\s*\b(?:\d{2,3}|2[abAB])\b\s*", " ", raw).strip()
        if _REGION_PREFIX.match(part):
            clues.region = region_find(_REGION_PREFIX.sub("", part), gazetteer) or clues.region
        elif _DEPARTEMENT_PREFIX.match(part):
            clues.departement = departement_find(_DEPARTEMENT_PREFIX.sub("", part), gazetteer)
        elif _DEPARTEMENT_CODE.match(part) and departement_code_parse(part) in gazetteer.departements:
            clues.departement_hints.add(departement_code_parse(part))
        elif match := _PLM.match(part):
            clues.division = _arrondissement_find(match.group(1), int(match.group(2)), gazetteer)
        elif _STREET.search(part) and not clues.address and not _commune_known(part, gazetteer):
            # A street ('12 rue de la Paix'), but not a commune named like one (Cours, La Place).
            clues.address = raw.strip()
        else:
            names.append(article + part)
            clues.spellings[article + part] = raw.strip()
    if names_are_communes:
        clues.names.extend(names)
    else:
        _names_classify(names, gazetteer, clues)
    return clues


def _country_is(raw: str, key: str, gazetteer: Gazetteer, clues: Clues) -> bool:
    """A country: a code in capitals ('US', 'FR'), or a country name that is no commune."""
    if key not in COUNTRY_KEYS:
        return False
    if (clues.postal_codes or clues.departement_hints) and _commune_known(key, gazetteer):
        return False  # '95450 US': the postal code is evidence that the commune Us is meant
    written = raw.strip()
    return (len(written) <= 3 and written.isupper()) or (len(key) > 3 and not _commune_known(key, gazetteer))


def country_is_foreign(value: str) -> bool:
    """A country field naming a known other country; France, overseas, blanks and unknown values are not."""
    # An unknown spelling ('France (FR)', '250', 'Europe') must not wipe a French location.
    return name_normalize(value[:MAX_TEXT]) in FOREIGN_KEYS


def _hint_add(key: str, gazetteer: Gazetteer, clues: Clues) -> bool:
    """A parenthesised part: département code or name, or région name; whether it was one."""
    if _DEPARTEMENT_CODE.match(key) and departement_code_parse(key) in gazetteer.departements:
        clues.departement_hints.add(departement_code_parse(key))
    elif departement := departement_find(key, gazetteer):
        clues.departement_hints.add(departement.code)
    elif region := region_find(key, gazetteer):
        clues.region_hints.add(region.code)
    else:
        return False
    return True


def _names_classify(names: list[str], gazetteer: Gazetteer, clues: Clues) -> None:
    """Tell commune names from département/région names written beside them ('Saint-Étienne, Loire')."""
    communes = {name for name in names if _commune_known(name, gazetteer)}
    # Names that are not communes first, so that their hints are known when communes are weighed.
    for name in sorted(names, key=lambda name: name in communes):
        others = bool(communes - {name})
        departement = departement_find(name, gazetteer)
        region = None if departement else region_find(name, gazetteer)
        if departement and others:
            clues.departement_hints.add(departement.code)
        elif departement and (
            name not in communes or _departement_over_commune(name, departement, gazetteer, clues)
        ):
            clues.departement = departement
        elif region and others:
            clues.region_hints.add(region.code)
        elif region and (name not in communes or not (clues.postal_codes or clues.departement_hints)):
            # 'Bretagne' alone is the région, not the small commune of the Territoire de Belfort.
            clues.region = region
        else:
            clues.names.append(name)


def _departement_over_commune(name: str, departement: Area, gazetteer: Gazetteer, clues: Clues) -> bool:
    """A name that is both a département and a commune ('Vienne', 'Paris'): which one is meant."""
    if clues.postal_codes:
        return False
    if clues.departement_hints:
        # 'Drôme (26)' is the département; 'Vienne (38)' the commune of Isère.
        return departement.code in clues.departement_hints
    if clues.region_hints:
        return departement.region_code in clues.region_hints
    # A bare name: the département, unless the commune is in it (Paris is both).
    places = gazetteer.by_name.get(name, [])
    return not any(place.departement_code == departement.code for place in places)


def _short_code_of(postal_code: str, name: str, gazetteer: Gazetteer) -> bool:
    """Whether a commune written `name` has this postal code."""
    key = name_normalize(name)
    places = gazetteer.by_name.get(key, []) + gazetteer.by_short_name.get(key, [])
    return any(postal_code in place.postal_codes for place in places)


def _commune_known(name: str, gazetteer: Gazetteer) -> bool:
    return name in gazetteer.by_name or name in gazetteer.by_short_name or name in gazetteer.divisions_by_name


def departement_find(key: str, gazetteer: Gazetteer) -> Area | None:
    """Département by code or normalised name."""
    if _DEPARTEMENT_CODE.match(key):
        return gazetteer.departements.get(departement_code_parse(key))
    return gazetteer.departements_by_name.get(key) or gazetteer.departements_by_name.get(
        name_strip_article(key)
    )


def region_find(key: str, gazetteer: Gazetteer) -> Area | None:
    """Région by code, normalised name or former name."""
    if key in gazetteer.regions:
        return gazetteer.regions[key]
    return gazetteer.regions_by_name.get(key) or gazetteer.regions_by_name.get(name_strip_article(key))


def _arrondissement_find(city: str, number: int, gazetteer: Gazetteer) -> Division | None:
    """'paris', 11 → the 11e arrondissement, named 'Paris 11e Arrondissement' in the COG."""
    ordinal = "1er" if number == 1 else f"{number}e"
    divisions = gazetteer.divisions_by_name.get(f"{city} {ordinal} arrondissement", [])
    return divisions[0] if divisions else None


def area_hints_parse(value: str, gazetteer: Gazetteer, clues: Clues, *, region: bool = False) -> None:
    """A département (or région) field: its code(s) become hints, never a commune name."""
    field_clues = clues_parse(value, gazetteer)
    key = name_normalize(value[:MAX_TEXT])
    if region:
        found = region_find(key, gazetteer) or field_clues.region
        clues.region_hints |= {found.code} if found else field_clues.region_hints
    else:
        found = departement_find(key, gazetteer) or field_clues.departement
        clues.departement_hints |= {found.code} if found else field_clues.departement_hints
    clues.national = clues.national or field_clues.national
