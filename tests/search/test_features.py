"""Fielded and boolean queries, typos, prefixes, synonyms, sorts, ranges, territory, relaxations."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.projects.models import Project
from carrefour.search.params import search_params
from carrefour.search.query import query_parse
from carrefour.search.query_build import SearchFeatures
from carrefour.search.selectors import SearchResults, project_search
from carrefour.search.services import index_rebuild
from carrefour.search.similar import project_similar
from carrefour.search.suggest import search_suggest
from tests.search.factories import project_create

pytestmark = pytest.mark.django_db


def ids(results: SearchResults) -> set[int]:
    """Project ids of the hits."""
    return {hit.project_id for hit in results.hits}


def test_fielded_and_boolean(corpus: dict[str, Project]) -> None:
    assert ids(project_search(params=search_params(q="title:épicerie"))) == {
        corpus["epicerie"].pk,
        corpus["epicerie_lyon"].pk,
    }
    assert ids(project_search(params=search_params(q="theme:mobilite"))) == {corpus["hostile"].pk}
    assert ids(project_search(params=search_params(q='theme:"lien social" NOT jardin'))) == {
        corpus["epicerie"].pk
    }
    assert ids(project_search(params=search_params(q="jardin OR vélo"))) == {
        corpus["jardin"].pk,
        corpus["hostile"].pk,
    }
    assert ids(project_search(params=search_params(q="commune:Montreuil"))) == {corpus["epicerie"].pk}
    assert ids(project_search(params=search_params(q="commune:69123"))) == {corpus["epicerie_lyon"].pk}
    assert ids(project_search(params=search_params(q="(jardin OR camion) -lilas"))) == {
        corpus["epicerie_lyon"].pk
    }


def test_typos_by_word_length(corpus: dict[str, Project]) -> None:
    assert corpus["epicerie"].pk in ids(
        project_search(params=search_params(q="epicrie"))
    )  # 8 letters: one typo
    assert corpus["epicerie_lyon"].pk in ids(
        project_search(params=search_params(q="itinéarntes"))
    )  # 11 letters: two typos
    assert project_search(params=search_params(q="velp")).total == 0  # 4 letters: exact only


def test_prefix_on_last_word_while_typing(corpus: dict[str, Project]) -> None:
    assert project_search(params=search_params(q="jardin parta")).total == 0
    assert ids(project_search(params=search_params(q="jardin parta", prefix=True))) == {corpus["jardin"].pk}


def test_synonyms_from_data_file(db: None, index_dir: Any) -> None:
    ess = project_create("Pôle de l'économie sociale et solidaire", summary="Réseau local.")
    tiers = project_create("Le tiers-lieu du village")
    index_rebuild()
    assert ids(project_search(params=search_params(q="ESS"))) == {ess.pk}
    assert ids(project_search(params=search_params(q="tiers lieu"))) == {tiers.pk}
    assert project_search(params=search_params(q="ESS"), features=SearchFeatures(synonyms=False)).total == 0


def test_sorts_and_ranges(corpus: dict[str, Project]) -> None:
    titles = [h.project_id for h in project_search(params=search_params(sort="title")).hits]
    assert titles[0] == corpus["hostile"].pk  # « Atelier… » first
    assert ids(project_search(params=search_params(start_year_min=2020))) == {corpus["epicerie_lyon"].pk}
    assert ids(project_search(params=search_params(start_year_max=2020))) == {corpus["epicerie"].pk}
    assert project_search(params=search_params(sort="recent")).sort == "date"
    with pytest.raises(ValueError):
        project_search(params=search_params(sort="random"))


def test_relaxations_when_nothing_matches(corpus: dict[str, Project]) -> None:
    results = project_search(params=search_params(q="épicerie vélo", themes=["mobilite"]))
    assert results.total == 0
    assert results.relaxations
    best = results.relaxations[0]
    assert best.count > 0 and best.param in {"q", "themes"}


def test_parser_never_fails_and_explains() -> None:
    for raw in ['"a', "((", "))", "title:", ":", "NOT NOT", "-(-)", "x" * 10_000, "'; DROP TABLE x;--"]:
        query_parse(raw)
    assert "foo" in query_parse("foo:bar").message


def test_similar_and_suggest(corpus: dict[str, Project]) -> None:
    similar = project_similar(corpus["epicerie"].pk, elsewhere=False)
    assert corpus["epicerie"].pk not in similar
    labels = {(s.kind, s.label) for s in search_suggest("épic")}
    assert ("project", "Épicerie solidaire du quartier") in labels
    assert ("theme", "Alimentation et agriculture durable") not in labels


def test_territory_in_around_and_in_query(corpus: dict[str, Project], territories_loaded: Any) -> None:
    national = project_create("Réseau national des épiceries", scale="national", precision="national")
    regional = project_create("Épiceries d'Auvergne-Rhône-Alpes", region_code="84", precision="region")
    index_rebuild()
    lyon = project_search(params=search_params(territory="Lyon"))
    assert ids(lyon) == {corpus["epicerie_lyon"].pk, regional.pk}
    assert ids(project_search(params=search_params(territory="Lyon", covering=False))) == {
        corpus["epicerie_lyon"].pk
    }
    assert national.pk in ids(project_search(params=search_params(territory="69123", national=True)))
    around = project_search(params=search_params(near="Villeurbanne", radius_km=10, sort="distance"))
    assert [h.project_id for h in around.hits] == [corpus["hostile"].pk, corpus["epicerie_lyon"].pk]
    assert around.hits[0].distance_km is not None and around.hits[0].distance_km < 10
    phrased = project_search(params=search_params(q="épicerie autour de Lyon"))
    assert ids(phrased) == {corpus["epicerie_lyon"].pk}
    assert "Lyon" in phrased.message
    in_dep = project_search(params=search_params(q="épicerie dans la Seine-Saint-Denis"))
    assert ids(in_dep) == {corpus["epicerie"].pk, corpus["jardin"].pk}
    box = project_search(params=search_params(bbox=(48.0, 2.0, 49.0, 3.0)))
    assert ids(box) == {corpus["epicerie"].pk, corpus["jardin"].pk}
    assert project_search(params=search_params(territory="Atlantide")).total == 0


def test_my_departement_needs_a_position(corpus: dict[str, Project], territories_loaded: Any) -> None:
    mine = project_search(
        params=search_params(q="épicerie dans mon département", lat=48.86, lon=2.44)
    )  # Montreuil
    assert ids(mine) == {corpus["epicerie"].pk, corpus["jardin"].pk}
    assert "Seine-Saint-Denis" in mine.message
    near_me = project_search(
        params=search_params(q="épicerie près de chez moi", lat=45.76, lon=4.84, radius_km=3)
    )
    assert ids(near_me) == {corpus["epicerie_lyon"].pk}
    unknown = project_search(params=search_params(q="épicerie dans mon département"))
    assert "position" in unknown.message
