"""Duplicate reports and project claims against every role of ROLES, checked server-side."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import ProjectClaim
from carrefour.contributions.models import Contribution
from tests.accounts.conftest import ROLES, account_create, signed_in
from tests.contributions.test_roles import MODERATORS, PROPOSERS, _expected

pytestmark = pytest.mark.django_db
# Written out apart from the matrix: who may confirm a claim on the "own" project (the partner publishing
# it, and the staff), and on the "other" one (the staff only).
CONFIRM_ON_OWN = MODERATORS | {"org_member", "org_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_reporting_duplicates_follows_the_matrix(role: str, make_user: Any, world: dict[str, Any]) -> None:
    client = signed_in(make_user(role))
    own, other = world["own_project"], world["other_project"]
    _expected(role, PROPOSERS, client.get(f"/projets/{own.pk}/doublon"))
    _expected(
        role, PROPOSERS, client.post(f"/projets/{own.pk}/doublon", {"other": other.pk, "reason": "Idem"})
    )
    _expected(role, PROPOSERS, client.get(f"/projets/{own.pk}/distincts"))
    reports = Contribution.objects.filter(kind=Contribution.Kind.DUPLICATE)
    assert reports.exists() is (role in PROPOSERS)
    page = client.get(f"/projets/{own.pk}-{own.slug}").content.decode()
    # Everyone sees the links; a visitor following one is asked to log in (above).
    assert 'id="doublon"' in page and 'id="porteur"' in page


@pytest.mark.parametrize("role", ROLES)
def test_claiming_follows_the_matrix(role: str, make_user: Any, world: dict[str, Any]) -> None:
    client = signed_in(make_user(role))
    other = world["other_project"]
    _expected(role, PROPOSERS, client.get(f"/projets/{other.pk}/porteur"))
    _expected(role, PROPOSERS, client.post(f"/projets/{other.pk}/porteur", {"message": "Je coordonne"}))
    assert ProjectClaim.objects.filter(project=other).exists() is (role in PROPOSERS)


@pytest.mark.parametrize("role", ROLES)
def test_confirming_a_claim_follows_the_matrix(role: str, make_user: Any, world: dict[str, Any]) -> None:
    client = signed_in(make_user(role))
    claimant = account_create("porteuse@example.org")
    for side, allowed in (("own", CONFIRM_ON_OWN), ("other", MODERATORS)):
        claim = ProjectClaim.objects.create(project=world[f"{side}_project"], user=claimant, message="m")
        _expected(role, allowed, client.post(f"/compte/porteur/{claim.pk}/confirmer"))
        claim.refresh_from_db()
        assert (claim.status == "confirmed") is (role in allowed), side
        if claim.status == "confirmed":
            _expected(
                role, MODERATORS, client.post(f"/compte/porteur/{claim.pk}/retirer", {"reason": "Erreur"})
            )
            claim.refresh_from_db()
            assert (claim.status == "revoked") is (role in MODERATORS)


@pytest.mark.parametrize("role", ROLES)
def test_only_its_author_gives_a_claim_up(role: str, make_user: Any, world: dict[str, Any]) -> None:
    user = make_user(role)
    claim = ProjectClaim.objects.create(
        project=world["other_project"], user=account_create("porteuse@example.org"), message="m"
    )
    response = signed_in(user).post(f"/compte/porteur/{claim.pk}/abandonner")
    if role == "visitor":
        assert response.status_code == 302 and "/compte/login" in response["Location"]
    else:
        assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == "pending"
    page = signed_in(user).get("/compte/porteur")
    assert page.status_code == (302 if role == "visitor" else 200)
