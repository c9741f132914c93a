"""Project page and results page once projects were edited, and when the search engine fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from carrefour.accounts.models import Profile
from carrefour.accounts.services import user_staff_role_set
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from tests.accounts.conftest import account_create
from tests.search.panic import shops_create, tantivy_panic

pytestmark = pytest.mark.django_db


def _page(client: Client, project: Project) -> str:
    """The project page, asserted served."""
    response = client.get(f"/projets/{project.pk}-{project.slug}")
    assert response.status_code == 200
    return response.content.decode()


def test_project_page_after_a_moderator_edit_shows_similar_projects(client: Client, index_dir: Path) -> None:
    # The reported 500: an edit re-indexes the project, then its page asked Tantivy for similar projects.
    shops = shops_create(4)
    index_rebuild()
    moderator = account_create("moderator@example.org", verified=True)
    user_staff_role_set(moderator, Profile.Staff.MODERATOR)
    for shop in shops[:2]:
        project_fields_edit_indexed(shop, {"summary": "Épicerie solidaire de produits en vrac"}, moderator)
    html = _page(client, shops[0])
    similar = html[html.index('id="similaires"') :]
    assert "Épicerie solidaire n°1" in similar or "Épicerie solidaire n°2" in similar


def test_project_page_without_similar_projects_when_the_engine_panics(
    client: Client, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shops = shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.similar._like", tantivy_panic)
    html = _page(client, shops[0])
    assert "Épicerie solidaire n°0" in html
    assert "Aucun projet similaire pour l'instant." in html[html.index('id="similaires"') :]


def test_results_page_explains_when_the_engine_panics(
    client: Client, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.selectors.search_plan_build", tantivy_panic)
    response = client.get("/recherche", {"q": "épicerie"})
    assert response.status_code == 503
    assert "La recherche a rencontré une erreur" in response.content.decode()
    monkeypatch.undo()
    # The failure was not cached: the same search answers as soon as the engine does.
    response = client.get("/recherche", {"q": "épicerie"})
    assert response.status_code == 200 and "Épicerie solidaire n°3" in response.content.decode()


def test_map_data_answers_503_in_json_when_the_engine_panics(
    client: Client, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.geo.search_plan_build", tantivy_panic)
    response = client.get("/carte/donnees", {"q": "épicerie", "zoom": "5"})
    assert response.status_code == 503
    assert "La recherche a rencontré une erreur" in response.json()["erreur"]
    monkeypatch.undo()
    response = client.get("/carte/donnees", {"q": "épicerie", "zoom": "5"})
    assert response.status_code == 200 and "erreur" not in response.json()
