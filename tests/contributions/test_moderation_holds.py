"""Edits held for review (quota, banned words, repeated text), told to their author; the hourly ceiling."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carrefour.accounts.services import user_contribution_accepted
from carrefour.contributions.models import Contribution
from carrefour.contributions.screening import user_daily_quota
from carrefour.projects.models import Project
from tests.accounts.conftest import signed_in
from tests.search.factories import project_create

pytestmark = pytest.mark.django_db


def _propose(client: Client, project: Project, **values: Any) -> Any:
    data = {"title": project.title, "status": project.status, "reason": "Site du porteur", "envoyer": "1"}
    data.update(values)
    return client.post(f"/projets/{project.pk}/proposer", data, follow=True)


def _earlier(author: Any, project: Project, count: int) -> None:
    """Contributions the author made in the last hours."""
    for i in range(count):
        Contribution.objects.create(
            project=project,
            author=author,
            fields={"summary": ["", f"Résumé n° {i}"]},
            reason="r",
            created_at=timezone.now() - timedelta(hours=3),
        )


def test_the_daily_quota_grows_with_account_age_and_accepted_contributions(
    make_user: Any, settings: Any
) -> None:
    settings.CONTRIBUTION_QUOTA = {"day": 10, "per_week": 2, "per_accepted": 3}
    user = make_user("contributor")
    assert user_daily_quota(user) == 10
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    assert user_daily_quota(user) == 10 + 2 * 4
    user_contribution_accepted(user)
    assert user_daily_quota(user) == 10 + 2 * 4 + 3
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=3650))
    user.refresh_from_db()
    assert user_daily_quota(user) == 10 + 2 * 52 + 3  # age counts for a year at most


def test_over_quota_a_trusted_author_s_edit_is_held_not_lost_and_they_are_told_why(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.CONTRIBUTION_QUOTA = {"day": 3, "per_week": 1, "per_accepted": 1}
    author = make_user("trusted_granted")
    project = world["own_project"]
    _earlier(author, world["other_project"], 3)
    page = _propose(signed_in(author), project, title="Jardin des Lilas").content.decode()
    assert "Votre modification est retenue pour relecture : plus de 3 contributions en 24 heures" in page
    contribution = Contribution.objects.get(project=project)
    project.refresh_from_db()
    assert contribution.status == "pending" and project.title == "Projet own"  # held, kept
    assert contribution.fields == {"title": ["Projet own", "Jardin des Lilas"]}
    mine = signed_in(author).get("/compte/contributions").content.decode()
    assert "Retenue pour relecture : plus de 3 contributions en 24 heures" in mine
    queue = signed_in(make_user("moderator")).get("/moderation").content.decode()
    section = queue.split(f'id="contribution-{contribution.pk}"')[1].split("</section>")[0]
    assert "retenue : plus de 3 contributions en 24 heures" in section


def test_staff_have_no_quota(make_user: Any, world: dict[str, Any], settings: Any) -> None:
    settings.CONTRIBUTION_QUOTA = {"day": 1, "per_week": 1, "per_accepted": 1}
    moderator = make_user("moderator")
    _earlier(moderator, world["other_project"], 5)
    page = _propose(signed_in(moderator), world["own_project"], title="Jardin des Lilas").content.decode()
    assert "est en ligne" in page


def test_banned_words_hold_an_edit_whatever_their_accents_and_case(
    make_user: Any, world: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    words = tmp_path / "mots.txt"
    words.write_text("# liste de test\nenculé\ncasino en ligne\n", encoding="utf-8")
    settings.CONTRIBUTION_BANNED_WORDS = words
    author = make_user("trusted_granted")
    project = world["own_project"]
    page = _propose(
        signed_in(author), project, summary="Le meilleur CASINO en-ligne ! Espèce d'ENCULE…"
    ).content.decode()
    assert "retenue pour relecture : mots interdits (casino en ligne, encule)" in page
    assert Contribution.objects.get().status == "pending"
    # Whole words only: "casino" alone is not on the list, "enculées" is not "enculé".
    _propose(signed_in(author), project, summary="Ancien casino, lieu de culture ; les enculées.")
    assert Contribution.objects.order_by("pk").last().status == "published"  # type: ignore[union-attr]


def test_the_shipped_banned_words_file_is_read_by_default(make_user: Any, world: dict[str, Any]) -> None:
    page = _propose(
        signed_in(make_user("contributor")), world["own_project"], summary="Viagra pas cher"
    ).content
    assert "mots interdits (viagra)" in page.decode()


def test_repeated_text_is_held_inside_a_field_and_across_projects(
    make_user: Any, world: dict[str, Any]
) -> None:
    author = make_user("trusted_granted")
    client = signed_in(author)
    spam = "Achetez nos panneaux solaires au meilleur prix de la région"
    page = _propose(client, world["own_project"], summary=f"{spam}. {spam}. {spam}.").content.decode()
    assert "retenue pour relecture : texte répété à l&#x27;intérieur d&#x27;un champ" in page
    words = _propose(client, world["other_project"], summary="super " * 6).content.decode()
    assert "texte répété à l&#x27;intérieur d&#x27;un champ" in words
    projects = [project_create(f"Projet {i}") for i in range(3)]
    statuses = []
    for project in projects:
        _propose(client, project, summary=f"{spam} !")
        statuses.append(Contribution.objects.get(project=project).status)
    assert statuses == ["published", "published", "pending"]
    held = Contribution.objects.get(project=projects[2])
    assert held.hold_reasons == ["même texte proposé sur 2 autres projets"]
    # A short text (a name) may be the same on many projects.
    for project in projects:
        _propose(client, project, organization="Mairie de Lille")
    assert Contribution.objects.filter(fields__has_key="organization", status="pending").count() == 0


@pytest.mark.parametrize("role", ["contributor", "trusted_granted", "moderator"])
def test_an_hourly_ceiling_per_account_refuses_proposals_with_a_clear_message(
    role: str, make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contribution": "3/h"}
    client = signed_in(make_user(role))
    project = world["own_project"]
    url = f"/projets/{project.pk}/proposer"
    codes = [
        client.post(url, {"title": f"Titre {i}", "reason": "r", "envoyer": "1"}).status_code for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    refused = client.post(url, {"title": "Encore", "reason": "r", "envoyer": "1"})
    assert "plafond de propositions par heure de votre compte (3/h)" in refused.content.decode()
    assert Contribution.objects.count() == 3
    # Per account, not per IP: another account from the same address still proposes.
    other = signed_in(make_user("trusted_earned"))
    assert other.post(url, {"title": "Autre", "reason": "r", "envoyer": "1"}).status_code == 302


@pytest.mark.parametrize("page", ["porteur", "doublon", "distincts"])
def test_reports_and_claims_share_the_hourly_ceiling(
    page: str, make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contribution": "3/h"}
    client = signed_in(make_user("contributor"))
    url = f"/projets/{world['own_project'].pk}/{page}"
    codes = [client.post(url, {"message": "m", "reason": "r", "other": "x"}).status_code for _ in range(4)]
    assert 429 not in codes[:3] and codes[3] == 429
