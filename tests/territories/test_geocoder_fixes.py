"""Failure classes met on real addresses: countries, name plus code, 4-digit postal codes, misspellings."""

from __future__ import annotations

import pytest

from carrefour.territories.gazetteer import Gazetteer
from carrefour.territories.services import location_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "commune_code"),
    [
        ({"text": "Lyon, France"}, "69123"),
        ({"text": "Lyon, FR"}, "69123"),
        ({"text": "69003 Lyon, USA"}, "69123"),
        ({"commune": "Us"}, "95625"),  # the commune of Val-d'Oise written as a name
        ({"text": "95450 US"}, "95625"),  # a postal code is evidence enough
        ({"commune": "Lille", "country": "France"}, "59350"),
        ({"commune": "Pointe-à-Pitre", "country": "Guadeloupe"}, "97120"),
        # Spellings of France no list holds, and places that are no foreign country, wipe nothing.
        ({"commune": "Lyon", "country": "France (FR)"}, "69123"),
        ({"commune": "Lyon", "country": "FRA - France"}, "69123"),
        ({"commune": "Lyon", "country": "250"}, "69123"),
        ({"commune": "Lyon", "country": "Europe"}, "69123"),
        ({"commune": "Lyon", "country": ""}, "69123"),
        ({"postal_code": "69003", "country": "French Republic"}, "69123"),
        ({"commune": "Pointe-à-Pitre", "country": "Polynésie française"}, "97120"),
    ],
)
def test_a_country_beside_a_place_is_ignored(gazetteer: Gazetteer, fields: dict, commune_code: str) -> None:
    assert location_resolve(**fields).commune_code == commune_code


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "US"},
        {"text": "Bruxelles, Belgique"},
        {"text": "Genève (CH)"},
        {"country": "France"},  # a country column alone says nothing about where in France
        {"commune": "Tournai", "country": "Belgique"},
        {"commune": "Lyon", "country": "Canada"},
        {"commune": "Lyon", "country": "DEU"},  # an ISO 3166 alpha-3 code
        {"commune": "Lyon", "country": "United States"},
    ],
)
def test_a_country_alone_or_abroad_locates_nothing(gazetteer: Gazetteer, fields: dict) -> None:
    found = location_resolve(**fields)
    assert (found.precision, found.commune_code, found.departement_code) == (None, None, None)
    assert found.error


def test_france_as_the_whole_place_stays_national(gazetteer: Gazetteer) -> None:
    assert location_resolve(text="France").precision == "national"
    assert location_resolve(text="France entière").precision == "national"


@pytest.mark.parametrize(
    "text",
    ["Corrèze (19)", "Corrèze 19", "Correze - 19", "CORREZE 19", "19 Corrèze", "19 - Corrèze", "Corrèze, 19"],
)
def test_name_of_commune_and_departement_with_its_code_is_the_departement(
    gazetteer: Gazetteer, text: str
) -> None:
    found = location_resolve(text=text)
    assert (found.precision, found.departement_code, found.commune_code) == ("departement", "19", None)


@pytest.mark.parametrize(
    ("text", "commune_code"),
    [("Vienne 38", "38544"), ("Grenay 62", "62386"), ("38 Grenay", "38184"), ("Paris 16", "75056")],
)
def test_name_with_another_or_a_single_code_is_the_commune(
    gazetteer: Gazetteer, text: str, commune_code: str
) -> None:
    assert location_resolve(text=text).commune_code == commune_code


@pytest.mark.parametrize(
    ("fields", "commune_code", "postal_code"),
    [
        ({"text": "1000 Bourg-en-Bresse"}, "01053", "01000"),
        ({"text": "Bourg-en-Bresse 1000"}, "01053", "01000"),
        ({"text": "1000 Bourg-en-Bresse (01)"}, "01053", "01000"),
        ({"postal_code": "6000", "commune": "Nice"}, "06088", "06000"),
        ({"postal_code": "1100", "commune": "Oyonnax"}, "01283", "01100"),
        ({"text": "7200 Aubenas"}, "07019", "07200"),
        ({"text": "5000 Gap"}, "05061", "05000"),
    ],
)
def test_four_digit_postal_codes_get_their_zero_back(
    gazetteer: Gazetteer, fields: dict, commune_code: str, postal_code: str
) -> None:
    found = location_resolve(**fields)
    assert (found.commune_code, found.postal_code) == (commune_code, postal_code)


def test_a_four_digit_postal_code_column_alone_gives_its_departement(gazetteer: Gazetteer) -> None:
    found = location_resolve(postal_code="1100")  # seven communes share 01100
    assert (found.precision, found.departement_code) == ("departement", "01")


def test_a_four_digit_number_that_is_no_postal_code_of_the_commune_is_not_one(gazetteer: Gazetteer) -> None:
    # 01000 is Bourg-en-Bresse's, not Lyon's: the number neither moves Lyon nor becomes its postal code.
    found = location_resolve(text="Lyon 1000")
    assert found.commune_code in (None, "69123") and found.postal_code != "01000"


@pytest.mark.parametrize(
    "text",
    ["1710 rue Neuve, Thoiry", "Thoiry, 1710", "3630 rue Neuve, Désertines", "Désertines - projet 3630"],
)
def test_a_free_standing_four_digit_number_is_no_postal_code(gazetteer: Gazetteer, text: str) -> None:
    # A street number or a year that happens to be 01710 or 03630 must not pick one of the homonyms.
    found = location_resolve(text=text)
    assert (found.commune_code, found.postal_code) == (None, None)
    assert found.error.startswith("commune ambiguë")
    assert location_resolve(text="1710 Thoiry").commune_code == "01419"


@pytest.mark.parametrize(
    ("text", "commune_code"),
    [
        ("St Etienne du Rouvrey (76)", "76575"),
        ("Saint-Etienne-du-Rouvr (76)", "76575"),
        ("St Etiene du Rouvray, Seine-Maritime", "76575"),
        ("Villeurbane (69)", "69266"),
        ("69100 Villeurbane", "69266"),
        ("Montpelier (34)", "34172"),
        ("Montreuil-sur (62)", "62588"),  # Montreuil-sur-Mer, the only one of Pas-de-Calais
    ],
)
def test_misspelled_or_truncated_names_within_a_known_area(
    gazetteer: Gazetteer, text: str, commune_code: str
) -> None:
    assert location_resolve(text=text).commune_code == commune_code


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("St Etienne du Rouvrey", None),  # no département: never guessed nationwide
        ("Villeurbane", None),
        ("Saint (76)", "departement"),  # too short a truncation
        ("St M (62)", "departement"),  # too short a truncation to mean anything
        ("Saint-Martin (62)", "departement"),  # five Saint-Martin-… in Pas-de-Calais
        ("Xyzabc (69)", "departement"),
    ],
)
def test_fuzzy_names_never_guess(gazetteer: Gazetteer, text: str, precision: str | None) -> None:
    found = location_resolve(text=text)
    assert (found.precision, found.commune_code) == (precision, None)
