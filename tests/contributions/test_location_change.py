"""A project's place changed by a contribution: one override of the location group, kept by re-harvests."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from carrefour.contributions.models import Contribution
from carrefour.orchestration.contributed import contributed_project_publish
from carrefour.orchestration.edits import override_conflict_take_upstream_indexed
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import project_change_revert
from carrefour.search.services import index_rebuild
from carrefour.territories.services import LoadReport
from tests.accounts.conftest import signed_in

pytestmark = pytest.mark.django_db
PAYLOAD = {"title": "Recyclerie des Gratte-Ciel", "commune_code": "69266", "commune": "Villeurbanne"}


@pytest.fixture(autouse=True)
def _places(territories_loaded: LoadReport) -> None:
    """The real communes."""
    index_rebuild()


def _harvested(payload: dict[str, Any]) -> Project:
    """A project built by the pipeline from one record (re-run with another payload: a re-harvest)."""
    return contributed_project_publish("fiche-1", payload, AnonymousUser().pk, "fiche de test")


def _propose(client: Client, project: Project, **values: Any) -> Any:
    # What the form sends untouched: the project's current values.
    data = {
        "title": project.title,
        "status": project.status,
        "themes": project.themes,
        "publics": project.publics,
        "actor_type": project.actor_type,
        "reason": "Le local a déménagé.",
    }
    return client.post(f"/projets/{project.pk}/proposer", {**data, **values})


def test_a_new_place_is_previewed_accepted_and_its_territory_derived(make_user: Any) -> None:
    project = _harvested(PAYLOAD)
    author, moderator = signed_in(make_user("contributor")), signed_in(make_user("moderator"))
    form = author.get(f"/projets/{project.pk}/proposer").content.decode()
    assert 'value="Villeurbanne (69)"' in form and 'id="carte-commune"' in form
    preview = _propose(author, project, commune="Brest", address="2 rue de Siam").content.decode()
    assert (
        "<del>Villeurbanne (69266)</del>" in preview and "<ins>2 rue de Siam, Brest (29019)</ins>" in preview
    )
    _propose(author, project, commune="Brest", address="2 rue de Siam", envoyer="1")
    contribution = Contribution.objects.get()
    moderator.post("/moderation/decider", {"ids": [contribution.pk], "decision": "accept"})

    project.refresh_from_db()
    assert (project.commune_code, project.departement_code, project.region_code) == ("29019", "29", "53")
    assert project.address == "2 rue de Siam" and project.precision == "adresse"
    override = FieldOverride.objects.get(project=project)
    assert override.field == "location" and override.upstream["commune_code"] == "69266"
    change = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CONTRIBUTION)
    assert change.fields["location"][1]["commune_name"] == "Brest"
    history = Client().get(f"/projets/{project.pk}-{project.slug}/historique").content.decode()
    assert "Localisation" in history and "Brest" in history


def test_the_place_is_left_alone_when_the_commune_is_not_touched(
    make_user: Any, world: dict[str, Any]
) -> None:
    author = signed_in(make_user("contributor"))
    project = _harvested(PAYLOAD)
    label = "Villeurbanne (69)"
    _propose(author, project, title="Recyclerie", commune=label, commune_code="69266", envoyer="1")
    assert Contribution.objects.get().fields == {"title": ["Recyclerie des Gratte-Ciel", "Recyclerie"]}
    unplaced = world["own_project"]  # placed nowhere: the commune may stay empty
    assert _propose(author, unplaced, title="Projet own 2", commune="", envoyer="1").status_code == 302


def test_the_override_survives_a_re_harvest_and_a_source_change_shows_as_a_conflict(make_user: Any) -> None:
    project = _harvested(PAYLOAD)
    author = signed_in(make_user("trusted_granted"))
    _propose(author, project, commune="Brest", envoyer="1")
    project.refresh_from_db()
    assert project.commune_code == "29019"

    _harvested({**PAYLOAD, "summary": "Collecte et réparation."})  # the source changes another field
    project.refresh_from_db()
    assert project.commune_code == "29019" and project.summary == "Collecte et réparation."
    assert not FieldOverride.objects.get(project=project).conflict

    _harvested({**PAYLOAD, "commune_code": "69123", "commune": "Lyon"})  # the source moves it
    project.refresh_from_db()
    override = FieldOverride.objects.get(project=project)
    assert project.commune_code == "29019"  # the correction still wins…
    assert override.conflict and override.upstream_now["commune_code"] == "69123"  # …and is questioned
    queue = signed_in(make_user("moderator")).get("/moderation").content.decode()
    assert f'id="conflit-{override.pk}"' in queue
    override_conflict_take_upstream_indexed(override, None)
    project.refresh_from_db()
    assert (project.commune_code, project.departement_code) == ("69123", "69")
    assert not FieldOverride.objects.filter(project=project).exists()


def test_a_place_change_can_be_reverted(make_user: Any) -> None:
    project = _harvested(PAYLOAD)
    _propose(signed_in(make_user("trusted_granted")), project, commune="Brest", envoyer="1")
    change = ProjectChange.objects.get(project=project, kind=ProjectChange.Kind.CONTRIBUTION)
    project_change_revert(change, make_user("moderator"), "erreur")
    project.refresh_from_db()
    assert project.commune_code == "69266" and not FieldOverride.objects.filter(project=project).exists()
