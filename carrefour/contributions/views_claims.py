"""Pages: claim a project, the claims to confirm (moderators, partner members), give up or revoke one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carrefour.accounts.models import ProjectClaim
from carrefour.accounts.roles import Action, Role, user_can, user_roles
from carrefour.contributions.claims import (
    claim_confirm,
    claim_refuse,
    claim_revoke,
    claim_send,
    claim_withdraw,
    claims_confirmed,
    claims_to_decide,
    user_claims,
)
from carrefour.contributions.forms_reports import ClaimForm
from carrefour.contributions.views import action_refused
from carrefour.projects.models import Project

CLAIM_SENT = (
    "Merci ! Votre demande sera confirmée par la modération ou par le partenaire qui publie le projet."
)


@require_http_methods(["GET", "POST"])
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Je suis porteur de ce projet": the account's role in it and how to check, for confirmation."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    if refused := action_refused(request, Action.CLAIM_PROJECT, project):
        return refused
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_send(project, request.user, form.cleaned_data["message"])
        except ValueError as error:
            form.add_error("message", str(error))
        else:
            messages.success(request, CLAIM_SENT)
            return redirect("claims")
    return render(
        request,
        "contributions/claims/claim.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def claims_page(request: HttpRequest) -> HttpResponse:
    """The account's claims; the pending claims it may decide on; confirmed ones for moderators."""
    context = {
        "mine": user_claims(request.user),
        "to_decide": claims_to_decide(request.user) if _decides(request.user) else None,
        "confirmed": claims_confirmed()[:100] if user_can(request.user, Action.MODERATE) else [],
    }
    return render(request, "contributions/claims/list.html", context)


def _decides(user: Any) -> bool:
    """Whether the account may confirm claims: anywhere (moderators) or on its organisation's projects."""
    return user_can(user, Action.CONFIRM_CLAIM) or Role.ORGANISATION_MEMBER in user_roles(user)


DECISIONS: dict[str, tuple[Action | None, Callable[..., None], str]] = {
    "confirmer": (Action.CONFIRM_CLAIM, claim_confirm, "Demande confirmée."),
    "refuser": (Action.CONFIRM_CLAIM, claim_refuse, "Demande refusée."),
    "retirer": (Action.MODERATE, claim_revoke, "Rôle de porteur retiré."),
    # Giving up one's own claim needs no right beyond being its author (checked by claim_withdraw).
    "abandonner": (None, lambda c, u, r: claim_withdraw(c, u), "Vous avez abandonné cette demande."),
}


@require_POST
def claim_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm, refuse, revoke or give up a claim; refused server-side to whoever may not."""
    if decision not in DECISIONS:
        raise Http404("Décision inconnue")
    action, decide, done = DECISIONS[decision]
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("claims"))
    claim = get_object_or_404(ProjectClaim.objects.select_related("project"), pk=pk)
    if action is not None and (refused := action_refused(request, action, claim.project)):
        return refused
    try:
        decide(claim, request.user, request.POST.get("reason", ""))
    except ValueError as error:
        messages.error(request, str(error))
    except PermissionError as error:
        return render(
            request, "contributions/refused.html", {"notice": str(error).capitalize() + "."}, status=403
        )
    else:
        messages.success(request, done)
    return redirect("claims")
