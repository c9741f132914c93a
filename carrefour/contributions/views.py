"""Pages: propose a change, the moderation queue and its decisions, an author's contributions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carrefour.accounts.roles import Action, Role, user_can, user_roles
from carrefour.accounts.selectors import user_block_active, user_block_notice, user_display_name
from carrefour.contributions.forms import ChangeForm, SuggestionForm
from carrefour.contributions.models import Contribution
from carrefour.contributions.selectors import (
    AGES,
    TRUST,
    contribution_rows,
    contributions_flags,
    diff_rows,
    fields_diff,
    moderation_queue_page,
    user_contributions,
    user_notifications,
)
from carrefour.contributions.services import (
    contribution_propose,
    contributions_decide,
    notifications_read,
    suggestion_send,
)
from carrefour.normalize.vocabularies import vocabularies
from carrefour.orchestration.edits import override_conflict_resolve
from carrefour.projects.history import overrides_in_conflict
from carrefour.projects.models import FieldOverride, Project
from carrefour.projects.overrides import ConflictSettledError

QUEUE_PAGE = 25
CONFLICT_RESOLVED = {True: "Correction gardée.", False: "Valeur de la source reprise."}
FILTERS = ("kind", "departement", "theme", "age", "trust")


def action_refused(request: HttpRequest, action: Action, obj: Any = None) -> HttpResponse | None:
    """Visitors sent to log in; blocked accounts told why; others without the right refused (403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # The roles (read once per request) say whether there is a block; only then is it read, for its notice.
    if Role.BLOCKED in user_roles(request.user) and (block := user_block_active(request.user)):
        return render(request, "contributions/refused.html", {"notice": user_block_notice(block)}, status=403)
    if not user_can(request.user, action, obj):
        raise PermissionDenied("Votre compte n'a pas ce droit.")
    return None


@require_http_methods(["GET", "POST"])
def change_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The form with the project's values, then a preview of the differences, then sending."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    if refused := action_refused(request, Action.PROPOSE_CHANGE, project):
        return refused
    form = ChangeForm(project, request.POST or None)
    context: dict[str, Any] = {"project": project, "form": form}
    # "corriger": back from the preview to the form, with what was typed.
    if request.method == "POST" and "corriger" not in request.POST and form.is_valid():
        try:
            fields = fields_diff(project, form.changed_values())
            if not fields:
                raise ValueError("Aucun champ n'a été modifié.")
            if "envoyer" not in request.POST:
                context["rows"] = diff_rows(fields)
                return render(request, "contributions/preview.html", context)
            contribution = contribution_propose(
                project, request.user, form.changed_values(), form.cleaned_data["reason"]
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _sent_message(contribution, request.user))
            return redirect("my-contributions")
    return render(request, "contributions/propose.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def suggestion_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """A free-text suggestion, from anyone (rate-limited per IP by the "project-correction" URL name)."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_robot():
            data = form.cleaned_data
            suggestion_send(project, request.user, data["subject"], data["reason"], data["contact_email"])
        # Redirect after POST: reloading the thank-you page must not send the suggestion again.
        return redirect("project-correction-sent", pk=project.pk)
    return render(request, "contributions/suggestion.html", {"project": project, "form": form})


@require_GET
def suggestion_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The thank-you page shown once a suggestion is sent."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    return render(request, "contributions/suggestion_done.html", {"project": project})


def _sent_message(contribution: Contribution, user: Any) -> str:
    """What the author is told once the change is sent: live, or held and why."""
    if contribution.status == Contribution.Status.PUBLISHED:
        return "Votre modification est en ligne. Elle sera relue par l'équipe de modération."
    if contribution.hold_reasons:
        return (
            "Votre modification est retenue pour relecture : " + " ; ".join(contribution.hold_reasons) + "."
        )
    done = user.profile.accepted_contributions
    return (
        "Merci ! Votre proposition attend la modération : les modifications ne sont publiées sans relecture "
        f"qu'à partir de {settings.ACCOUNTS_TRUST_THRESHOLD} contributions acceptées "
        f"(vous en avez {done})."
    )


@require_GET
def moderation_page(request: HttpRequest) -> HttpResponse:
    """The queue: contributions waiting for a decision with their differences, and overrides in conflict."""
    if refused := action_refused(request, Action.MODERATE):
        return refused
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    page, contributions = moderation_queue_page(chosen, request.GET.get("page"), QUEUE_PAGE)
    flags = contributions_flags(contributions)
    items = [(c, contribution_rows(c), user_display_name(c.author), flags[c.pk]) for c in contributions]
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "page": page,
        "items": items,
        "conflicts": overrides_in_conflict()[:QUEUE_PAGE],
        "filters": chosen,
        "query": filters.urlencode(),
        "kinds": Contribution.Kind.choices,
        "themes": sorted(vocabularies()["themes"].items(), key=lambda item: item[1]),
        "ages": AGES,
        "trust": TRUST,
    }
    return render(request, "contributions/queue.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the queue page the moderator came from."""
    back = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(back, {request.get_host()}) and back.startswith("/moderation")
    return redirect(back if allowed else "moderation")


@require_POST
def moderation_decide(request: HttpRequest) -> HttpResponse:
    """Accept or reject the selected contributions (one, or several at once)."""
    if refused := action_refused(request, Action.MODERATE):
        return refused
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdecimal()]
    decision = request.POST.get("decision")
    if not ids or decision not in ("accept", "reject"):
        messages.error(request, "Choisissez au moins une contribution et une décision.")
        return _back(request)
    result = contributions_decide(
        ids,
        request.user,
        decision == "accept",
        request.POST.get("reason", ""),
        request.POST.get("force") == "1",
    )
    if result.done:
        plural = "s" if result.done > 1 else ""
        verb = "acceptée" if decision == "accept" else "refusée"
        messages.success(request, f"{result.done} contribution{plural} {verb}{plural}.")
    for refusal in result.refused:
        messages.error(request, refusal)
    return _back(request)


@require_POST
def conflict_resolve(request: HttpRequest, override_id: int, choice: str) -> HttpResponse:
    """Keep a correction the source contradicts now, or take the source's new value."""
    if refused := action_refused(request, Action.MODERATE):
        return refused
    override = get_object_or_404(FieldOverride, pk=override_id, conflict=True)
    conflict_settle(request, override, keep=choice == "garder")
    return _back(request)


def conflict_settle(request: HttpRequest, override: FieldOverride, *, keep: bool) -> None:
    """Keep the correction or take the source's value, and say so; settled meanwhile, say that instead."""
    try:
        override_conflict_resolve(override, request.user, keep=keep)
    except ConflictSettledError as exc:
        messages.warning(request, str(exc).capitalize() + ".")
    else:
        messages.success(request, CONFLICT_RESOLVED[keep])


@login_required
@require_GET
def my_contributions(request: HttpRequest) -> HttpResponse:
    """The author's contributions and what became of each."""
    page = Paginator(user_contributions(request.user), 50).get_page(request.GET.get("page"))
    items = [(c, contribution_rows(c)) for c in page.object_list]
    return render(request, "contributions/mine.html", {"page": page, "items": items})


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    """The account's notifications; seeing them marks them read (as a mailbox does)."""
    page = Paginator(user_notifications(request.user), 50).get_page(request.GET.get("page"))
    unread = {n.pk for n in page.object_list if n.read_at is None}
    notifications_read(request.user)
    return render(request, "contributions/notifications.html", {"page": page, "unread": unread})
