"""Street addresses written only in a description, and the text that must locate nothing."""

from __future__ import annotations

import pytest

from carrefour.orchestration.pipeline import record_values
from carrefour.territories.gazetteer import Gazetteer
from carrefour.territories.services import location_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prose", "address", "commune_code", "postal_code"),
    [
        (
            "L'association est installée au 6 rue de la République à Lyon depuis 2015.",
            "6 rue de la République",
            "69123",
            None,
        ),
        (
            "Le tiers-lieu est situé 12 bis avenue Jean Jaurès, 69007 Lyon.",
            "12 bis avenue Jean Jaurès",
            "69123",
            "69007",
        ),
        (
            "Siège : 10, rue Pasteur, Villeneuve-sur-Lot. Antennes dans le département.",
            "10, rue Pasteur",
            "47323",
            "47300",
        ),
        (
            "Ateliers au 3 place du Général de Gaulle à Saint-Étienne-du-Rouvray et en ligne.",
            "3 place du Général de Gaulle",
            "76575",
            "76800",
        ),
        (
            "Accueil au 45 boulevard de la Liberté 59000 Lille, du lundi au vendredi.",
            "45 boulevard de la Liberté",
            "59350",
            "59000",
        ),
    ],
)
def test_a_street_address_in_the_description_locates_at_the_address(
    gazetteer: Gazetteer, prose: str, address: str, commune_code: str, postal_code: str | None
) -> None:
    found = location_resolve(prose=prose)
    assert (found.precision, found.address, found.commune_code) == ("adresse", address, commune_code)
    assert found.postal_code == postal_code


@pytest.mark.parametrize(
    "prose",
    [
        "Le nombre de personnes à la rue augmente dans les centres-villes.",
        "Rendez-vous au 3 rue des Lilas pour la fête de quartier.",  # no commune
        "Le local du 4 place du Marché, à côté de la mairie, est ouvert.",
        "Nous avons accueilli 120 personnes en 2023, rue ouverte à tous.",
        "Au 7 rue de la Paix, Xyzville-sur-Rien, rien ne se passe.",  # no such commune
    ],
)
def test_prose_without_an_address_and_its_commune_locates_nothing(gazetteer: Gazetteer, prose: str) -> None:
    found = location_resolve(prose=prose)
    assert (found.precision, found.address, found.commune_code) == (None, None, None)


def test_an_address_far_into_a_long_description_is_found(gazetteer: Gazetteer) -> None:
    prose = "Un projet de quartier. " * 60 + "Permanences au 6 rue de la République à Lyon."
    assert location_resolve(prose=prose).address == "6 rue de la République"


def test_prose_refines_an_agreeing_place_and_never_moves_a_project(gazetteer: Gazetteer) -> None:
    prose = "Nos bureaux sont au 6 rue de la République à Lyon."
    refined = location_resolve(text="Rhône (69)", prose=prose)
    assert (refined.precision, refined.commune_code, refined.address) == (
        "adresse",
        "69123",
        "6 rue de la République",
    )
    elsewhere = location_resolve(text="Lille", prose=prose)
    assert (elsewhere.precision, elsewhere.commune_code, elsewhere.address) == ("commune", "59350", None)
    given = location_resolve(address="1 place Bellecour", commune="Lyon", prose="au 9 rue Neuve à Lyon")
    assert given.address == "1 place Bellecour"
    national = location_resolve(text="National", prose=prose)
    assert national.precision == "national"


def test_a_record_is_located_from_its_description_and_its_country_column(gazetteer: Gazetteer) -> None:
    description = "<p>L'épicerie solidaire est installée au 6 rue de la République à Lyon.</p>"
    located = record_values({"title": "Épicerie", "description": description}, {}, "h", "active")
    assert located["data"]["location"]["precision"] == "adresse"
    assert located["data"]["location"]["commune_code"] == "69123"
    france = record_values({"title": "Épicerie", "country": "France"}, {}, "h", "active")
    assert france["data"]["location"]["precision"] is None
    abroad = record_values(
        {"title": "Épicerie", "commune": "Tournai", "country": "Belgique"}, {}, "h", "active"
    )
    assert abroad["data"]["location"]["commune_code"] is None
    assert abroad["warnings"] == [{"field": "location", "message": "hors de France : 'Belgique'"}]


@pytest.mark.parametrize(
    "blank",
    [" " * 10_000, "\t" * 5_000, "\u2003" * 8_000, "\u2003 " * 800, " \n" * 2_000],
)
def test_a_run_of_blanks_in_a_description_is_one_space(gazetteer: Gazetteer, blank: str) -> None:
    # Such runs once made the street pattern backtrack for minutes, stalling a whole harvest.
    found = location_resolve(prose=f"Permanences au 12 rue Neuve{blank}à Lyon.")
    assert (found.precision, found.address, found.commune_code) == ("adresse", "12 rue Neuve", "69123")
    nothing = location_resolve(prose=f"Au 12 rue x{blank}")
    assert (nothing.address, nothing.commune_code) == (None, None)


@pytest.mark.parametrize(
    "prose",
    [
        "1" * 10_000 + " rue de la Paix à Lyon",
        "12 rue " + "mot " * 3_000 + "à Lyon",
        "12 rue " + "1 rue " * 3_000,
        "12 rue Neuve à " + "Lyon " * 3_000,
    ],
)
def test_long_runs_of_digits_or_words_locate_nothing_and_return(gazetteer: Gazetteer, prose: str) -> None:
    found = location_resolve(prose=prose)
    assert found.address is None or found.address == "12 rue Neuve"


def test_only_the_first_mentions_of_a_description_are_tried(gazetteer: Gazetteer) -> None:
    # Unknown communes cost a geocoding each: past a handful, a description lists no single address.
    decoys = " ".join(f"Au {n} rue de la Paix, Xyzville{n}." for n in range(1, 8))
    found = location_resolve(prose=f"{decoys} Puis au 6 rue de la République à Lyon.")
    assert found.address is None
    assert location_resolve(
        prose="Au 1 rue de la Paix, Xyzville. Puis au 6 rue de la République à Lyon."
    ).address
