"""Re-indexed projects: deleted documents Tantivy still counts break neither similar projects nor searches."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from carrefour.projects.models import Project
from carrefour.search.engine import SearchFailed, engine_guard
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild, index_update
from carrefour.search.similar import project_similar
from carrefour.search.storage import index_open
from tests.search.panic import shops_create, tantivy_panic

pytestmark = pytest.mark.django_db


def _edit(projects: list[Project]) -> None:
    """What an edit does to each project: save it, re-index it (delete + add in Tantivy)."""
    for project in projects:
        project.description = "Horaires changés."
        project.save()
    index_update([project.pk for project in projects])


@pytest.mark.parametrize("count", [4, 300])
def test_similar_projects_after_edits(index_dir: Path, count: int) -> None:
    # Every project holds "épicerie" and "solidaire": once some are re-indexed, Tantivy counts those
    # words in more documents than are live, and its more-like-this used to panic ("2 >= 3").
    shops = shops_create(count)
    index_rebuild()
    _edit(shops[1::2][: max(count // 10, 2)])  # shops without bulk
    index = index_open()
    assert index is not None and index.searcher().num_docs == count
    similar = project_similar(shops[0].pk, elsewhere=False)
    assert similar
    assert set(similar) <= {shop.pk for shop in shops[2::2]}  # also in bulk: the word the others lack
    assert shops[3].pk in project_similar(shops[1].pk, elsewhere=False)  # edited alike


@pytest.mark.parametrize("count", [4, 300])
def test_full_text_search_on_a_word_of_every_project_after_edits(index_dir: Path, count: int) -> None:
    shops = shops_create(count)
    index_rebuild()
    _edit(shops[: max(count // 10, 2)])
    results = project_search(params=search_params(q="épicerie solidaire", per_page=100), with_points=False)
    assert results.total == count
    assert len(results.hits) == min(count, 100)
    assert project_search(params=search_params(q="vrac"), with_points=False).total == (count + 1) // 2


def test_a_tantivy_panic_becomes_a_logged_search_failure(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="carrefour.search.engine"),
        pytest.raises(SearchFailed),
        engine_guard("similar projects"),
    ):
        tantivy_panic()
    assert "search engine panic during similar projects" in caplog.text


def test_other_exceptions_cross_the_guard_unchanged() -> None:
    with pytest.raises(KeyboardInterrupt), engine_guard("search"):
        raise KeyboardInterrupt
    with pytest.raises(ValueError, match="index schema"), engine_guard("search"):
        raise ValueError("index schema")


def test_similar_projects_degrade_to_none_when_the_engine_panics(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shops = shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.similar._like", tantivy_panic)
    with caplog.at_level(logging.ERROR, logger="carrefour.search.engine"):
        assert project_similar(shops[0].pk) == []
    assert "search engine panic during similar projects" in caplog.text


def test_search_raises_a_logged_search_failure_when_the_engine_panics(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.selectors.search_plan_build", tantivy_panic)
    with caplog.at_level(logging.ERROR, logger="carrefour.search.engine"), pytest.raises(SearchFailed):
        project_search(params=search_params(q="épicerie"))
    assert "search engine panic during search" in caplog.text
