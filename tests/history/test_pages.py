"""The public history page of a project, and reverting a change: allowed only to the roles the matrix says."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carrefour.accounts.models import Profile
from carrefour.accounts.services import user_staff_role_set
from carrefour.history.selectors import diff_html, words_diff
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project, ProjectChange
from carrefour.projects.overrides import project_fields_edit
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild
from tests.accounts.conftest import ROLES
from tests.dedup.conftest import RawFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
REVERT = "Annuler cette modification"


def _harvest(raw: RawFactory, summary: str) -> Project:
    record = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil", summary=summary)
    pipeline_process([record.pk])
    return Project.objects.get(sources__raw=record)


@pytest.fixture
def project(raw: RawFactory) -> Project:
    """A project whose source changed its summary once, indexed for search."""
    index_rebuild()
    _harvest(raw, "Un jardin avec un verger.")
    return _harvest(raw, "Un jardin avec un potager.")


def _history(client: Client, project: Project, **params: Any) -> str:
    response = client.get(f"/projets/{project.pk}-{project.slug}/historique", params)
    assert response.status_code == 200
    return response.content.decode()


def _revert(client: Client, project: Project) -> Any:
    change = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.HARVEST)
    return client.post(
        f"/projets/{project.pk}/historique/{change.pk}/annuler", {"reason": "Verger toujours là"}
    )


@pytest.fixture
def moderator() -> User:
    user = User.objects.create_user("mod", email="mod@example.org", first_name="Anne", last_name="Modère")
    user_staff_role_set(user, Profile.Staff.MODERATOR)
    return user


def test_a_visitor_reads_the_history_from_the_project_page(client: Client, project: Project) -> None:
    page = client.get(f"/projets/{project.pk}-{project.slug}").content.decode()
    assert f'href="/projets/{project.pk}-{project.slug}/historique"' in page
    history = _history(client, project)
    assert (
        "Création" in history
        and "Mise à jour par la source" in history
        and 'par <span class="carrefour-who">source alpha</span>' in history
    )
    assert '<del title="avant">verger.</del><ins title="après">potager.</ins>' in history
    assert REVERT not in history
    assert client.get(f"/projets/{project.pk}-autre/historique").status_code == 301


# The roles allowed to revert (Action.REVERT_CHANGE in carrefour/accounts/roles.py), written out apart.
REVERTERS = {"moderator", "administrator", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_revert_is_offered_and_accepted_only_for_staff_roles(
    client: Client, project: Project, make_user: Any, role: str
) -> None:
    user = make_user(role)
    if role != "visitor":
        client.force_login(user, backend=BACKEND)
    allowed = role in REVERTERS
    assert (REVERT in _history(client, project)) is allowed
    assert _revert(client, project).status_code == (302 if allowed else 403)
    project.refresh_from_db()
    assert project.summary == ("Un jardin avec un verger." if allowed else "Un jardin avec un potager.")


def test_a_permitted_user_reverts_and_search_finds_the_value_put_back(
    client: Client, project: Project, moderator: User
) -> None:
    client.force_login(moderator, backend=BACKEND)
    assert REVERT in _history(client, project)
    assert project_search(params=search_params(q="verger")).total == 0
    response = _revert(client, project)
    assert response.status_code == 302 and response["Location"].endswith("/historique")
    project.refresh_from_db()
    assert project.summary == "Un jardin avec un verger."
    assert project_search(params=search_params(q="verger")).total == 1
    history = _history(client, project)
    assert "Annulation" in history and "Anne Modère" in history and "Motif : Verger toujours là" in history
    assert "mod@example.org" not in history


def test_a_change_with_nothing_to_put_back_is_refused_clearly(
    client: Client, project: Project, moderator: User
) -> None:
    client.force_login(moderator, backend=BACKEND)
    creation = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CREATION)
    response = client.post(f"/projets/{project.pk}/historique/{creation.pk}/annuler")
    assert response.status_code == 400
    assert "aucun champ qui puisse être rétabli" in response.content.decode()


def test_a_deleted_account_shows_as_compte_supprime(
    client: Client, project: Project, moderator: User
) -> None:
    project_fields_edit(project, {"title": "Jardin des roses <script>alert(1)</script>"}, moderator)
    project.refresh_from_db()
    moderator.delete()
    history = _history(client, project)
    assert "compte supprimé" in history and "Anne Modère" not in history
    assert "roses" in history and "<script>alert" not in history


def test_the_history_pages_by_fifty_newest_first(client: Client, project: Project) -> None:
    start = timezone.now()
    ProjectChange.objects.bulk_create(
        ProjectChange(
            project=project,
            kind="harvest",
            at=start + timedelta(minutes=i),
            fields={"title": [str(i), str(i + 1)]},
        )
        for i in range(60)
    )
    first = _history(client, project)
    assert first.count('id="modification-') == 50 and "62 modifications" in first and "Page 1 sur 2" in first
    assert first.index('<ins title="après">60</ins>') < first.index('<ins title="après">59</ins>')
    assert _history(client, project, page=2).count('id="modification-') == 12


def test_the_words_changed_are_marked_and_the_rest_kept() -> None:
    assert words_diff("Un jardin <b>partagé</b> ouvert", "Un jardin solidaire ouvert") == [
        ("equal", "Un jardin "),
        ("delete", "<b>partagé</b> "),
        ("insert", "solidaire "),
        ("equal", "ouvert"),
    ]
    assert str(diff_html(words_diff("<b>a</b>", "b"))) == (
        '<del title="avant">&lt;b&gt;a&lt;/b&gt;</del><ins title="après">b</ins>'
    )
