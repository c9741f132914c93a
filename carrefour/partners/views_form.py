"""Pages of part "form": a source of a common kind created or edited by a form, saved as the editor's text."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from carrefour.accounts.roles import Action
from carrefour.contributions.views import action_refused
from carrefour.partners.editor import source_create_for_organisation, source_organisation, source_save_origin
from carrefour.partners.forms_kinds import KindForm
from carrefour.partners.guide import guide_html
from carrefour.partners.kinds import definition_build, definition_form_text, form_initial, problems_by_field
from carrefour.partners.submit import definition_submit
from carrefour.partners.views_preview import organisations_or_refused, preview_start
from carrefour.sources.models import Source
from carrefour.sources.rows import source_version_latest
from carrefour.sources.versions import (
    DefinitionTextError,
    definition_text_check,
)

TEMPLATE = "partners/form/kind.html"


def _problems_shown(form: KindForm, error: DefinitionTextError | list[Any]) -> list[str]:
    """Put each definition problem beside its field; the ones of no field are returned for the whole form."""
    problems = list(error.problems) if isinstance(error, DefinitionTextError) else error
    by_field, others = problems_by_field(problems)
    for field, messages_ in by_field.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)
    return others


def _submitted(
    request: HttpRequest, form: KindForm, source: Source | None, previous: dict[str, Any]
) -> tuple[HttpResponse | None, str, list[str], dict[str, Any]]:
    """Preview or save a valid form: the response to send, else the YAML, problems left, stale diff."""
    values = {**form.cleaned_data, "slug": source.slug if source else form.cleaned_data["slug"]}
    text = definition_form_text(source, definition_build(values, previous))
    author = cast(User, request.user)
    if source is not None:
        # The form of an existing source requires the version it was built on.
        origin, seen = source_save_origin(author, source), form.cleaned_data["version"]
        submitted = definition_submit(
            request, source, text, author=author, origin=origin, seen=seen, comment=values["comment"]
        )
        if submitted.stale:
            # Nothing saved over a colleague's newer version: the form now carries it, the values typed kept.
            form.data = {**dict(form.data.items()), "version": str(submitted.stale["newest_number"])}
        return submitted.response, text, _problems_shown(form, submitted.problems), submitted.stale
    try:
        if "previsualiser" in request.POST:
            problems = definition_text_check(text)[1]
            if problems:
                raise DefinitionTextError(problems)
            return preview_start(request, None, text), text, [], {}
        version = source_create_for_organisation(
            text, author=author, organisation=form.cleaned_data["organisation"], comment=values["comment"]
        )
    except DefinitionTextError as error:
        return None, text, _problems_shown(form, error), {}
    messages.success(
        request,
        f"Source « {version.source.name} » enregistrée, en attente de validation par un "
        "administrateur. L'éditeur YAML précise le reste (licence, fréquence, vocabulaire).",
    )
    return redirect("partner-source-versions", version.source.slug), text, [], {}


def _render(
    request: HttpRequest,
    form: KindForm,
    context: dict[str, Any],
    text: str,
    others: list[str],
    stale: dict[str, Any],
) -> HttpResponse:
    """The form page, 409 when a newer version was saved meanwhile, 400 when something is to be corrected."""
    context = {**context, **stale, "form": form, "yaml": text, "others": others}
    status = 409 if stale else 400 if form.errors or others else 200
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
def source_form_new(request: HttpRequest) -> HttpResponse:
    """A new source of a common kind for one of the account's organisations."""
    organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    initial = {"kind": request.GET.get("type", "html"), "csv_delimiter": ";"}
    form = KindForm(request.POST or None, organisations=organisations, initial=initial)
    text, others, stale = "", list[str](), dict[str, Any]()
    if request.method == "POST" and form.is_valid():
        response, text, others, stale = _submitted(request, form, None, {})
        if response:
            return response
    return _render(request, form, {"new": True}, text, others, stale)


@require_http_methods(["GET", "POST"])
def source_form_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a source by the form, when the form can say all of its newest definition."""
    source = get_object_or_404(Source, slug=slug)
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    latest = source_version_latest(source)
    definition = latest.definition if latest else source.definition
    initial = form_initial(definition)
    context = {"source": source, "organisation": source_organisation(source)}
    if initial is None:
        return render(request, "partners/form/unexpressible.html", context)
    initial["version"] = latest.number if latest else 0
    form = KindForm(request.POST or None, initial=initial, slug_fixed=True)
    text, others, stale = "", list[str](), dict[str, Any]()
    if request.method == "POST" and form.is_valid():
        response, text, others, stale = _submitted(request, form, source, definition)
        if response:
            return response
    return _render(request, form, context, text, others, stale)


@require_http_methods(["GET"])
def sources_guide(request: HttpRequest) -> HttpResponse:
    """The full guide to writing a source (docs/sources.md), for those who write sources."""
    _organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    return render(request, "partners/form/guide.html", {"guide": guide_html()})
