"""The public list of recent contributions: readable by all, filtered, paginated, blocked accounts hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from carrefour.accounts.services import user_block
from carrefour.contributions.models import Contribution
from carrefour.projects.models import Project
from tests.accounts.conftest import ROLES

pytestmark = pytest.mark.django_db


def _ids(page: str) -> list[int]:
    return [int(part.split('"')[0]) for part in page.split('<tr id="contribution-')[1:]]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_list_which_shows_what_was_proposed_and_decided(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    reader = make_user(role)
    author = make_user("contributor") if role != "contributor" else reader
    author.first_name, author.last_name = "Camille", "Martin"
    author.save()
    project = world["own_project"]
    accepted = Contribution.objects.create(
        project=project,
        author=author,
        fields={"title": ["Projet own", "Jardin"], "summary": ["", "Un jardin."]},
        reason="r",
        status="accepted",
        decided_at=timezone.now(),
    )
    pending = Contribution.objects.create(
        project=world["other_project"],
        author=author,
        fields={"summary": ["", "Achetez nos panneaux solaires"]},
        reason="r",
    )
    suggestion = Contribution.objects.create(
        kind="suggestion",
        project=project,
        subject="website",
        reason="Le site a changé",
        contact_email="a@b.fr",
    )
    client = Client()
    if reader.is_authenticated:
        client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/contributions")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Dernières contributions</h1>" in page
    assert _ids(page) == [suggestion.pk, pending.pk, accepted.pk]  # newest first
    row = page.split(f'id="contribution-{accepted.pk}"')[1].split("</tr>")[0]
    assert "Projet own" in row and "Titre, Résumé" in row and "Camille Martin" in row and "Acceptée" in row
    assert "panneaux solaires" not in page  # a proposal not reviewed is not published here
    assert "Suggestion : site web" in page and "visiteur anonyme" in page and "a@b.fr" not in page
    assert _ids(client.get("/contributions?statut=pending").content.decode()) == [suggestion.pk, pending.pk]
    assert _ids(client.get("/contributions?statut=accepted").content.decode()) == [accepted.pk]
    assert len(_ids(client.get("/contributions?statut=<b>").content.decode())) == 3  # unknown: all


def test_a_blocked_account_s_contributions_are_hidden_until_the_block_ends(
    make_user: Any, world: dict[str, Any]
) -> None:
    spammer, other = make_user("contributor"), make_user("trusted_granted")
    project = world["own_project"]
    hidden = Contribution.objects.create(project=project, author=spammer, fields={}, reason="r")
    shown = Contribution.objects.create(project=project, author=other, fields={}, reason="r")
    block = user_block(spammer, reason="Publicité", until=timezone.now() + timedelta(days=3))
    assert _ids(Client().get("/contributions").content.decode()) == [shown.pk]
    block.until = timezone.now() - timedelta(minutes=1)
    block.save()
    assert _ids(Client().get("/contributions").content.decode()) == [shown.pk, hidden.pk]
    Project.objects.filter(pk=project.pk).update(is_published=False)
    assert _ids(Client().get("/contributions").content.decode()) == []  # nor those of unpublished projects


def test_the_list_is_paginated(make_user: Any, world: dict[str, Any]) -> None:
    author = make_user("contributor")
    start = timezone.now() - timedelta(days=1)
    Contribution.objects.bulk_create(
        Contribution(
            project=world["own_project"],
            author=author,
            fields={},
            reason="r",
            created_at=start + timedelta(minutes=i),
        )
        for i in range(120)
    )
    first = Client().get("/contributions").content.decode()
    assert "120 contributions" in first and "Page 1 sur 3" in first and len(_ids(first)) == 50
    last = Client().get("/contributions?page=3").content.decode()
    assert len(_ids(last)) == 20 and set(_ids(first)).isdisjoint(_ids(last))
    assert "Page 3 sur 3" in Client().get("/contributions?page=999").content.decode()
