"""Proposing a change, deciding on it (accept, reject, in bulk), and telling its author."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.services import user_contribution_accepted
from carrefour.contributions.duplicates import DEDUP_KINDS, duplicate_apply
from carrefour.contributions.edits import contribution_edits_apply, edits_text
from carrefour.contributions.links import site_link
from carrefour.contributions.models import REASON_MAX, Contribution, Notification
from carrefour.contributions.new_project import proposal_publish, proposal_withdraw
from carrefour.contributions.screening import contribution_hold_reasons
from carrefour.contributions.selectors import contribution_stale_fields, contribution_title, fields_diff
from carrefour.normalize.text import text_clean
from carrefour.orchestration.edits import project_change_revert_indexed, project_fields_edit_indexed
from carrefour.orchestration.tasks import email_send
from carrefour.projects.models import Project, ProjectChange

Status = Contribution.Status


def _reason(text: str, *, required: str) -> str:
    """A reason as stored (cleaned, limited); ValueError with `required` when empty."""
    cleaned = text_clean(text or "", max_length=REASON_MAX, multiline=True)
    if not cleaned:
        raise ValueError(required)
    return cleaned


@transaction.atomic
def contribution_propose(project: Project, author: Any, values: dict[str, Any], reason: str) -> Contribution:
    """Record a proposed change (only the fields it changes); live at once when the author may publish
    and nothing holds it (quota, banned words, repeated text: the reasons are kept for the author).

    Raises ValueError (French message) when nothing changes, the reason is missing or a value is refused.
    """
    if not user_can(author, Action.PROPOSE_CHANGE, project):
        raise PermissionError("proposer une modification n'est pas permis à ce compte")
    reason = _reason(reason, required="Indiquez le motif ou la source de la modification.")
    fields = fields_diff(project, values)
    if not fields:
        raise ValueError("Aucun champ n'a été modifié.")
    held = contribution_hold_reasons(author, project, fields, reason)
    contribution = Contribution.objects.create(
        project=project, author=author, fields=fields, reason=reason, hold_reasons=held
    )
    if not held and user_can(author, Action.PUBLISH_WITHOUT_REVIEW, project):
        contribution.change = project_fields_edit_indexed(
            project, contribution_values(contribution), author, reason, ProjectChange.Kind.CONTRIBUTION
        )
        contribution.status = Status.PUBLISHED
        contribution.save(update_fields=["change", "status"])
    return contribution


def suggestion_send(
    project: Project, author: Any, subject: str, text: str, contact_email: str = ""
) -> Contribution:
    """Record a free-text suggestion (anyone may send one), for a moderator to apply by hand."""
    return Contribution.objects.create(
        kind=Contribution.Kind.SUGGESTION,
        project=project,
        author=author if getattr(author, "is_authenticated", False) else None,
        subject=subject,
        reason=text_clean(text, max_length=4000, multiline=True),
        contact_email=contact_email,
    )


def contribution_values(contribution: Contribution) -> dict[str, Any]:
    """The values a contribution proposes."""
    return {name: pair[1] for name, pair in contribution.fields.items()}


def _locked(contribution: Contribution) -> Contribution:
    """The contribution read again and locked: its row only (PostgreSQL cannot lock the nullable side of
    the join with the project, which a proposed new project does not have yet)."""
    return (
        Contribution.objects.select_for_update(of=("self",)).select_related("project").get(pk=contribution.pk)
    )


def _decided(contribution: Contribution, moderator: Any, status: str, reason: str) -> None:
    """Record the decision on the contribution."""
    contribution.status, contribution.moderator = status, moderator
    contribution.decision_reason, contribution.decided_at = reason, timezone.now()
    contribution.save(update_fields=["status", "moderator", "decision_reason", "decided_at", "change"])


@transaction.atomic
def contribution_accept(
    contribution: Contribution,
    moderator: Any,
    reason: str = "",
    force: bool = False,
    edits: dict[str, Any] | None = None,
) -> None:
    """Accept a contribution: a pending one is applied (refused when its fields changed since, unless forced).

    `edits` are the moderator's values replacing some proposed ones (edited before accepting): the author's
    other fields are applied in their name, the edited ones in the moderator's, and the author is told.
    Raises ValueError (French message) when it was already decided, is stale, or an edit is refused.
    """
    contribution = _locked(contribution)
    if contribution.status not in (Status.PENDING, Status.PUBLISHED):
        raise ValueError("Cette contribution a déjà été traitée.")
    reason = text_clean(reason or "", max_length=REASON_MAX, multiline=True)
    new_project = contribution.kind == Contribution.Kind.NEW_PROJECT
    if contribution.status == Status.PENDING and new_project:
        proposal_publish(contribution, f"{contribution.reason} (acceptée par la modération)")
    elif contribution.status == Status.PENDING and contribution.fields and contribution.project:
        # A field the moderator sets again is decided anew: its change since the proposal is seen.
        stale = [name for name in contribution_stale_fields(contribution) if name not in (edits or {})]
        if stale and not force:
            raise ValueError(
                "Le projet a changé depuis la proposition ("
                + ", ".join(stale)
                + ") : vérifiez avant d'appliquer."
            )
        values = contribution_values(contribution)
        kept = {name: value for name, value in values.items() if name not in (edits or {})}
        if kept:
            contribution.change = project_fields_edit_indexed(
                contribution.project,
                kept,
                contribution.author,
                f"{contribution.reason} (acceptée par la modération)",
                ProjectChange.Kind.CONTRIBUTION,
            )
    if edits:
        contribution_edits_apply(contribution, moderator, edits)
    if contribution.kind in DEDUP_KINDS:
        duplicate_apply(contribution, moderator)
    _decided(contribution, moderator, Status.ACCEPTED, reason)
    if contribution.author is not None:
        user_contribution_accepted(contribution.author)
    message = f"Votre contribution au projet « {contribution_title(contribution)} » a été acceptée."
    if contribution.moderator_fields:
        edited = edits_text(contribution.moderator_fields)
        message = message[:-1] + f" avec des modifications de la modération : {edited}"
    if new_project and contribution.project is not None:
        project = contribution.project
        message += f" Le projet est publié : {site_link(reverse('project', args=[project.pk, project.slug]))}"
    notification_send(contribution, message + (f" Message de la modération : {reason}" if reason else ""))


@transaction.atomic
def contribution_reject(contribution: Contribution, moderator: Any, reason: str) -> None:
    """Reject a contribution with a reason its author receives; one already live is reverted.

    Raises ValueError (French message) without a reason, or when it was already decided.
    """
    reason = _reason(reason, required="Indiquez le motif du refus : il est envoyé à l'auteur.")
    contribution = _locked(contribution)
    if contribution.status not in (Status.PENDING, Status.PUBLISHED):
        raise ValueError("Cette contribution a déjà été traitée.")
    if contribution.status == Status.PUBLISHED and contribution.kind == Contribution.Kind.NEW_PROJECT:
        proposal_withdraw(contribution)
    elif contribution.status == Status.PUBLISHED and contribution.change is not None:
        # ValueError: the project no longer has these values (changed since), nothing left to undo.
        with contextlib.suppress(ValueError):
            project_change_revert_indexed(contribution.change, moderator, reason)
    _decided(contribution, moderator, Status.REJECTED, reason)
    notification_send(
        contribution,
        f"Votre contribution au projet « {contribution_title(contribution)} » a été refusée. "
        f"Motif : {reason}",
    )


@dataclass
class BulkResult:
    """What a bulk decision did: how many were decided, and why the others were not."""

    done: int
    refused: list[str]


def contributions_decide(
    ids: list[int], moderator: Any, accept: bool, reason: str, force: bool = False
) -> BulkResult:
    """Accept or reject the selected contributions, each on its own; stale or decided ones are reported."""
    result = BulkResult(0, [])
    for contribution in Contribution.objects.filter(pk__in=ids).select_related("project"):
        try:
            if accept:
                contribution_accept(contribution, moderator, reason, force)
            else:
                contribution_reject(contribution, moderator, reason)
        except ValueError as error:
            result.refused.append(f"« {contribution_title(contribution)} » : {error}")
        else:
            result.done += 1
    return result


def notification_send(contribution: Contribution | None, message: str, user: Any = None) -> None:
    """Tell the author (or `user`, about what is no contribution: a claim) on the site and by e-mail.

    The e-mail is queued (sent by the worker); an anonymous author is written to at their contact address.
    """
    author = contribution.author if contribution is not None else user
    if author is not None:
        Notification.objects.create(user=author, contribution=contribution, message=message)
    email = author.email if author is not None else getattr(contribution, "contact_email", "")
    if not email:
        return
    project = contribution.project if contribution is not None else None
    links = f"\n\nLe projet : {site_link(reverse('project-short', args=[project.pk]))}" if project else ""
    if author is not None:
        links += f"\nToutes vos contributions : {site_link(reverse('my-contributions'))}"
    body = f"Bonjour,\n\n{message}{links}\n\nLe Carrefour des innovations sociales"
    email_send.enqueue([email], "Votre contribution au Carrefour des innovations sociales", body)


def notifications_read(user: Any) -> int:
    """Mark an account's notifications read; how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
