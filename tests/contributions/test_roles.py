"""Every contribution and moderation page against every role of ROLES, checked server-side."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.contributions.models import Contribution
from tests.accounts.conftest import ROLES, signed_in

pytestmark = pytest.mark.django_db
# Written out apart from the matrix (carrefour/accounts/roles.py) so that a change there shows here.
PROPOSERS = {
    "contributor",
    "trusted_granted",
    "trusted_earned",
    "moderator",
    "administrator",
    "superuser",
    "org_member",
    "org_admin",
    "block_expired",
    "holder",
}
# Publish without review on the "own" project (org members publish only their organisation's projects,
# holders only the project they hold).
LIVE_AT_ONCE = {
    "trusted_granted",
    "trusted_earned",
    "moderator",
    "administrator",
    "superuser",
    "org_member",
    "org_admin",
    "holder",
}
MODERATORS = {"moderator", "administrator", "superuser"}


def _expected(role: str, allowed: set[str], response: Any) -> None:
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/compte/login" not in response["Location"]
    elif role == "visitor":
        assert response.status_code == 302 and "/compte/login" in response["Location"]
    else:
        assert response.status_code == 403
        if role.startswith("blocked"):
            assert "Messages publicitaires répétés" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_proposing_a_change_follows_the_matrix(role: str, make_user: Any, world: dict[str, Any]) -> None:
    user = make_user(role)
    project = world["own_project"]
    client = signed_in(user)
    _expected(role, PROPOSERS, client.get(f"/projets/{project.pk}/proposer"))
    data = {"title": "Projet own, nouveau nom", "reason": "Site du porteur", "envoyer": "1"}
    _expected(role, PROPOSERS, client.post(f"/projets/{project.pk}/proposer", data))
    project.refresh_from_db()
    if role in PROPOSERS:
        contribution = Contribution.objects.get()
        live = role in LIVE_AT_ONCE
        assert contribution.status == ("published" if live else "pending")
        assert (project.title == "Projet own, nouveau nom") is live
    else:
        assert not Contribution.objects.exists() and project.title == "Projet own"


@pytest.mark.parametrize("role", ROLES)
def test_org_members_wait_for_moderation_on_other_organisations_projects(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    user = make_user(role)
    project = world["other_project"]
    data = {"title": "Projet other, nouveau nom", "reason": "Site du porteur", "envoyer": "1"}
    signed_in(user).post(f"/projets/{project.pk}/proposer", data)
    contribution = Contribution.objects.first()
    if role in PROPOSERS:
        assert contribution is not None
        live = role in LIVE_AT_ONCE - {"org_member", "org_admin", "holder"}
        assert contribution.status == ("published" if live else "pending")
    else:
        assert contribution is None


@pytest.mark.parametrize("role", ROLES)
def test_the_moderation_queue_and_decisions_follow_the_matrix(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    user = make_user(role)
    author = user if role == "contributor" else make_user("contributor")
    contribution = Contribution.objects.create(
        project=world["own_project"], author=author, fields={"title": ["Projet own", "Nouveau"]}, reason="r"
    )
    client = signed_in(user)
    _expected(role, MODERATORS, client.get("/moderation"))
    response = client.post("/moderation/decider", {"ids": [contribution.pk], "decision": "accept"})
    _expected(role, MODERATORS, response)
    contribution.refresh_from_db()
    assert (contribution.status == "accepted") is (role in MODERATORS)
    # No such conflict: moderators are told so, the others are refused before the lookup.
    response = client.post("/moderation/conflits/999/garder")
    _expected(role, MODERATORS, response) if role not in MODERATORS else None
    assert response.status_code != 404 or role in MODERATORS


@pytest.mark.parametrize("role", ROLES)
def test_an_author_s_pages_need_an_account(role: str, make_user: Any) -> None:
    client = signed_in(make_user(role))
    for url in ("/compte/contributions", "/compte/notifications"):
        response = client.get(url)
        if role == "visitor":
            assert response.status_code == 302 and "/compte/login" in response["Location"]
        else:
            assert response.status_code == 200
