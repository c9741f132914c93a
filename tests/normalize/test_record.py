"""Mapping a raw payload to the common schema."""

from __future__ import annotations

import pytest

from carrefour.normalize.actors import actor_type_guess
from carrefour.normalize.services import record_normalize
from carrefour.normalize.values import value_list, website_clean, year_parse
from carrefour.orchestration.pipeline import record_values

DEFINITION = {
    "vocabularies": {
        "themes": {
            "Insertion pro": "emploi",
            "Alimentation durable": ["alimentation", "environnement"],
            "/jardin/": "alimentation",
            "Divers": None,
        },
        "status": {"Actif": "en-cours"},
        "publics": {"Les aînés": "seniors"},
    }
}


def test_vocabulary_mapping_exact_case_accent_insensitive_patterns_and_codes() -> None:
    result = record_normalize(
        {
            "title": "Épicerie",
            "themes": [
                "INSERTION PRO",
                "alimentation  durable",
                "Jardins partagés",
                "sante",
                "Divers",
                "Inconnu au bataillon",
            ],
            "publics": ["les aines"],
            "status": "actif",
        },
        DEFINITION,
    )
    assert result.data["themes"] == ["emploi", "alimentation", "environnement", "sante"]
    assert result.data["publics"] == ["seniors"]
    assert result.data["status"] == "en-cours"
    assert result.unmapped == {"themes": ["Inconnu au bataillon"]}


def test_record_without_usable_title_is_invalid_with_reason() -> None:
    for title in (None, "", "   ", "\u200b", "NR"):
        result = record_normalize({"title": title, "description": "Un texte"}, DEFINITION)
        assert not result.is_valid
        assert result.errors == [{"field": "title", "message": "titre absent ou inutilisable"}]


def test_summary_falls_back_on_first_paragraph_and_status_defaults_to_unknown() -> None:
    result = record_normalize({"title": "Garage solidaire", "description": "Premier.\n\nSecond."}, {})
    assert result.data["summary"] == "Premier."
    assert result.data["description"] == "<p>Premier.</p><p>Second.</p>"
    assert result.data["status"] == "inconnu"


def test_actor_type_inferred_from_legal_form_or_name_but_source_value_wins() -> None:
    inferred = record_normalize({"title": "Tiers-lieu", "organization": "SCIC La Fabrique"}, {})
    assert inferred.data["actor_type"] == "entreprise-ess" and inferred.inferred == ["actor_type"]
    given = record_normalize({"title": "Tiers-lieu", "actor_type": "Fondation", "organization": "SCIC X"}, {})
    assert given.data["actor_type"] == "fondation" and given.inferred == []
    assert actor_type_guess("Commune de Grenay") == "collectivite"
    assert actor_type_guess("Association Ville en transition") == "association"
    assert actor_type_guess("Fondation de France") == "fondation"
    assert actor_type_guess("Collectif des habitants du Mirail") == "collectif-citoyen"
    assert actor_type_guess("Le Bon Endroit") is None


def test_location_input_is_cleaned_and_coordinates_parsed() -> None:
    result = record_normalize(
        {
            "title": "X",
            "location_text": " Montreuil\u00a0(93) ",
            "postal_code": "93100",
            "latitude": "48,8611",
            "longitude": 2.44,
            "commune": "NR",
        },
        {},
    )
    assert result.location_input == {
        "postal_code": "93100",
        "text": "Montreuil (93)",
        "latitude": 48.8611,
        "longitude": 2.44,
    }


def test_values() -> None:
    assert year_parse("01/09/2017") == 2017 and year_parse("Lauréat 2015") == 2015
    assert year_parse("3017") is None and year_parse("NR") is None
    assert website_clean("www.exemple.org") == "https://www.exemple.org"
    assert website_clean("javascript:alert(1)") is None and website_clean("pas un site") is None
    assert value_list("emploi | santé ; culture") == ["emploi", "santé", "culture"]
    assert value_list(["Emploi, insertion", "NR"]) == ["Emploi, insertion"]


def test_nationwide_project_without_place_is_located_national_but_a_given_place_wins() -> None:
    definition = {"vocabularies": {"scale": {"National": "national"}}}
    nationwide = record_normalize({"title": "Réseau", "scale": "National"}, definition)
    assert nationwide.location_input == {"text": "National"}
    placed = record_normalize({"title": "Réseau", "scale": "National", "commune": "Lyon"}, definition)
    assert placed.location_input == {"commune": "Lyon"}


def test_a_pathological_vocabulary_regex_leaves_the_term_unmapped_and_says_why() -> None:
    # Nested quantifiers: on "aaaa…b" the engine would try every way of splitting the a's.
    hostile = "a" * 5000 + "b"
    definition = {"vocabularies": {"themes": {"/(a+)+$/": "emploi", "/jardin/": "alimentation"}}}
    result = record_normalize({"title": "Jardin", "themes": [hostile, "Jardins partagés"]}, definition)
    assert result.data["themes"] == ["alimentation"]
    assert result.unmapped["themes"] == [hostile]
    assert result.is_valid
    [warning] = result.warnings
    assert warning["field"] == "themes" and "expression régulière trop lente" in warning["message"]
    assert "(a+)+$" in warning["message"]


@pytest.mark.django_db
def test_the_pipeline_stores_a_slow_vocabulary_regex_among_the_record_warnings() -> None:
    definition = {"vocabularies": {"themes": {"/(a+)+$/": "emploi"}}}
    payload = {"title": "Atelier", "themes": ["a" * 5000 + "b"], "commune": "Lyon"}
    values = record_values(payload, definition, "hash", "active")
    assert values["is_valid"] and values["unmapped"] == {"themes": ["a" * 5000 + "b"]}
    assert any(
        w["field"] == "themes" and "expression régulière trop lente" in w["message"]
        for w in values["warnings"]
    )
