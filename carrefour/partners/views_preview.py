"""Page of part "editor": preview a source (saved text or text being edited) in the worker, with progress."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from carrefour.accounts.models import Organisation
from carrefour.accounts.roles import Action
from carrefour.contributions.views import action_refused
from carrefour.orchestration.jobs import job_start, job_state
from carrefour.orchestration.models import Job
from carrefour.orchestration.preview_tasks import source_preview_run
from carrefour.partners.editor import source_organisation, user_editable_organisations
from carrefour.partners.job_errors import job_error_shown
from carrefour.sources.models import Source
from carrefour.sources.rows import source_definition_text, source_version_latest

# Seconds between two reloads of a running preview (a <meta> refresh: no script needed).
REFRESH_SECONDS = 2
SESSION_KEY = "partner_previews"
# The texts previewed before saving, under the same keys: {"text", "version" written on, "job"}.
TEXTS_KEY = "partner_preview_texts"
# Session key of the preview of a source not saved yet (a slug is never empty).
NEW = ""


def organisations_or_refused(
    request: HttpRequest,
) -> tuple[QuerySet[Organisation] | None, HttpResponse | None]:
    """The organisations the account may create sources for, or the refusal when there is none."""
    organisations = user_editable_organisations(request.user) if request.user.is_authenticated else None
    first = organisations.first() if organisations is not None else None
    return organisations, action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, first)


def preview_start(
    request: HttpRequest,
    source: Source | None,
    text: str,
    *,
    version_seen: int | None = None,
    edited: bool = True,
) -> HttpResponse:
    """Queue a preview of the text (of a source, or of a new one) and show its page.

    `edited`: a text being edited, kept for the way back to the editor (nothing typed is lost by
    previewing); `version_seen`: the version it was written on, checked when it is saved at last.
    """
    job = job_start(Job.Kind.SOURCE_PREVIEW, source_preview_run, source.pk if source else None, text)
    # The job's id stays in the session: nobody reads another account's preview by guessing an id.
    key = source.slug if source else NEW
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), key: job.pk}
    if edited:
        # At most two texts of up to 200,000 characters in a session: the new source's and the last edit's.
        texts = {k: v for k, v in request.session.get(TEXTS_KEY, {}).items() if k == NEW}
        request.session[TEXTS_KEY] = {**texts, key: {"text": text, "version": version_seen, "job": job.pk}}
    if source is None:
        return redirect("partner-source-new-preview")
    return redirect("partner-source-preview", source.slug)


def preview_kept(request: HttpRequest, key: str) -> dict[str, Any] | None:
    """The edited text last previewed under the key (a slug, or NEW), with its version and job."""
    kept = request.session.get(TEXTS_KEY, {}).get(key)
    return dict(kept) if isinstance(kept, dict) else None


def preview_kept_drop(request: HttpRequest, key: str) -> None:
    """Forget the edited text kept under the key, once saved (its way back would now lead to an old text)."""
    texts = request.session.get(TEXTS_KEY, {})
    if key in texts:
        request.session[TEXTS_KEY] = {k: v for k, v in texts.items() if k != key}


def _job_context(request: HttpRequest, key: str) -> dict[str, Any]:
    """The session's last preview under the key: the job, its state, its report once finished."""
    job_id = request.session.get(SESSION_KEY, {}).get(key)
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.SOURCE_PREVIEW).first() if job_id else None
    state = job_state(job) if job else None
    return {
        "job": job,
        "state": state,
        "error": job_error_shown(request.user, state),
        "report": job.result if job and state and state.finished else None,
        "refresh": REFRESH_SECONDS if state and not state.finished else None,
    }


@require_http_methods(["GET", "POST"])
def source_preview_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the session's last preview of the source (progress, then its report); POST: preview saved text."""
    source = get_object_or_404(Source, slug=slug)
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    latest = source_version_latest(source)
    if request.method == "POST":
        saved = latest.text if latest else source_definition_text(source)
        return preview_start(request, source, saved, edited=False)
    context: dict[str, Any] = {
        "source": source,
        "organisation": source_organisation(source),
        "latest": latest,
        **_job_context(request, slug),
    }
    kept = preview_kept(request, slug)
    # The labels say which text the report is about: the edited one, or the saved one.
    context["kept"] = kept
    context["edited"] = bool(kept and context["job"] and kept["job"] == context["job"].pk)
    return render(request, "partners/editor/preview.html", context)


@require_http_methods(["GET"])
def new_source_preview_page(request: HttpRequest) -> HttpResponse:
    """The session's last preview of a source not saved yet."""
    _organisations, refused = organisations_or_refused(request)
    if refused:
        return refused
    return render(request, "partners/editor/preview.html", {"source": None, **_job_context(request, NEW)})
