"""Pages of part "editor": create and edit a source's definition, its versions, the validation queue."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from carrefour.accounts.roles import Action
from carrefour.accounts.selectors import user_display_name
from carrefour.contributions.views import action_refused
from carrefour.orchestration.reapply import source_mapping_changes_reapply
from carrefour.partners.editor import (
    STARTER_KINDS,
    ReviewRefusedError,
    definition_hosts,
    option_docs,
    pending_reviews,
    pending_versions,
    source_create_for_organisation,
    source_organisation,
    source_save_origin,
    source_version_decide,
    starter_text,
    text_lines,
)
from carrefour.partners.forms_editor import DefinitionEditForm, DefinitionForm, NewSourceForm, RefuseForm
from carrefour.partners.submit import Submitted, definition_submit, saved_message
from carrefour.partners.views_preview import (
    NEW,
    organisations_or_refused,
    preview_kept,
    preview_kept_drop,
    preview_start,
)
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.rows import source_definition_text, source_version_latest
from carrefour.sources.versions import (
    DefinitionProblem,
    DefinitionTextError,
    definition_text_check,
    source_version_diff,
    source_version_revert,
)

EDIT = Action.EDIT_OWN_ORGANISATION_SOURCES
# Pending versions on one page of the queue: each shows a diff of texts of up to 200,000 characters.
QUEUE_PAGE = 10


def _editor_context(form: DefinitionForm, problems: list[DefinitionProblem]) -> dict[str, Any]:
    """What the editor template needs: the form, numbered lines with their problems, the option docs."""
    text = form.data.get("text", "") if form.is_bound else form.initial.get("text", "")
    return {
        "form": form,
        # In the order of the text; problems of the whole text (no line) first.
        "problems": sorted(problems, key=lambda problem: problem.line or 0),
        "lines": text_lines(str(text), problems),
        "docs": option_docs(),
        "kinds": STARTER_KINDS,
    }


@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    """A new source for one of the account's organisations: starter, editor, errors at their lines."""
    organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    assert organisations is not None  # organisations_or_refused sends visitors to log in
    # Back from the preview of this new source: the text previewed.
    kept = preview_kept(request, NEW) if "reprendre" in request.GET else None
    initial = {"text": kept["text"] if kept else starter_text(request.GET.get("modele", "html"))}
    form = NewSourceForm(organisations, request.POST or None, initial=initial)
    problems: list[DefinitionProblem] = []
    if request.method == "POST" and form.is_valid() and "previsualiser" in request.POST:
        problems = definition_text_check(form.cleaned_data["text"])[1]
        if not problems:
            return preview_start(request, None, form.cleaned_data["text"])
    elif request.method == "POST" and form.is_valid():
        try:
            version = source_create_for_organisation(
                form.cleaned_data["text"],
                author=_author(request),
                organisation=form.cleaned_data["organisation"],
                comment=form.cleaned_data["comment"],
            )
        except DefinitionTextError as error:
            problems = list(error.problems)
        else:
            preview_kept_drop(request, NEW)
            messages.success(
                request,
                f"Source « {version.source.name} » enregistrée, en attente de validation par un "
                "administrateur : elle ne sera moissonnée qu'une fois validée.",
            )
            return redirect("partner-source-versions", version.source.slug)
    context = {**_editor_context(form, problems), "new": True}
    status = 400 if problems or form.errors else 200
    return render(request, "partners/editor/definition.html", context, status=status)


def _source_or_refused(request: HttpRequest, slug: str) -> tuple[Source, HttpResponse | None]:
    """The source, and the refusal if the account may not edit it."""
    source = get_object_or_404(Source, slug=slug)
    return source, action_refused(request, EDIT, source)


def _author(request: HttpRequest) -> User:
    """The signed-in account (the views call it once action_refused has let the request through)."""
    return cast(User, request.user)


def _source_context(source: Source) -> dict[str, Any]:
    """The source's header: its name, organisation, review status and reason."""
    return {"source": source, "organisation": source_organisation(source)}


@require_http_methods(["GET", "POST"])
def source_definition(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a source's definition (the newest text); host changes wait for validation, others apply."""
    source, refused = _source_or_refused(request, slug)
    if refused:
        return refused
    # The newest text, pending included: what its partner last wrote.
    latest = source_version_latest(source)
    initial = {
        "text": latest.text if latest else source_definition_text(source),
        "version": latest.number if latest else 0,
    }
    # Back from the preview of an edited text: that text, on the version it was written on.
    kept = preview_kept(request, source.slug) if "reprendre" in request.GET else None
    form = DefinitionEditForm(request.POST or None, initial={**initial, **(kept or {})})
    submitted = Submitted()
    if request.method == "POST" and form.is_valid():
        submitted = definition_submit(
            request,
            source,
            form.cleaned_data["text"],
            author=_author(request),
            origin=source_save_origin(request.user, source),
            seen=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
        if submitted.response:
            return submitted.response
        if submitted.stale:
            form = DefinitionEditForm({**request.POST.dict(), "version": submitted.stale["newest_number"]})
    problems, stale = submitted.problems, submitted.stale
    context = {
        **_editor_context(form, problems),
        **_source_context(source),
        **stale,
        "hosts": definition_hosts(source.definition),
    }
    status = 409 if stale else 400 if problems or form.errors else 200
    return render(request, "partners/editor/definition.html", context, status=status)


def _version_row(version: SourceVersion) -> dict[str, Any]:
    """One line of the history."""
    author = user_display_name(version.author) if version.author else "import d'un fichier du dépôt"
    return {"version": version, "author": author}


@require_http_methods(["GET"])
def source_versions(request: HttpRequest, slug: str) -> HttpResponse:
    """A source's history: number, author, date, comment, status, review reason."""
    source, refused = _source_or_refused(request, slug)
    if refused:
        return refused
    versions = source.versions.select_related("author").order_by("-number")
    context = {**_source_context(source), "rows": [_version_row(v) for v in versions]}
    return render(request, "partners/editor/versions.html", context)


@require_http_methods(["GET", "POST"])
def source_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One version: its diff with the previous one, its text; POST reverts to it (a new version)."""
    source, refused = _source_or_refused(request, slug)
    if refused:
        return refused
    version = get_object_or_404(SourceVersion.objects.select_related("author"), source=source, number=number)
    if request.method == "POST":
        latest = source_version_latest(source)
        before = dict(source.definition)
        try:
            with transaction.atomic():  # the re-apply queued with the version, or neither
                reverted = source_version_revert(
                    version, author=_author(request), origin=source_save_origin(request.user, source)
                )
                source_mapping_changes_reapply(source, before, user=_author(request))
        except DefinitionTextError as error:
            messages.error(
                request, "Impossible de rétablir : " + "; ".join(p.message for p in error.problems)
            )
        else:
            messages.success(
                request, f"Retour à la version {version.number} : " + saved_message(reverted, latest)
            )
        return redirect("partner-source-versions", source.slug)
    context = {
        **_source_context(source),
        **_version_row(version),
        "diff": source_version_diff(version),
        "latest": source_version_latest(source),
    }
    return render(request, "partners/editor/version.html", context)


@require_http_methods(["GET"])
def validation_queue(request: HttpRequest) -> HttpResponse:
    """Administrators' queue of pending versions: source, organisation, author, diff, hosts before/after."""
    if refused := action_refused(request, Action.VALIDATE_SOURCE):
        return refused
    page = Paginator(pending_versions(), QUEUE_PAGE).get_page(request.GET.get("page"))
    items = [
        {
            **_version_row(review.version),
            "review": review,
            "form": RefuseForm(prefix=f"v{review.version.pk}"),
        }
        for review in pending_reviews(list(page.object_list), reviewer=request.user)
    ]
    return render(request, "partners/editor/validation.html", {"items": items, "page": page})


@require_POST
def validation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Validate or refuse (reason required) a pending version; the organisation's members are told."""
    if refused := action_refused(request, Action.VALIDATE_SOURCE):
        return refused
    version = get_object_or_404(SourceVersion.objects.select_related("source"), pk=pk)
    accept = request.POST.get("decision") == "valider"
    form = RefuseForm(request.POST, prefix=f"v{version.pk}")
    if not accept and not form.is_valid():
        messages.error(request, f"Refus de « {version.source.name} » : le motif est obligatoire.")
        return redirect("partner-validation")
    reason = "" if accept else form.cleaned_data["reason"]
    try:
        told = source_version_decide(version, reviewer=request.user, accept=accept, reason=reason)
    except ReviewRefusedError as error:  # decided meanwhile, withdrawn, or the reviewer's own version
        messages.error(request, f"« {version.source.name} » : {error}")
    else:
        messages.success(request, told)
    return redirect("partner-validation")
