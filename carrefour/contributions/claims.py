"""Project holders: claiming a project, its confirmation by a moderator or the partner publishing it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carrefour.accounts.memo import memo_forget
from carrefour.accounts.models import OrganisationSource, ProjectClaim
from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.selectors import user_organisation_ids
from carrefour.contributions.services import notification_send
from carrefour.normalize.text import text_clean
from carrefour.projects.models import Project, ProjectSource

Status = ProjectClaim.Status
OPEN = (Status.PENDING, Status.CONFIRMED)


def _text(text: str, *, required: str) -> str:
    """A message or reason as stored (cleaned, limited); ValueError with `required` when empty."""
    cleaned = text_clean(text or "", max_length=2000, multiline=True)
    if not cleaned:
        raise ValueError(required)
    return cleaned


def claim_send(project: Project, user: Any, message: str) -> ProjectClaim:
    """Ask to be recognised as the project's holder, with one's role and how to check it.

    Raises ValueError (French message) without a message, or when a claim is already pending or confirmed.
    """
    if not user_can(user, Action.CLAIM_PROJECT, project):
        raise PermissionError("revendiquer un projet n'est pas permis à ce compte")
    message = _text(message, required="Indiquez votre rôle dans le projet et comment le vérifier.")
    with transaction.atomic():
        existing = ProjectClaim.objects.select_for_update().filter(
            project=project, user=user, status__in=OPEN
        )
        if existing.filter(status=Status.CONFIRMED).exists():
            raise ValueError("Vous êtes déjà reconnu porteur de ce projet.")
        if existing.exists():
            raise ValueError("Votre demande attend déjà une confirmation.")
        return ProjectClaim.objects.create(project=project, user=user, message=message)


def _decide(
    claim: ProjectClaim, actor: Any, allowed: tuple[str, ...], status: str, reason: str
) -> ProjectClaim:
    """Move a claim from one of `allowed` to `status`, recording who and why; ValueError when it cannot."""
    claim = ProjectClaim.objects.select_for_update().select_related("project", "user").get(pk=claim.pk)
    if claim.status not in allowed:
        raise ValueError("Cette demande a déjà été traitée.")
    claim.status, claim.decided_by, claim.decision_reason = status, actor, reason
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decision_reason", "decided_at"])
    return claim


def _check(actor: Any, action: Action, claim: ProjectClaim) -> None:
    """PermissionError unless the actor may take this decision on the claim's project."""
    if not user_can(actor, action, claim.project):
        raise PermissionError("cette décision n'est pas permise à ce compte")
    # A partner member may not confirm their own claim: another member or a moderator must.
    if action == Action.CONFIRM_CLAIM and actor.pk == claim.user_id and not user_can(actor, Action.MODERATE):
        raise PermissionError("votre propre demande doit être confirmée par quelqu'un d'autre")


@transaction.atomic
def claim_confirm(claim: ProjectClaim, actor: Any, reason: str = "") -> None:
    """Confirm a pending claim: its author edits the project directly from now on, and is told so."""
    _check(actor, Action.CONFIRM_CLAIM, claim)
    reason = text_clean(reason or "", max_length=2000, multiline=True)
    claim = _decide(claim, actor, (Status.PENDING,), Status.CONFIRMED, reason)
    message = (
        f"Vous êtes reconnu porteur du projet « {claim.project.title} » : vos modifications de ce projet "
        "sont publiées sans attendre la modération."
    )
    notification_send(None, message + (f" Message : {reason}" if reason else ""), user=claim.user)


@transaction.atomic
def claim_refuse(claim: ProjectClaim, actor: Any, reason: str) -> None:
    """Refuse a pending claim with a reason its author receives."""
    _check(actor, Action.CONFIRM_CLAIM, claim)
    reason = _text(reason, required="Indiquez le motif du refus : il est envoyé à l'auteur de la demande.")
    claim = _decide(claim, actor, (Status.PENDING,), Status.REFUSED, reason)
    message = f"Votre demande de porteur du projet « {claim.project.title} » a été refusée. Motif : {reason}"
    notification_send(None, message, user=claim.user)


@transaction.atomic
def claim_withdraw(claim: ProjectClaim, user: Any) -> None:
    """The holder (or the author of a pending claim) gives it up."""
    if claim.user_id != getattr(user, "pk", None):
        raise PermissionError("seul l'auteur d'une demande peut l'abandonner")
    claim = _decide(claim, user, OPEN, Status.WITHDRAWN, "")
    notification_send(None, f"Vous n'êtes plus porteur du projet « {claim.project.title} ».", user=claim.user)


@transaction.atomic
def claim_revoke(claim: ProjectClaim, actor: Any, reason: str) -> None:
    """A moderator takes back a confirmed claim, with a reason its holder receives."""
    _check(actor, Action.MODERATE, claim)
    reason = _text(reason, required="Indiquez le motif du retrait : il est envoyé au porteur.")
    claim = _decide(claim, actor, (Status.CONFIRMED,), Status.REVOKED, reason)
    title = claim.project.title
    message = f"La modération vous a retiré le rôle de porteur du projet « {title} ». Motif : {reason}"
    notification_send(None, message, user=claim.user)


def claims_to_decide(user: Any) -> QuerySet[ProjectClaim]:
    """Pending claims the account may confirm: all for moderators, its organisation's projects for members."""
    claims = ProjectClaim.objects.filter(status=Status.PENDING).select_related("project", "user")
    if user_can(user, Action.MODERATE):
        return claims
    sources = OrganisationSource.objects.filter(organisation_id__in=user_organisation_ids(user)).values(
        "source_id"
    )
    projects = ProjectSource.objects.filter(source_id__in=sources, gone=False).values("project_id")
    return claims.filter(project_id__in=projects)


def claims_confirmed() -> QuerySet[ProjectClaim]:
    """Confirmed claims, newest first (moderators may revoke them)."""
    return (
        ProjectClaim.objects.filter(status=Status.CONFIRMED)
        .select_related("project", "user")
        .order_by("-decided_at")
    )


def user_claims(user: Any) -> QuerySet[ProjectClaim]:
    """An account's claims, newest first."""
    return ProjectClaim.objects.filter(user=user).select_related("project").order_by("-created_at", "-id")


def claims_follow_merge(sender: Any, takers: dict[int, int], **kwargs: Any) -> None:
    """Open claims of projects a merge emptied move to the merged project (unless already claimed there)."""
    moved = 0
    for gone, keep in takers.items():
        open_claims = ProjectClaim.objects.filter(status__in=OPEN)
        kept_users = open_claims.filter(project_id=keep).values("user_id")
        moved += open_claims.filter(project_id=gone).exclude(user_id__in=kept_users).update(project_id=keep)
    if moved:
        memo_forget()  # a bulk update sends no signal: the holders' memoised projects are stale
