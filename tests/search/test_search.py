"""Full-text search, facets and map points on a real database and a real index."""

from __future__ import annotations

import pytest

from carrefour.projects.models import Project
from carrefour.search.params import search_params
from carrefour.search.selectors import SearchResults, project_search

pytestmark = pytest.mark.django_db


def ids(results: SearchResults) -> set[int]:
    """Project ids of the hits."""
    return {hit.project_id for hit in results.hits}


def facet(results: SearchResults, name: str) -> dict[str, int]:
    """Code → count of one facet."""
    return {value.code: value.count for value in results.facets[name]}


def test_french_stemming_plural_finds_singular(corpus: dict[str, Project]) -> None:
    results = project_search(params=search_params(q="épiceries"))
    assert {corpus["epicerie"].pk, corpus["epicerie_lyon"].pk} <= ids(results)


def test_accents_folded(corpus: dict[str, Project]) -> None:
    assert ids(project_search(params=search_params(q="epicerie"))) == ids(
        project_search(params=search_params(q="Épicerie"))
    )
    assert corpus["epicerie"].pk in ids(project_search(params=search_params(q="EPICERIE solidaire")))


def test_title_boosted_over_summary(corpus: dict[str, Project]) -> None:
    results = project_search(params=search_params(q="épicerie"))
    assert results.hits[-1].project_id == corpus["jardin"].pk  # only in its summary
    assert results.hits[0].score > results.hits[-1].score


def test_unpublished_never_found(corpus: dict[str, Project]) -> None:
    assert corpus["hidden"].pk not in ids(project_search(params=search_params(q="cachée")))
    assert project_search().total == 4


def test_empty_query_lists_most_recent_first(corpus: dict[str, Project]) -> None:
    results = project_search()
    assert [hit.project_id for hit in results.hits] == [
        corpus[key].pk for key in ("hostile", "jardin", "epicerie_lyon", "epicerie")
    ]


def test_snippet_highlights_and_escapes(corpus: dict[str, Project]) -> None:
    results = project_search(params=search_params(q="vélo"))
    snippet = results.hits[0].snippet
    assert "<b>vélo</b>" in snippet
    assert "<script" not in snippet


def test_facet_counts_follow_filters(corpus: dict[str, Project]) -> None:
    everything = project_search()
    assert facet(everything, "themes")["alimentation"] == 2
    assert facet(everything, "region") == {"11": 2, "84": 2}
    assert facet(everything, "source") == {"alpha": 3, "simu": 1}
    in_idf = project_search(params=search_params(regions=["11"]))
    assert in_idf.total == 2
    assert facet(in_idf, "themes") == {"alimentation": 1, "lien-social": 2, "environnement": 1}
    # The region facet itself is counted without its own filter (multi-select) and marks the selection.
    assert facet(in_idf, "region") == {"11": 2, "84": 2}
    assert [v.selected for v in in_idf.facets["region"] if v.code == "11"] == [True]
    words_and_filter = project_search(params=search_params(q="épicerie", themes=["alimentation"]))
    assert words_and_filter.total == 2
    assert facet(words_and_filter, "departement") == {"93": 1, "69": 1}


def test_filters_or_within_and_across(corpus: dict[str, Project]) -> None:
    assert project_search(params=search_params(themes=["mobilite", "environnement"])).total == 2
    assert (
        project_search(params=search_params(themes=["mobilite", "environnement"], departements=["69"])).total
        == 1
    )
    assert project_search(params=search_params(actor_types=["association"], regions=["84"])).total == 1
    assert project_search(params=search_params(start_years=["2019"])).total == 1


def test_labels(corpus: dict[str, Project]) -> None:
    results = project_search()
    labels = {v.code: v.label for v in results.facets["themes"]}
    assert labels["alimentation"] == "Alimentation et agriculture durable"
    assert {v.code: v.label for v in results.facets["source"]}["alpha"] == "Plateforme alpha"


def test_points_and_fictional_flag(corpus: dict[str, Project]) -> None:
    results = project_search(params=search_params(q="épicerie"))
    points = {point.id: point for point in results.points}
    assert points[corpus["epicerie"].pk].lat == pytest.approx(48.8611)
    assert points[corpus["epicerie"].pk].title == "Épicerie solidaire du quartier"
    assert results.has_fictional
    assert not project_search(params=search_params(regions=["11"])).has_fictional


def test_paging(corpus: dict[str, Project]) -> None:
    first, second = (
        project_search(params=search_params(per_page=3)),
        project_search(params=search_params(per_page=3, page=2)),
    )
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (4, 2, 3, 1)
    with pytest.raises(ValueError):
        project_search(params=search_params(page=0))


@pytest.mark.parametrize(
    "q",
    [
        '"épicerie solidaire',
        "title:(",
        "foo:bar épicerie",
        "épicerie AND",
        "(((",
        "*",
        "NOT",
        "-",
        "a" * 10_000,
        "épicerie " * 2_000,
        "\x00\x07épicerie\u202e",
        "[1 TO 2]",
        'body:"x" OR id:1',
        "épicerie^100",
        "~2",
    ],
)
def test_malformed_queries_never_raise(corpus: dict[str, Project], q: str) -> None:
    results = project_search(params=search_params(q=q))
    assert results.total >= 0


def test_malformed_queries_explain(corpus: dict[str, Project]) -> None:
    unbalanced = project_search(params=search_params(q='"épicerie solidaire'))
    assert "guillemet" in unbalanced.message
    assert corpus["epicerie"].pk in ids(unbalanced)
    assert "caractères" in project_search(params=search_params(q="a" * 10_000)).message
    unknown_field = project_search(params=search_params(q="foo:épicerie"))
    assert corpus["epicerie"].pk in ids(unknown_field)
    assert project_search(params=search_params(q="!!!")).total == 4
    assert project_search(params=search_params(q="épicerie -quartier")).total == 2


def test_phrase_query(corpus: dict[str, Project]) -> None:
    assert ids(project_search(params=search_params(q='"épicerie solidaire"'))) == {corpus["epicerie"].pk}
