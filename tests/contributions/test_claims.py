"""Claiming a project: confirmation by the partner or a moderator, direct edits, "porteur du projet",
refusal, withdrawal and revocation, each decision told to the claimant."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from carrefour.accounts.models import ProjectClaim
from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.services import user_block
from carrefour.contributions.claims import (
    claim_confirm,
    claim_refuse,
    claim_revoke,
    claim_send,
    claim_withdraw,
)
from carrefour.contributions.models import Contribution
from tests.accounts.conftest import signed_in
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _propose(client: Client, project: Any, title: str) -> None:
    data = {"title": title, "status": project.status, "reason": "Notre site", "envoyer": "1"}
    assert client.post(f"/projets/{project.pk}/proposer", data).status_code == 302


def test_a_claim_confirmed_by_the_partner_lets_its_holder_edit_directly_and_shows_them(
    make_user: Any, world: dict[str, Any], mailbox: Mailbox
) -> None:
    project, other = world["own_project"], world["other_project"]
    claimant = make_user("contributor")
    claimant.first_name, claimant.last_name = "Awa", "Diallo"
    claimant.save()
    holder = signed_in(claimant)
    form = holder.get(f"/projets/{project.pk}/porteur")
    assert "Votre rôle dans le projet" in _text(form)
    sent = holder.post(f"/projets/{project.pk}/porteur", {"message": "Coordinatrice, joignable via le site"})
    assert "Merci ! Votre demande sera confirmée" in _text(holder.get(sent["Location"]))
    # The partner publishing the project sees the claim, with how to check it, and confirms it.
    partner = signed_in(make_user("org_member"))
    assert 'href="/compte/porteur"' in _text(partner.get("/compte/"))
    pending = _text(partner.get("/compte/porteur"))
    assert "Demandes à confirmer (1)" in pending and "Coordinatrice, joignable via le site" in pending
    assert "Demandes à confirmer (1)" in _text(signed_in(make_user("org_admin")).get("/compte/porteur"))
    claim = ProjectClaim.objects.get()
    partner.post(f"/compte/porteur/{claim.pk}/confirmer", {"reason": "Bienvenue"})
    claim.refresh_from_db()
    assert claim.status == "confirmed"
    tasks_run()
    assert "Vous êtes reconnu porteur du projet « Projet own »" in mailbox.last_body(
        "contributor@example.org"
    )
    assert "Message : Bienvenue" in mailbox.last_body("contributor@example.org")
    page = _text(holder.get(f"/projets/{project.pk}-{project.slug}"))
    assert "porteur du projet" in page and "Awa Diallo" in page and "contributor@example.org" not in page
    # Their changes to this project are live at once and still reviewable; elsewhere they wait.
    _propose(holder, project, "Jardin des Lilas (porté par l'association)")
    project.refresh_from_db()
    assert project.title == "Jardin des Lilas (porté par l'association)"
    assert Contribution.objects.get(project=project).status == "published"
    _propose(holder, other, "Autre nom")
    assert Contribution.objects.get(project=other).status == "pending"


def test_a_moderator_refuses_with_a_reason_the_claimant_receives(
    make_user: Any, world: dict[str, Any], mailbox: Mailbox
) -> None:
    claim = claim_send(world["other_project"], make_user("contributor"), "Président")
    moderator = signed_in(make_user("moderator"))
    assert "Président" in _text(moderator.get("/compte/porteur"))
    empty = moderator.post(f"/compte/porteur/{claim.pk}/refuser", {"reason": ""}, follow=True)
    assert "Indiquez le motif du refus" in _text(empty)
    claim.refresh_from_db()
    assert claim.status == "pending"
    moderator.post(f"/compte/porteur/{claim.pk}/refuser", {"reason": "Aucune trace de vous sur le site"})
    claim.refresh_from_db()
    assert claim.status == "refused"
    tasks_run()
    body = mailbox.last_body("contributor@example.org")
    assert "a été refusée. Motif : Aucune trace de vous sur le site" in body
    assert not user_can(claim.user, Action.PUBLISH_WITHOUT_REVIEW, claim.project)
    again = moderator.post(f"/compte/porteur/{claim.pk}/confirmer", follow=True)
    assert "Cette demande a déjà été traitée." in _text(again)


def test_claiming_twice_or_without_a_message_is_refused_clearly(
    make_user: Any, world: dict[str, Any]
) -> None:
    project = world["other_project"]
    client = signed_in(make_user("contributor"))
    empty = client.post(f"/projets/{project.pk}/porteur", {"message": "  "})
    assert empty.status_code == 400 and not ProjectClaim.objects.exists()
    client.post(f"/projets/{project.pk}/porteur", {"message": "Trésorier"})
    twice = client.post(f"/projets/{project.pk}/porteur", {"message": "Trésorier"})
    assert twice.status_code == 400 and "Votre demande attend déjà une confirmation." in _text(twice)
    claim_confirm(ProjectClaim.objects.get(), make_user("moderator"))
    held = client.post(f"/projets/{project.pk}/porteur", {"message": "Trésorier"})
    assert "Vous êtes déjà reconnu porteur de ce projet." in _text(held)
    assert ProjectClaim.objects.count() == 1


def test_html_in_a_claim_is_stripped(make_user: Any, world: dict[str, Any]) -> None:
    claim = claim_send(world["other_project"], make_user("contributor"), "<script>alert(1)</script>Trésorier")
    assert "<script>" not in claim.message and "Trésorier" in claim.message


def test_giving_up_or_being_revoked_ends_direct_edits(
    make_user: Any, world: dict[str, Any], mailbox: Mailbox
) -> None:
    project = world["other_project"]
    moderator = make_user("moderator")
    user = make_user("contributor")
    claim = claim_send(project, user, "Fondatrice")
    claim_confirm(claim, moderator)
    assert user_can(user, Action.PUBLISH_WITHOUT_REVIEW, project)
    signed_in(user).post(f"/compte/porteur/{claim.pk}/abandonner")
    claim.refresh_from_db()
    assert claim.status == "withdrawn" and not user_can(user, Action.PUBLISH_WITHOUT_REVIEW, project)
    second = claim_send(project, user, "Fondatrice, de retour")
    claim_confirm(second, moderator)
    with pytest.raises(ValueError, match="Indiquez le motif du retrait"):
        claim_revoke(second, moderator, "")
    claim_revoke(second, moderator, "Plus dans l'association")
    assert not user_can(user, Action.PUBLISH_WITHOUT_REVIEW, project)
    tasks_run()
    assert "Motif : Plus dans l'association" in mailbox.last_body("contributor@example.org")
    with pytest.raises(ValueError, match="déjà été traitée"):
        claim_withdraw(second, user)
    with pytest.raises(PermissionError):
        claim_refuse(claim_send(project, user, "Encore"), make_user("org_member"), "Pas le nôtre")


def test_a_blocked_holder_loses_direct_edits_and_is_no_longer_named(
    make_user: Any, world: dict[str, Any]
) -> None:
    holder = make_user("holder")
    project = world["own_project"]
    assert user_can(holder, Action.PUBLISH_WITHOUT_REVIEW, project)
    shown = _text(Client().get(f"/projets/{project.pk}", follow=True))
    assert "porteur du projet" in shown
    user_block(holder, reason="Vandalisme", until=None)
    assert not user_can(holder, Action.PUBLISH_WITHOUT_REVIEW, project)
    # No longer named on the project page either.
    assert "porteur du projet" not in _text(Client().get(f"/projets/{project.pk}", follow=True))


def test_a_partner_sees_only_claims_on_its_projects(make_user: Any, world: dict[str, Any]) -> None:
    claimant = make_user("contributor")
    claim_send(world["own_project"], claimant, "Sur le nôtre")
    claim_send(world["other_project"], claimant, "Sur l'autre")
    page = _text(signed_in(make_user("org_member")).get("/compte/porteur"))
    assert "Sur le nôtre" in page and "Sur l'autre" not in page
    plain = _text(signed_in(make_user("trusted_granted")).get("/compte/porteur"))
    assert "Demandes à confirmer" not in plain


def test_a_partner_member_does_not_confirm_their_own_claim_and_never_sees_addresses(
    make_user: Any, world: dict[str, Any]
) -> None:
    member, colleague = make_user("org_member"), make_user("org_admin")
    own = claim_send(world["own_project"], member, "Je coordonne le projet")
    refused = signed_in(member).post(f"/compte/porteur/{own.pk}/confirmer")
    assert refused.status_code == 403 and "confirmée par quelqu'un d'autre" in _text(refused)
    own.refresh_from_db()
    assert own.status == "pending"
    claimant = make_user("contributor")
    claim_send(world["own_project"], claimant, "Bénévole")
    page = _text(signed_in(colleague).get("/compte/porteur"))
    assert "Bénévole" in page and claimant.email not in page and member.email not in page
    assert signed_in(colleague).post(f"/compte/porteur/{own.pk}/confirmer").status_code == 302
    own.refresh_from_db()
    assert own.status == "confirmed"
