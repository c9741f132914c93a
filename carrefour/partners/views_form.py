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
from carrefour.partners.views_editor import saved_message
from carrefour.partners.views_preview import organisations_or_refused, preview_start
from carrefour.sources.models import Source
from carrefour.sources.rows import source_version_latest
from carrefour.sources.versions import (
    DefinitionTextError,
    VersionStaleError,
    definition_text_check,
    source_version_save,
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
) -> tuple[HttpResponse | None, str, list[str]]:
    """Preview or save a valid form: the response to send, else the YAML written and the problems left."""
    values = {**form.cleaned_data, "slug": source.slug if source else form.cleaned_data["slug"]}
    text = definition_form_text(source, definition_build(values, previous))
    author = cast(User, request.user)
    seen = form.cleaned_data.get("version")
    try:
        if "previsualiser" in request.POST:
            problems = definition_text_check(text)[1]
            if problems:
                raise DefinitionTextError(problems)
            return preview_start(request, source, text, version_seen=seen), text, []
        if source is None:
            version = source_create_for_organisation(
                text, author=author, organisation=form.cleaned_data["organisation"], comment=values["comment"]
            )
            messages.success(
                request,
                f"Source « {version.source.name} » enregistrée, en attente de validation par un "
                "administrateur. L'éditeur YAML précise le reste (licence, fréquence, vocabulaire).",
            )
        else:
            latest = source_version_latest(source)
            version = source_version_save(
                text,
                author=author,
                source=source,
                comment=values["comment"],
                origin=source_save_origin(author, source),
                version_seen=seen,
            )
            messages.success(request, saved_message(version, latest))
    except DefinitionTextError as error:
        return None, text, _problems_shown(form, error)
    except VersionStaleError as error:
        return None, text, [_stale_message(form, error)]
    return redirect("partner-source-versions", version.source.slug), text, []


def _stale_message(form: KindForm, error: VersionStaleError) -> str:
    """Nothing saved over a colleague's newer version: the form now carries it, the values typed are kept."""
    newest = error.latest.number if error.latest else 0
    form.data = {**dict(form.data.items()), "version": str(newest)}
    return (
        "La définition a changé depuis l'ouverture de cette page "
        f"(version {newest} enregistrée entre-temps) : rien n'a été enregistré. "
        "Vos valeurs sont gardées : vérifiez-les au regard de la nouvelle version, puis enregistrez."
    )


def _render(
    request: HttpRequest, form: KindForm, context: dict[str, Any], text: str, others: list[str]
) -> HttpResponse:
    """The form page, 400 when something is to be corrected."""
    context = {**context, "form": form, "yaml": text, "others": others}
    return render(request, TEMPLATE, context, status=400 if form.errors or others else 200)


@require_http_methods(["GET", "POST"])
def source_form_new(request: HttpRequest) -> HttpResponse:
    """A new source of a common kind for one of the account's organisations."""
    organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    initial = {"kind": request.GET.get("type", "html"), "csv_delimiter": ";"}
    form = KindForm(request.POST or None, organisations=organisations, initial=initial)
    text, others = "", list[str]()
    if request.method == "POST" and form.is_valid():
        response, text, others = _submitted(request, form, None, {})
        if response:
            return response
    return _render(request, form, {"new": True}, text, others)


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
    text, others = "", list[str]()
    if request.method == "POST" and form.is_valid():
        response, text, others = _submitted(request, form, source, definition)
        if response:
            return response
    return _render(request, form, context, text, others)


@require_http_methods(["GET"])
def sources_guide(request: HttpRequest) -> HttpResponse:
    """The full guide to writing a source (docs/sources.md), for those who write sources."""
    _organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    return render(request, "partners/form/guide.html", {"guide": guide_html()})
