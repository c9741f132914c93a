"""Themes and publics inferred from the text when a source gives none; never over a source's own value."""

from __future__ import annotations

from carrefour.normalize.inference import codes_infer, word_stem
from carrefour.normalize.services import record_normalize

TEXT = (
    "Une épicerie solidaire propose des produits frais à petit prix aux familles en situation de "
    "précarité du quartier. Les bénévoles tiennent aussi un atelier de cuisine."
)


def test_stemming_folds_plurals_and_derivations() -> None:
    assert word_stem("epiceries") == word_stem("epicerie")
    assert word_stem("solidarites") == word_stem("solidarite")


def test_themes_and_publics_from_title_and_text() -> None:
    assert codes_infer("themes", "Épicerie solidaire Le Panier", TEXT)[0] == "alimentation"
    publics = codes_infer("publics", "Épicerie solidaire Le Panier", TEXT)
    assert "familles" in publics and "precarite" in publics


def test_nothing_is_inferred_from_an_empty_or_unrelated_text() -> None:
    assert codes_infer("themes", "Le Panier", "") == []
    assert codes_infer("publics", "XYZ", "Lorem ipsum dolor sit amet.") == []


def test_inference_is_deterministic() -> None:
    runs = {tuple(codes_infer("themes", "Garage solidaire", TEXT + " Réparer sa voiture.")) for _ in range(3)}
    assert len(runs) == 1


def test_record_marks_inferred_fields_and_source_values_win() -> None:
    silent = record_normalize({"title": "Épicerie solidaire", "description": TEXT}, {})
    assert "alimentation" in silent.data["themes"] and "themes" in silent.inferred
    given = record_normalize({"title": "Épicerie solidaire", "description": TEXT, "themes": ["culture"]}, {})
    assert given.data["themes"] == ["culture"] and "themes" not in given.inferred


def test_an_unmapped_source_value_is_not_papered_over() -> None:
    result = record_normalize({"title": "Épicerie solidaire", "description": TEXT, "themes": ["Zorglub"]}, {})
    assert result.data["themes"] == [] and result.unmapped == {"themes": ["Zorglub"]}


def test_actor_type_from_organization_names_and_carried_by_phrases() -> None:
    from carrefour.normalize.actors import actor_type_from_text, actor_type_guess

    assert actor_type_guess("Les Amis du Relais") == "association"
    assert actor_type_guess("Centre social et culturel de Melun") == "association"
    assert actor_type_guess("CC Pays de Nérondes") == "collectivite"
    assert actor_type_guess("Agence régionale de santé Occitanie") == "etat"
    assert actor_type_from_text("Portée par la commune de Paris, la maison de santé…") == "collectivite"
    assert actor_type_from_text("Un projet né en 2019.") is None


def test_a_term_with_a_slash_in_parentheses_stays_one_term() -> None:
    from carrefour.normalize.values import value_list

    assert value_list("Coopérative (SCIC / SCOP)") == ["Coopérative (SCIC / SCOP)"]
    assert value_list("Emploi / Insertion, Santé") == ["Emploi", "Insertion", "Santé"]
