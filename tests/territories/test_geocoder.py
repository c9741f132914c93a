"""The offline geocoder on every location format seen on partner sites."""

from __future__ import annotations

import pytest

from carrefour.territories.gazetteer import Gazetteer, gazetteer_get, gazetteer_reload
from carrefour.territories.services import ResolvedLocation, coordinates_parse, location_resolve

pytestmark = pytest.mark.django_db

COMMUNE_TEXTS = [
    # text, commune code, postal code (None when the commune has several and none was given)
    ("75011 Paris", "75056", "75011"),
    ("Paris 11e", "75056", "75011"),
    ("Paris 11ème", "75056", "75011"),
    ("PARIS 16", "75056", "75016"),
    ("75116 Paris", "75056", "75116"),
    ("Lyon (69)", "69123", None),
    ("Lyon 3e", "69123", "69003"),
    ("Lyon 1er", "69123", "69001"),
    ("13001 Marseille", "13055", "13001"),
    ("Marseille 1er Arrondissement", "13055", "13001"),
    ("Montreuil (93)", "93048", "93100"),
    ("93100 Montreuil", "93048", "93100"),
    ("Montreuil - 93100", "93048", "93100"),
    ("Saint-Étienne, Loire", "42218", None),
    ("42000 SAINT ETIENNE", "42218", "42000"),
    ("St-Étienne (42)", "42218", None),
    ("st etienne (loire)", "42218", None),
    ("St-Denis (93)", "93066", None),
    ("Ste-Foy-lès-Lyon", "69202", "69110"),
    ("SAINTE FOY LES LYON", "69202", "69110"),
    ("Saint Etienne", "42218", None),
    ("saint-etiénne (42)", "42218", None),
    ("Le Havre", "76351", None),
    ("Havre (Le)", "76351", None),
    ("LE HAVRE", "76351", None),
    ("Grenay (Isère)", "38184", "38540"),
    ("Grenay (38)", "38184", "38540"),
    ("38540 GRENAY", "38184", "38540"),
    ("Grenay (62)", "62386", "62160"),
    ("Vienne (38)", "38544", "38200"),
    ("Paris", "75056", None),
    ("Paris (75)", "75056", None),
    ("Département de Paris", "75056", None),
    ("Ajaccio (2A)", "2A004", None),
    ("20000 Ajaccio", "2A004", "20000"),
    ("Bastia", "2B033", None),
    ("Pointe-à-Pitre (971)", "97120", "97110"),
    ("97400 Saint-Denis", "97411", "97400"),
    ("Saint-Denis (974)", "97411", None),
    ("Saint-Denis (La Réunion)", "97411", None),
    ("Mamoudzou", "97611", None),
    ("Cayenne", "97302", "97300"),
    ("Chalons en champagne", "51108", "51000"),
    ("Bagnols s/ Cèze", "30028", "30200"),
    ("75011 PARIS CEDEX 11", "75056", "75011"),
    ("Annecy-le-Vieux", "74010", None),  # a former commune, now part of Annecy
]


@pytest.mark.parametrize(("text", "code", "postal_code"), COMMUNE_TEXTS)
def test_commune_formats(gazetteer: Gazetteer, text: str, code: str, postal_code: str | None) -> None:
    location = location_resolve(text=text)
    assert (location.commune_code, location.postal_code, location.precision) == (code, postal_code, "commune")
    assert location.error is None


@pytest.mark.parametrize(
    ("text", "departement"),
    [
        ("Département de la Drôme", "26"),
        ("Drôme (26)", "26"),
        ("26 - Drôme", "26"),
        ("Drôme – tout le département", "26"),
        ("Drôme", "26"),
        ("drome", "26"),
        ("Département du Nord", "59"),
        ("Vienne", "86"),
        ("Corse-du-Sud", "2A"),
        ("Haute-Corse (2B)", "2B"),
        ("Guadeloupe", "971"),
        ("La Réunion", "974"),
        ("Seine-Saint-Denis", "93"),
        ("38540", "38"),  # several communes share this postal code: only the département is known
    ],
)
def test_departement_formats(gazetteer: Gazetteer, text: str, departement: str) -> None:
    location = location_resolve(text=text)
    assert location.precision == "departement"
    assert location.departement_code == departement
    assert location.commune_code is None
    assert location.region_code == gazetteer.departements[departement].region_code
    # No point for a whole département: a marker on its chef-lieu would over-claim the place.
    assert location.latitude is None and location.longitude is None


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Région Hauts-de-France", "32"),
        ("Région Occitanie", "76"),
        ("Occitanie", "76"),
        ("Toute la région Bretagne", "53"),
        ("Bretagne", "53"),
        ("Region ile de france", "11"),
        ("Rhône-Alpes", "84"),
        ("Corse", "94"),
    ],
)
def test_region_formats(gazetteer: Gazetteer, text: str, region: str) -> None:
    location = location_resolve(text=text)
    assert (location.precision, location.region_code) == ("region", region)
    assert location.departement_code is None and location.commune_code is None


@pytest.mark.parametrize("text", ["National", "Toute la France", "France entière", "France", "NATIONAL"])
def test_national_formats(gazetteer: Gazetteer, text: str) -> None:
    location = location_resolve(text=text)
    assert location.precision == "national"
    assert location.region_code is None and location.latitude is None


def test_postal_code_alone(gazetteer: Gazetteer) -> None:
    assert location_resolve(postal_code="75011").commune_code == "75056"
    assert location_resolve(text="42000").commune_code == "42218"
    shared = location_resolve(postal_code="26400")
    assert (shared.precision, shared.commune_code, shared.departement_code) == ("departement", None, "26")


def test_homonyms(gazetteer: Gazetteer) -> None:
    assert location_resolve(commune="Saint-Denis", postal_code="93200").commune_code == "93066"
    assert location_resolve(commune="Saint-Denis", postal_code="97490").commune_code == "97411"
    assert location_resolve(commune="Saint-Denis", departement="Seine-Saint-Denis").commune_code == "93066"
    assert location_resolve(commune="Saint-Denis", departement="974").commune_code == "97411"
    assert location_resolve(commune="Saint-Denis", region="La Réunion").commune_code == "97411"
    by_point = location_resolve(commune="Saint-Denis", latitude=-20.9, longitude=55.46)
    assert by_point.commune_code == "97411"
    assert (by_point.latitude, by_point.longitude) == (-20.9, 55.46)
    # No clue at all among comparable homonyms: nothing is invented.
    alone = location_resolve(text="Saint-Denis")
    assert alone.precision is None and alone.commune_code is None
    assert alone.error and "ambiguë" in alone.error
    # One homonym much larger than the others is taken.
    assert location_resolve(text="Montreuil").commune_code == "93048"


def test_structured_fields(gazetteer: Gazetteer) -> None:
    location = location_resolve(address="12 rue de la Paix", postal_code="75002", commune="PARIS")
    assert location.to_dict() == {
        "address": "12 rue de la Paix",
        "postal_code": "75002",
        "commune_code": "75056",
        "commune_name": "Paris",
        "epci_code": "200054781",
        "departement_code": "75",
        "region_code": "11",
        "latitude": gazetteer.communes["75056"].latitude,
        "longitude": gazetteer.communes["75056"].longitude,
        "precision": "adresse",
    }
    assert location_resolve(commune_code="38184").commune_name == "Grenay"
    assert location_resolve(commune_code="75111").postal_code == "75011"  # an arrondissement's code
    assert location_resolve(commune="Vienne").commune_code == "38544"  # a commune field is a commune
    assert location_resolve(text="12 rue de la Paix, 75002 Paris").precision == "adresse"
    assert location_resolve(departement="Drôme").precision == "departement"
    assert location_resolve(region="Occitanie").region_code == "76"
    assert location_resolve(address="NR", postal_code="NR", departement="Paris").departement_code == "75"


def test_coordinates(gazetteer: Gazetteer) -> None:
    alone = location_resolve(latitude="48,8566", longitude="2.3522")
    assert (alone.commune_code, alone.precision, alone.latitude) == ("75056", "commune", 48.8566)
    swapped = location_resolve(latitude=2.3522, longitude=48.8566)
    assert (swapped.commune_code, swapped.latitude, swapped.longitude) == ("75056", 48.8566, 2.3522)
    overseas = location_resolve(latitude=-12.78, longitude=45.23)
    assert overseas.departement_code == "976"
    # Far from the commune named: the commune's own point replaces the given one.
    paris = gazetteer.communes["75056"]
    far = location_resolve(postal_code="75011", latitude=47.38, longitude=0.69)
    assert (far.commune_code, far.latitude, far.longitude) == ("75056", paris.latitude, paris.longitude)
    near = location_resolve(postal_code="75011", latitude=48.859, longitude=2.38)
    assert (near.latitude, near.longitude) == (48.859, 2.38)
    # A département and a point inside it: the commune is taken from the point.
    assert location_resolve(departement="Rhône", latitude=45.76, longitude=4.84).commune_code == "69123"
    # A point contradicting the département given: the département only.
    contradicted = location_resolve(departement="Drôme", latitude=48.85, longitude=2.35)
    assert (contradicted.precision, contradicted.departement_code) == ("departement", "26")


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(0, 0), ("0", "0"), ("abc", "2.3"), (999, 2.3), ("nan", "inf"), (36.9, 10.3), (None, 2.3), (True, 2.0)],
)
def test_invalid_coordinates(gazetteer: Gazetteer, latitude: object, longitude: object) -> None:
    assert coordinates_parse(latitude, longitude) is None  # type: ignore[arg-type]
    location = location_resolve(latitude=latitude, longitude=longitude)  # type: ignore[arg-type]
    assert location.precision is None and location.error


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"text": ""},
        {"text": "   "},
        {"text": "NR"},
        {"text": "Xyzville"},
        {"text": "(((((("},
        {"text": "x" * 10_000},
        {"text": "Paris " * 2_000},
        {"text": "é" * 10_000 + " 75011"},
        {"commune": "Xyzville", "postal_code": "00000"},
        {"commune_code": "99999"},
        {"departement": "99"},
        {"region": "Atlantide"},
    ],
)
def test_bad_input_never_raises(gazetteer: Gazetteer, kwargs: dict[str, str]) -> None:
    location = location_resolve(**kwargs)  # type: ignore[arg-type]
    assert isinstance(location, ResolvedLocation)
    if location.precision is None:
        assert location.error
        assert len(location.error) < 200


def test_unknown_place_message(gazetteer: Gazetteer) -> None:
    assert location_resolve(text="Xyzville").error == "lieu inconnu : 'Xyzville'"


def test_gazetteer_reload(gazetteer: Gazetteer) -> None:
    gazetteer_reload()
    reloaded = gazetteer_get()
    assert reloaded is not gazetteer
    assert reloaded is gazetteer_get()
    assert len(reloaded.communes) == len(gazetteer.communes)


def test_communes_named_like_streets(gazetteer: Gazetteer) -> None:
    assert location_resolve(text="Cours (69)").commune_code == "69066"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("58120 Château-Chinon (Campagne)", "58063"),  # parentheses in the official name
        ("Pont de Montvert - Sud Mont Lozère (48)", "48116"),  # a separator in the official name
        ("La Réunion, Lot-et-Garonne", "47222"),  # a commune named like a département
        ("Vienne (Auvergne-Rhône-Alpes)", "38544"),  # the région rules out the département Vienne
        ("44560 PAIMBUF", "44116"),  # ligature dropped (Paimbœuf)
        ("Paimboeuf", "44116"),
        ("Lège", "31290"),  # homonyms up to accents: the exact spelling decides
        ("Legé", "44081"),
    ],
)
def test_name_quirks(gazetteer: Gazetteer, text: str, code: str) -> None:
    assert location_resolve(text=text).commune_code == code
