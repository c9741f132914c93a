"""Partner pages: vocabulary mapping of a source, "Moissonner maintenant", progress of a job."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carrefour.accounts.roles import Action
from carrefour.contributions.views import action_refused
from carrefour.orchestration.jobs import job_state, source_jobs_recent
from carrefour.orchestration.models import Job
from carrefour.partners.harvest_now import HarvestNowRefusedError, source_harvest_now_start
from carrefour.partners.job_errors import job_error_shown
from carrefour.partners.mapping import (
    IGNORED,
    MappingError,
    MappingStaleError,
    mapping_blocks_paginate,
    mapping_changes_parse,
    row_field,
    source_mapping_blocks,
    source_mapping_save,
    source_version_live_number,
)
from carrefour.sources.models import Source
from carrefour.sources.versions import DefinitionTextError

REFRESH_SECONDS = 2  # the job page reloads itself (meta refresh: no JavaScript) until the job ends


@require_http_methods(["GET", "POST"])
def source_vocabulary(request: HttpRequest, slug: str) -> HttpResponse:
    """The source's unmapped and mapped terms; saving makes a version and queues the re-application."""
    source = get_object_or_404(Source, slug=slug)
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    blocks = source_mapping_blocks(source)
    mapping_blocks_paginate(blocks, request.GET)
    errors: list[str] = []
    status = 200
    version_seen = source_version_live_number(source)
    if request.method == "POST":
        try:
            version_seen = _version_posted(request)
            changes = mapping_changes_parse(blocks, request.POST)
            if not changes:
                messages.info(request, "Aucune correspondance n'a changé : rien n'a été enregistré.")
                return redirect(request.get_full_path())
            version, job = source_mapping_save(
                source, changes, author=request.user, version_seen=version_seen
            )
        except MappingStaleError as exc:
            errors, status = exc.messages, 409
        except MappingError as exc:
            errors, status = exc.messages, 400
        except DefinitionTextError as exc:
            errors, status = [f"{p.path} : {p.message}" for p in exc.problems], 400
        else:
            messages.success(
                request,
                f"Version {version.number} enregistrée ; les fiches de la source sont traitées à nouveau.",
            )
            return redirect("partner-job", job_id=job.pk)
        # Nothing saved: the page comes back with the partner's choices, not the stored ones.
        for block in blocks:
            for row in block.unmapped + block.mapped:
                row.choice = request.POST.get(row_field(block.name, row.value), row.choice)
    context = {
        "source": source,
        "blocks": blocks,
        "errors": errors,
        "ignored": IGNORED,
        "version_seen": version_seen,
        "jobs": source_jobs_recent(source),
    }
    return render(request, "partners/mapping/vocabulary.html", context, status=status)


def _version_posted(request: HttpRequest) -> int:
    """The live version number the page was built from, as the form posts it back."""
    posted = str(request.POST.get("version", ""))
    if not posted.isdigit():
        raise MappingError(["le formulaire n'indique pas la version de la définition : rechargez la page"])
    return int(posted)


@require_POST
def source_harvest(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue a harvest of the source now, or say why not."""
    source = get_object_or_404(Source, slug=slug)
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    try:
        job = source_harvest_now_start(source, user=request.user)
    except HarvestNowRefusedError as exc:
        context = {"source": source, "reason": str(exc)}
        return render(request, "partners/mapping/harvest_refused.html", context, status=409)
    return redirect("partner-job", job_id=job.pk)


@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of a background job, for its starter, its source's organisation and administrators."""
    job = get_object_or_404(Job.objects.select_related("source"), pk=job_id)
    if refused := _job_refused(request, job):
        return refused
    state = job_state(job)
    context: dict[str, Any] = {
        "job": job,
        "state": state,
        "error": job_error_shown(request.user, state),
        "percent": round(100 * job.done / job.total) if job.total else None,
        "refresh_seconds": None if state.finished else REFRESH_SECONDS,
    }
    return render(request, "partners/mapping/job.html", context)


def _job_refused(request: HttpRequest, job: Job) -> HttpResponse | None:
    """The rights on the job's source decide (administrators: every job); a new source's starter sees his."""
    if job.source is None and request.user.is_authenticated and job.started_by_id == request.user.pk:
        return None
    return action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, job.source)
