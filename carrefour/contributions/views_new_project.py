"""Pages: propose a new project (form, preview with its likely duplicates, sending), locate a map click."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from carrefour.accounts.roles import Action
from carrefour.contributions.commune_picker import commune_label, commune_resolve
from carrefour.contributions.forms_new_project import NewProjectForm
from carrefour.contributions.models import Contribution
from carrefour.contributions.new_project import project_propose, proposal_duplicates, proposal_fields
from carrefour.contributions.selectors import diff_rows
from carrefour.contributions.views import action_refused
from carrefour.orchestration.contributed import SOURCE_LICENCE

CONFIRM = "Cochez la case pour confirmer que ce projet n'est pas déjà sur le Carrefour."


@require_http_methods(["GET", "POST"])
def project_propose_page(request: HttpRequest) -> HttpResponse:
    """The form, then a preview with the projects it may duplicate, then sending once confirmed new."""
    if refused := action_refused(request, Action.PROPOSE_PROJECT):
        return refused
    form = NewProjectForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "licence": SOURCE_LICENCE}
    # "corriger": back from the preview to the form, with what was typed.
    if request.method == "POST" and "corriger" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            fields = proposal_fields(form.proposal_values(), data["location"])
            if "envoyer" not in request.POST or not data["confirm_new"]:
                context["rows"] = diff_rows(fields)
                context["duplicates"] = proposal_duplicates(form.proposal_values(), data["location"])
                context["confirm_error"] = CONFIRM if "envoyer" in request.POST else ""
                status = 400 if context["confirm_error"] else 200
                return render(request, "contributions/new_project/preview.html", context, status=status)
            contribution = project_propose(
                request.user, form.proposal_values(), data["location"], data["reason"]
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return _sent(request, contribution)
    return render(
        request, "contributions/new_project/propose.html", context, status=400 if form.errors else 200
    )


def _sent(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    """The author told what became of the proposal (published, or held for moderation), among theirs."""
    if contribution.status == Contribution.Status.PUBLISHED:
        messages.success(request, "Votre projet est publié. Il sera relu par l'équipe de modération.")
    else:
        messages.success(
            request,
            "Merci ! Votre projet attend la modération ; vous serez prévenu de la décision.",
        )
    return redirect("my-contributions")


@require_GET
def commune_locate(request: HttpRequest) -> JsonResponse:
    """The commune at a point clicked on the picker's map: {code, label}, or {error} (status 404)."""
    try:
        location = commune_resolve("", "", _number(request.GET.get("lat")), _number(request.GET.get("lon")))
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=404)
    return JsonResponse({"code": location.commune_code, "label": commune_label(location)})


def _number(raw: str | None) -> float | None:
    """A coordinate from the query string, None when not a number."""
    try:
        return float(raw or "")
    except ValueError:
        return None
