"""A moderator edits a proposed change before accepting it: the project, the author and the history see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.contributions.edits import ContributionEditForm
from carrefour.contributions.models import Contribution
from carrefour.projects.models import Project, ProjectChange
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import MODERATORS, _expected
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def _shown(contribution: Contribution) -> dict[str, Any]:
    """The values the edit form shows, as a browser sends them back untouched (without the reason)."""
    form = ContributionEditForm(contribution)
    shown = {field.name: field.value() for field in form if field.name != "reason"}
    return {name: value for name, value in shown.items() if value is not None}


@pytest.fixture
def project(world: dict[str, Any]) -> Project:
    index_rebuild()
    return world["own_project"]


def test_a_moderator_edits_a_proposal_then_accepts_it_and_the_author_sees_what_changed(
    make_user: Any, project: Project, mailbox: Mailbox
) -> None:
    author_account, moderator_account = make_user("contributor"), make_user("moderator")
    contribution = Contribution.objects.create(
        project=project,
        author=author_account,
        fields={"title": ["Projet own", "JARDIN DES LILAS !!!"], "summary": ["", "Un jardin partagé."]},
        reason="Site du porteur",
    )
    moderator = signed_in(moderator_account)
    queue = moderator.get("/moderation").content.decode()
    assert f'href="/moderation/{contribution.pk}/modifier"' in queue
    page = moderator.get(f"/moderation/{contribution.pk}/modifier").content.decode()
    assert 'value="JARDIN DES LILAS !!!"' in page and "Un jardin partagé." in page
    data = {**_shown(contribution), "title": "Jardin des Lilas", "reason": "Titre remis en forme."}
    response = moderator.post(f"/moderation/{contribution.pk}/modifier", data, follow=True)
    assert "acceptée avec vos modifications" in response.content.decode()

    project.refresh_from_db()
    assert (project.title, project.summary) == ("Jardin des Lilas", "Un jardin partagé.")
    assert project_search(params=search_params(q="Lilas")).total == 1
    contribution.refresh_from_db()
    assert contribution.status == "accepted" and contribution.moderator_id == moderator_account.pk
    assert contribution.moderator_fields == {"title": ["JARDIN DES LILAS !!!", "Jardin des Lilas"]}
    by_author = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CONTRIBUTION)
    assert by_author.actor_id == author_account.pk and list(by_author.fields) == ["summary"]
    by_moderator = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.MODERATION)
    assert by_moderator.actor_id == moderator_account.pk
    assert by_moderator.fields == {"title": ["Projet own", "Jardin des Lilas"]}
    assert "modifiée par la modération avant acceptation (Titre)" in by_moderator.reason
    history = Client().get(f"/projets/{project.pk}-{project.slug}/historique").content.decode()
    assert "modifiée par la modération avant acceptation" in history
    assert "JARDIN DES LILAS" not in history  # the author's refused wording is not published

    author = signed_in(author_account)
    said = (
        "acceptée avec des modifications de la modération : "
        "Titre : « JARDIN DES LILAS !!! » devient « Jardin des Lilas »."
    )
    assert said in author.get("/compte/notifications").content.decode()
    assert (
        "Message de la modération : Titre remis en forme."
        in author.get("/compte/notifications").content.decode()
    )
    assert (
        "Acceptée avec des modifications de la modération"
        in author.get("/compte/contributions").content.decode()
    )
    tasks_run()
    assert said in mailbox.last_body("contributor@example.org")


def test_an_edit_that_changes_nothing_or_is_refused_keeps_the_proposal_pending(
    make_user: Any, project: Project
) -> None:
    contribution = Contribution.objects.create(
        project=project,
        author=make_user("contributor"),
        fields={"title": ["Projet own", "Lilas"]},
        reason="r",
    )
    moderator = signed_in(make_user("moderator"))
    url = f"/moderation/{contribution.pk}/modifier"
    assert moderator.get(url).status_code == 200
    data = _shown(contribution)
    unchanged = moderator.post(url, data)
    assert unchanged.status_code == 400 and "Vous n&#x27;avez rien modifié" in unchanged.content.decode()
    too_long = moderator.post(url, {**data, "title": "x" * 301})
    assert too_long.status_code == 400 and "au plus 300 caractères" in too_long.content.decode()
    contribution.refresh_from_db()
    project.refresh_from_db()
    assert contribution.status == "pending" and project.title == "Projet own"
    decided = Contribution.objects.create(
        project=project, author=None, fields={"title": ["Projet own", "X"]}, reason="r", status="rejected"
    )
    assert moderator.get(f"/moderation/{decided.pk}/modifier").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_editing_before_accepting_follows_the_matrix(role: str, make_user: Any, project: Project) -> None:
    user = make_user(role)
    author = user if role == "contributor" else make_user("contributor")
    contribution = Contribution.objects.create(
        project=project, author=author, fields={"title": ["Projet own", "Lilas"]}, reason="r"
    )
    client = signed_in(user)
    url = f"/moderation/{contribution.pk}/modifier"
    _expected(role, MODERATORS, client.get(url))
    _expected(role, MODERATORS, client.post(url, {**_shown(contribution), "title": "Jardin des Lilas"}))
    contribution.refresh_from_db()
    project.refresh_from_db()
    assert (contribution.status == "accepted") is (role in MODERATORS)
    assert (project.title == "Jardin des Lilas") is (role in MODERATORS)
