"""Project page and results page once projects were edited, and when the search engine fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from carrefour.accounts.models import Profile
from carrefour.accounts.services import user_staff_role_set
from carrefour.contributions.new_project import proposal_duplicates
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from carrefour.territories.geocoder import ResolvedLocation
from tests.accounts.conftest import account_create, signed_in
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


@pytest.fixture
def engine_down(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[Project]:
    """Four published shops indexed, then every search of the engine panics."""
    shops = shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.selectors.search_plan_build", tantivy_panic)
    return shops


@pytest.mark.parametrize("path", ["/", "/a-propos", "/donnees-ouvertes", "/documentation-api"])
def test_overview_pages_still_render_with_the_database_count_when_the_engine_panics(
    client: Client, engine_down: list[Project], path: str
) -> None:
    response = client.get(path)
    html = response.content.decode()
    # 503 keeps the degraded page out of the page cache; the visitor still reads it.
    assert response.status_code == 503 and "</html>" in html
    if path == "/":
        assert "La recherche a rencontré une erreur" in html
        assert "<strong>4</strong> projets référencés" in html
        assert "Épicerie solidaire n°3" in html  # the latest projects, read from the database
    if path == "/donnees-ouvertes":
        assert "Les 4 projets du Carrefour" in html


def test_observatoire_and_its_csv_answer_503_when_the_engine_panics(
    client: Client, engine_down: list[Project]
) -> None:
    page = client.get("/observatoire", {"q": "épicerie"})
    assert page.status_code == 503 and "La recherche a rencontré une erreur" in page.content.decode()
    csv = client.get("/observatoire/themes.csv", {"q": "épicerie"})
    assert csv.status_code == 503 and "La recherche a rencontré une erreur" in csv.content.decode()


def test_an_export_answers_503_before_streaming_when_the_engine_panics(
    client: Client, engine_down: list[Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    response = client.get("/recherche/export.csv", {"q": "épicerie"})
    assert response.status_code == 503 and response["Retry-After"]
    assert "La recherche a rencontré une erreur" in response.content.decode()
    monkeypatch.undo()
    # The export slot was given back: the same export streams once the engine answers.
    for _ in range(3):
        response = client.get("/recherche/export.csv", {"q": "épicerie"})
        assert response.status_code == 200
        assert "Épicerie solidaire n°2" in b"".join(response.streaming_content).decode()


def test_reporting_a_duplicate_still_works_by_number_when_the_engine_panics(
    engine_down: list[Project],
) -> None:
    client = signed_in(account_create("contributrice@example.org"))
    shop = engine_down[0]
    page = client.get(f"/projets/{shop.pk}/doublon", {"q": "épicerie"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "La recherche a rencontré une erreur" in html and "Indiquez le numéro du projet ci-dessous" in html
    assert 'name="other"' in html


def test_a_proposal_goes_on_without_possible_duplicates_when_the_engine_panics(
    engine_down: list[Project],
) -> None:
    location = ResolvedLocation(commune_code="75056", commune_name="Paris")
    found = proposal_duplicates({"title": "Épicerie solidaire du quartier", "organization": "Asso"}, location)
    assert found == []
