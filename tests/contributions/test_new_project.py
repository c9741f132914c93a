"""Proposing a new project without JavaScript: form, duplicates, moderation, published like harvested ones."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from carrefour.contributions.models import Contribution, Notification
from carrefour.harvest.models import RawRecord
from carrefour.harvest.selectors import source_list_due
from carrefour.orchestration.contributed import contributions_source
from carrefour.projects.models import Project, ProjectChange
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild
from carrefour.territories.services import LoadReport
from tests.accounts.conftest import signed_in
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
PROPOSAL = {
    "title": "Recyclerie des Gratte-Ciel",
    "summary": "Une recyclerie associative au cœur du quartier.",
    "description": "<p>Collecte, réparation et revente d'objets.</p>",
    "themes": ["economie-circulaire"],
    "publics": ["familles"],
    "actor_type": "association",
    "organization": "Association Second Souffle",
    "status": "en-cours",
    "start_year": "2021",
    "website": "https://second-souffle.example",
    "commune": "Villeurbanne",
    "address": "12 avenue Henri Barbusse",
    "reason": "Je suis bénévole de l'association.",
}


@pytest.fixture(autouse=True)
def _places(territories_loaded: LoadReport, world: dict[str, Any]) -> None:
    """The real communes, and the world's projects indexed for search."""
    index_rebuild()


def _post(client: Client, **values: Any) -> Any:
    return client.post("/projets/proposer", {**PROPOSAL, **values})


def _found(words: str) -> int:
    return project_search(params=search_params(q=words)).total


def test_a_proposal_is_previewed_confirmed_held_accepted_and_published_like_a_harvested_project(
    make_user: Any, mailbox: Mailbox
) -> None:
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    form = author.get("/projets/proposer").content.decode()
    assert "Proposer un projet" in form and 'name="commune"' in form and "Économie circulaire" in form
    preview = _post(author, apercu="1").content.decode()
    assert "<ins>Recyclerie des Gratte-Ciel</ins>" in preview and "<del>(vide)</del>" in preview
    assert "12 avenue Henri Barbusse, Villeurbanne (69266)" in preview
    assert "Aucun projet semblable" in preview
    unconfirmed = _post(author, envoyer="1")
    assert unconfirmed.status_code == 400 and "Cochez la case" in unconfirmed.content.decode()
    assert not Contribution.objects.exists()

    sent = _post(author, envoyer="1", confirm_new="on")
    assert sent.status_code == 302 and sent["Location"] == "/compte/contributions"
    mine = author.get(sent["Location"]).content.decode()
    assert "attend la modération" in mine and "Recyclerie des Gratte-Ciel — Nouveau projet" in mine
    contribution = Contribution.objects.get()
    assert contribution.project is None and contribution.kind == "new_project"
    assert not Project.objects.filter(title__contains="Recyclerie").exists()
    assert not RawRecord.objects.filter(source__slug="contributions").exists()
    assert _found("Recyclerie") == 0

    queue = moderator.get("/moderation").content.decode()
    assert "Recyclerie des Gratte-Ciel</h3>" not in queue  # no link yet: shown as text with its kind
    assert "Recyclerie des Gratte-Ciel — Nouveau projet" in queue
    assert "<ins>Villeurbanne (69266)</ins>" not in queue and "Villeurbanne (69266)</ins>" in queue
    done = moderator.post(
        "/moderation/decider", {"ids": [contribution.pk], "decision": "accept"}, follow=True
    )
    assert "1 contribution acceptée." in done.content.decode()

    project = Project.objects.get(title="Recyclerie des Gratte-Ciel")
    contribution.refresh_from_db()
    assert contribution.project == project and contribution.status == "accepted"
    assert project.is_published and project.commune_code == "69266" and project.departement_code == "69"
    assert project.latitude is not None and project.address == "12 avenue Henri Barbusse"
    assert project.themes == ["economie-circulaire"] and project.start_year == 2021
    assert project.provenance["title"]["source"] == "contributions"
    creation = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CREATION)
    assert creation.actor_id == contribution.author_id and creation.source_slug == "contributions"
    assert _found("Recyclerie") == 1

    page = Client().get(f"/projets/{project.pk}-{project.slug}").content.decode()
    assert "Contributions au Carrefour" in page and "Licence : Licence Ouverte / Etalab 2.0" in page
    api = json.loads(Client().get(f"/api/v1/projects/{project.pk}").content)
    assert api["publications"][0]["platform"] == "contributions"
    assert api["publications"][0]["licence"] == "Licence Ouverte / Etalab 2.0"
    assert api["location"]["commune_code"] == "69266"
    export = b"".join(Client().get("/recherche/export.csv?q=Recyclerie").streaming_content).decode()
    assert "Recyclerie des Gratte-Ciel" in export and "contributions:contribution-" in export
    history = Client().get(f"/projets/{project.pk}-{project.slug}/historique").content.decode()
    assert f"contributeur n° {contribution.author_id}" in history and "Création" in history

    notice = Notification.objects.get(user=contribution.author).message
    assert f"/projets/{project.pk}-{project.slug}" in notice
    tasks_run()
    assert f"/projets/{project.pk}-{project.slug}" in mailbox.last_body("contributor@example.org")


def test_the_preview_lists_the_projects_it_may_duplicate(make_user: Any, world: dict[str, Any]) -> None:
    author = signed_in(make_user("contributor"))
    own = world["own_project"]
    preview = _post(author, title="Projet own", organization="", apercu="1").content.decode()
    assert "Ce projet existe peut-être déjà" in preview
    assert f'href="/projets/{own.pk}-{own.slug}"' in preview


def test_a_trusted_author_publishes_at_once_and_a_rejection_unpublishes(make_user: Any) -> None:
    author, moderator = signed_in(make_user("trusted_granted")), signed_in(make_user("moderator"))
    sent = _post(author, envoyer="1", confirm_new="on")
    project = Project.objects.get(title="Recyclerie des Gratte-Ciel")
    mine = author.get(sent["Location"]).content.decode()
    assert "Votre projet est publié" in mine and f'href="/projets/{project.pk}-{project.slug}"' in mine
    assert _found("Recyclerie") == 1
    contribution = Contribution.objects.get()
    assert contribution.status == "published" and contribution.project == project

    refused = moderator.post(
        "/moderation/decider", {"ids": [contribution.pk], "decision": "reject", "reason": "Publicité."}
    )
    assert refused.status_code == 302
    project.refresh_from_db()
    assert not project.is_published and _found("Recyclerie") == 0
    assert "a été refusée. Motif : Publicité." in Notification.objects.get(user=contribution.author).message


def test_a_rejected_proposal_creates_nothing(make_user: Any) -> None:
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    _post(author, envoyer="1", confirm_new="on")
    contribution = Contribution.objects.get()
    moderator.post(
        "/moderation/decider", {"ids": [contribution.pk], "decision": "reject", "reason": "Hors sujet."}
    )
    contribution.refresh_from_db()
    assert contribution.status == "rejected" and contribution.project is None
    assert not Project.objects.filter(title__contains="Recyclerie").exists()
    assert not RawRecord.objects.filter(source__slug="contributions").exists()
    notice = Notification.objects.get(user=contribution.author).message
    assert "« Recyclerie des Gratte-Ciel » a été refusée. Motif : Hors sujet." in notice


def test_hostile_and_oversized_input_is_cleaned_or_refused(make_user: Any) -> None:
    author = signed_in(make_user("trusted_granted"))
    script = '<script>alert("x")</script>'
    _post(
        author,
        title=f"Jardin {script}solidaire",
        description=f'<p onclick="steal()">Texte</p>{script}<a href="javascript:alert(1)">lien</a>',
        address=f"{script} 3 rue Haute",
        envoyer="1",
        confirm_new="on",
    )
    project = Project.objects.get(title__startswith="Jardin")
    stored = json.dumps(Contribution.objects.get().fields) + project.title + project.description
    assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored
    assert project.title.startswith("Jardin") and "Texte" in project.description
    assert "<script" not in project.address

    long_title = _post(author, title="x" * 301, apercu="1")
    assert long_title.status_code == 400 and "au plus 300" in long_title.content.decode()
    bad_year = _post(author, start_year="²⁰²¹", apercu="1")
    assert bad_year.status_code == 400
    assert Project.objects.filter(title__startswith="Jardin").count() == 1


def test_an_unknown_or_ambiguous_commune_is_explained_and_nothing_is_lost(make_user: Any) -> None:
    author = signed_in(make_user("contributor"))
    unknown = _post(author, commune="Zzyzx-sur-Mer", apercu="1")
    page = unknown.content.decode()
    assert unknown.status_code == 400 and "Commune inconnue : « Zzyzx-sur-Mer »" in page
    assert 'value="Recyclerie des Gratte-Ciel"' in page  # what was typed is kept
    ambiguous = _post(author, commune="Saint-Denis", apercu="1").content.decode()
    assert "Plusieurs communes portent ce nom" in ambiguous and "Saint-Denis (93)" in ambiguous
    precise = _post(author, commune="Saint-Denis (974)", apercu="1").content.decode()
    assert "Saint-Denis (97411)" in precise
    by_postcode = _post(author, commune="69100", apercu="1").content.decode()
    assert "Villeurbanne (69266)" in by_postcode
    empty = _post(author, commune="", apercu="1").content.decode()
    assert "Indiquez la commune du projet" in empty
    assert not Contribution.objects.exists()


def test_a_map_click_is_resolved_to_its_commune_on_the_server(make_user: Any) -> None:
    author = signed_in(make_user("contributor"))
    located = json.loads(author.get("/projets/proposer/commune?lat=45.7667&lon=4.8800").content)
    assert located == {"code": "69266", "label": "Villeurbanne (69)"}
    at_sea = author.get("/projets/proposer/commune?lat=45.0&lon=-20.0")
    assert at_sea.status_code == 404 and "Aucune commune" in json.loads(at_sea.content)["error"]
    assert author.get("/projets/proposer/commune?lat=abc").status_code == 404
    # Without the picker's script: only the clicked point comes (no commune typed).
    preview = _post(author, commune="", latitude="45.7667", longitude="4.8800", apercu="1").content.decode()
    assert "Villeurbanne (69266)" in preview


def test_the_contributions_source_is_never_harvested() -> None:
    source = contributions_source()
    assert source.licence == "Licence Ouverte / Etalab 2.0" and not source.enabled
    assert source not in source_list_due()
    with pytest.raises(CommandError, match="not harvested from the web: contributions"):
        call_command("harvest", "contributions")


def test_the_same_text_in_several_proposed_projects_is_held(make_user: Any) -> None:
    client = signed_in(make_user("contributor"))
    summary = "Venez nombreux découvrir notre offre exceptionnelle de services à domicile pas chers."
    for number in range(3):
        sent = _post(client, title=f"Service numéro {number}", summary=summary, envoyer="1", confirm_new="on")
        assert sent.status_code == 302
    # Waiting proposals have no project yet: each still counts as another project.
    held = list(Contribution.objects.order_by("pk").values_list("hold_reasons", flat=True))
    assert held == [[], [], ["même texte proposé sur 2 autres projets"]]
