"""Proposing a change and moderating it, as authors and moderators see it: values, search, notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.contributions.models import Contribution
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import project_fields_edit
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild
from tests.accounts.conftest import signed_in
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _propose(client: Client, project: Project, **values: Any) -> Any:
    data = {"title": project.title, "status": project.status, "reason": "Site du porteur, mars 2026"}
    data.update(values)
    return client.post(f"/projets/{project.pk}/proposer", data)


def _decide(client: Client, ids: list[int], decision: str, **extra: Any) -> str:
    response = client.post("/moderation/decider", {"ids": ids, "decision": decision, **extra}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def project(world: dict[str, Any]) -> Project:
    """The "own" project, indexed for search."""
    index_rebuild()
    return world["own_project"]


def test_a_proposal_is_previewed_held_accepted_searchable_and_its_author_told(
    make_user: Any, project: Project, mailbox: Mailbox
) -> None:
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    form = author.get(f"/projets/{project.pk}/proposer").content.decode()
    assert 'value="Projet own"' in form and "Motif ou source" in form
    preview = _propose(author, project, title="Jardin partagé des Lilas").content.decode()
    assert "<del>Projet own</del>" in preview and "<ins>Jardin partagé des Lilas</ins>" in preview
    assert not Contribution.objects.exists()
    sent = _propose(author, project, title="Jardin partagé des Lilas", envoyer="1")
    page = author.get(sent["Location"]).content.decode()
    assert "attend la modération" in page and "2 contributions acceptées (vous en avez 0)" in page
    assert "En attente de modération" in page
    assert project_search(params=search_params(q="Lilas")).total == 0

    queue = moderator.get("/moderation").content.decode()
    contribution = Contribution.objects.get()
    assert f'id="contribution-{contribution.pk}"' in queue and "<ins>Jardin partagé des Lilas</ins>" in queue
    assert contribution.fields == {"title": ["Projet own", "Jardin partagé des Lilas"]}  # only what changed
    done = _decide(moderator, [contribution.pk], "accept", reason="Merci !")
    assert "1 contribution acceptée." in done and "Aucune contribution en attente." in done

    project.refresh_from_db()
    assert project.title == "Jardin partagé des Lilas"
    change = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CONTRIBUTION)
    assert change.actor_id == contribution.author_id
    assert project_search(params=search_params(q="Lilas")).total == 1
    assert author.get("/").content.decode().count("1 non lue") == 1
    notifications = author.get("/compte/notifications").content.decode()
    assert "a été acceptée. Message de la modération : Merci !" in notifications
    assert "non lue" not in author.get("/").content.decode()
    tasks_run()
    assert "« Jardin partagé des Lilas » a été acceptée" in mailbox.last_body("contributor@example.org")
    assert "Acceptée" in author.get("/compte/contributions").content.decode()


def test_a_rejection_needs_a_reason_which_the_author_receives(
    make_user: Any, project: Project, mailbox: Mailbox
) -> None:
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    _propose(author, project, title="Titre fantaisiste", envoyer="1")
    contribution = Contribution.objects.get()
    page = _decide(moderator, [contribution.pk], "reject")
    assert "Indiquez le motif du refus" in page
    contribution.refresh_from_db()
    assert contribution.status == "pending"
    _decide(moderator, [contribution.pk], "reject", reason="Aucune source ne le confirme.")
    contribution.refresh_from_db()
    project.refresh_from_db()
    assert contribution.status == "rejected" and project.title == "Projet own"
    tasks_run()
    assert "refusée. Motif : Aucune source ne le confirme." in mailbox.last_body("contributor@example.org")
    mine = author.get("/compte/contributions").content.decode()
    assert "Refusée" in mine and "Aucune source ne le confirme." in mine


def test_a_trusted_author_s_change_is_live_at_once_and_still_reviewable(
    make_user: Any, project: Project
) -> None:
    author, moderator = signed_in(make_user("trusted_granted")), signed_in(make_user("moderator"))
    sent = _propose(author, project, title="Jardin des Lilas", envoyer="1")
    assert "est en ligne" in author.get(sent["Location"]).content.decode()
    project.refresh_from_db()
    assert project.title == "Jardin des Lilas"
    assert project_search(params=search_params(q="Lilas")).total == 1
    contribution = Contribution.objects.get()
    assert "Publiée, à relire" in moderator.get("/moderation").content.decode()
    _decide(moderator, [contribution.pk], "reject", reason="Nom d'usage, pas le nom officiel.")
    project.refresh_from_db()
    assert project.title == "Projet own"  # reverted
    assert project_search(params=search_params(q="Lilas")).total == 0


def test_a_stale_proposal_is_shown_and_not_applied_blindly(make_user: Any, project: Project) -> None:
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    _propose(author, project, title="Jardin des Lilas", envoyer="1")
    contribution = Contribution.objects.get()
    project_fields_edit(project, {"title": "Jardin des Glycines"}, None, reason="autre correction")
    queue = moderator.get("/moderation").content.decode()
    assert "Modifié depuis la proposition" in queue and "Valeur actuelle : Jardin des Glycines" in queue
    page = _decide(moderator, [contribution.pk], "accept")
    assert "Le projet a changé depuis la proposition (title)" in page
    project.refresh_from_db()
    assert project.title == "Jardin des Glycines"
    _decide(moderator, [contribution.pk], "accept", force="1")
    project.refresh_from_db()
    assert project.title == "Jardin des Lilas"


def test_bulk_decisions_apply_each_and_report_the_stale_ones(
    make_user: Any, world: dict[str, Any], project: Project
) -> None:
    author, moderator = make_user("contributor"), signed_in(make_user("moderator"))
    other = world["other_project"]
    first = Contribution.objects.create(
        project=project, author=author, fields={"summary": ["", "Un jardin."]}, reason="r"
    )
    second = Contribution.objects.create(
        project=other, author=author, fields={"summary": ["", "Une ressourcerie."]}, reason="r"
    )
    stale = Contribution.objects.create(
        project=other, author=author, fields={"title": ["Ancien titre", "Nouveau"]}, reason="r"
    )
    page = _decide(moderator, [first.pk, second.pk, stale.pk], "accept")
    assert "2 contributions acceptées." in page and "« Projet other » : Le projet a changé" in page
    assert Project.objects.get(pk=other.pk).summary == "Une ressourcerie."
    assert [c.status for c in Contribution.objects.order_by("pk")] == ["accepted", "accepted", "pending"]
    author.profile.refresh_from_db()
    assert author.profile.accepted_contributions == 2
    _decide(moderator, [stale.pk], "reject", reason="Titre déjà à jour.")
    assert Contribution.objects.get(pk=stale.pk).status == "rejected"


def test_hostile_and_bad_input_is_cleaned_or_refused_with_a_clear_message(
    make_user: Any, project: Project
) -> None:
    author = signed_in(make_user("contributor"))
    too_long = _propose(author, project, title="x" * 301, envoyer="1")
    assert too_long.status_code == 400 and "au plus 300 caractères" in too_long.content.decode()
    no_reason = _propose(author, project, title="Autre", reason="", envoyer="1")
    assert "Indiquez le motif ou la source" in no_reason.content.decode()
    unchanged = _propose(author, project, envoyer="1")
    assert "Aucun champ n&#x27;a été modifié." in unchanged.content.decode()
    bad_year = _propose(author, project, start_year="3000", envoyer="1")
    assert "inférieure ou égale à 2100" in bad_year.content.decode()
    superscript_year = _propose(author, project, start_year="²", envoyer="1")
    assert superscript_year.status_code == 400
    assert not Contribution.objects.exists()
    _propose(
        author,
        project,
        title="<script>alert(1)</script>Jardin <b>des</b> Lilas",
        description='<p onclick="x()">Un jardin</p><script>alert(2)</script>'
        '<a href="javascript:x()">lien</a>',
        envoyer="1",
    )
    fields = Contribution.objects.get().fields
    assert "<" not in fields["title"][1] and "Jardin des Lilas" in fields["title"][1]
    assert "script" not in fields["description"][1] and "onclick" not in fields["description"][1]
    assert "javascript" not in fields["description"][1]
    csrf = Client(enforce_csrf_checks=True)
    moderator_account = make_user("moderator")
    csrf.force_login(moderator_account, backend=BACKEND)
    assert csrf.post("/moderation/decider", {"ids": [1], "decision": "accept"}).status_code == 403
    moderator = signed_in(moderator_account)
    assert "Choisissez au moins une contribution" in _decide(moderator, ["²"], "accept")  # type: ignore[list-item]


def test_source_conflicts_are_resolved_from_the_queue(make_user: Any, project: Project) -> None:
    moderator = signed_in(make_user("moderator"))
    for name, value in (("title", "Titre corrigé"), ("website", "https://corrige.example.org")):
        project_fields_edit(project, {name: value}, None)
    FieldOverride.objects.update(conflict=True, upstream_now="Nouveau de la source")
    keep, take = FieldOverride.objects.order_by("field")  # title, website
    queue = moderator.get("/moderation").content.decode()
    assert "La source a changé depuis la correction (2)" in queue and "Nouveau de la source" in queue
    moderator.post(f"/moderation/conflits/{keep.pk}/garder")
    moderator.post(f"/moderation/conflits/{take.pk}/reprendre")
    project.refresh_from_db()
    assert project.title == "Titre corrigé" and project.website == "Nouveau de la source"
    assert "La source a changé depuis la correction (0)" in moderator.get("/moderation").content.decode()


def test_the_queue_filters_by_territory_theme_and_author_trust(
    make_user: Any, world: dict[str, Any], project: Project
) -> None:
    moderator = signed_in(make_user("moderator"))
    other = world["other_project"]
    Project.objects.filter(pk=project.pk).update(departement_code="93", themes=["alimentation"])
    newcomer, trusted = make_user("contributor"), make_user("trusted_granted")
    mine = Contribution.objects.create(
        project=project, author=newcomer, fields={"summary": ["", "A"]}, reason="r"
    )
    theirs = Contribution.objects.create(
        project=other, author=trusted, fields={"summary": ["", "B"]}, reason="r"
    )

    def shown(**params: str) -> set[int]:
        page = moderator.get("/moderation", params).content.decode()
        return {c.pk for c in (mine, theirs) if f'id="contribution-{c.pk}"' in page}

    assert shown() == {mine.pk, theirs.pk}
    assert shown(departement="93") == {mine.pk}
    assert shown(theme="alimentation") == {mine.pk}
    assert shown(trust="trusted") == {theirs.pk}
    assert shown(trust="new") == {mine.pk}
    assert shown(age="7") == set()


def test_a_visitor_s_suggestion_reaches_the_queue_and_its_contact_gets_the_decision(
    make_user: Any, project: Project, mailbox: Mailbox
) -> None:
    visitor = Client()
    sent = visitor.post(
        f"/projets/{project.pk}/correction",
        {
            "subject": "location",
            "reason": "La commune est <b>Bagnolet</b>.",
            "contact_email": "lea@example.org",
        },
        follow=True,
    )
    assert sent.redirect_chain[-1][1] == 302 and "Merci" in sent.content.decode()
    suggestion = Contribution.objects.get()
    assert (suggestion.kind, suggestion.author, suggestion.reason) == (
        "suggestion",
        None,
        "La commune est Bagnolet.",
    )
    moderator = signed_in(make_user("moderator"))
    queue = moderator.get("/moderation", {"kind": "suggestion"}).content.decode()
    assert "Champ concerné : Localisation · contact : lea@example.org" in queue
    assert "Suggestion (à reporter à la main) : La commune est Bagnolet." in queue
    _decide(moderator, [suggestion.pk], "accept", reason="Corrigé, merci.")
    tasks_run()
    assert "a été acceptée. Message de la modération : Corrigé, merci." in mailbox.last_body(
        "lea@example.org"
    )
