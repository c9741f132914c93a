"""Pages of part "moderation": edit a proposed change before accepting it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from carrefour.accounts.roles import Action
from carrefour.contributions.edits import ContributionEditForm, contribution_edits
from carrefour.contributions.models import Contribution
from carrefour.contributions.selectors import OPEN, contribution_rows
from carrefour.contributions.services import contribution_accept
from carrefour.contributions.views import action_refused


@require_http_methods(["GET", "POST"])
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal's values in the proposal form for the moderator to change, then accepted with them."""
    if refused := action_refused(request, Action.MODERATE):
        return refused
    contribution = get_object_or_404(
        Contribution.objects.select_related("project", "author"),
        pk=pk,
        kind=Contribution.Kind.CHANGE,
        status__in=OPEN,
    )
    form = ContributionEditForm(contribution, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edits = contribution_edits(contribution, form.changed_values())
            force = request.POST.get("force") == "1"
            contribution_accept(contribution, request.user, form.cleaned_data["reason"], force, edits)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Contribution acceptée avec vos modifications ; l'auteur en est averti."
            )
            return redirect("moderation")
    context = {
        "contribution": contribution,
        "project": contribution.project,
        "rows": contribution_rows(contribution),
        "form": form,
    }
    return render(request, "contributions/moderation/edit.html", context, status=400 if form.errors else 200)
