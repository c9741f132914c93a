""" "Moissonner maintenant": a partner queues a harvest of its validated source, one at a time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carrefour.harvest.kinds import KINDS_BY_NAME
from carrefour.harvest.models import HarvestRun
from carrefour.harvest.selectors import harvest_run_last, harvest_run_last_success
from carrefour.orchestration.jobs import job_start, job_state
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_harvest_now
from carrefour.sources.bounds import PARTNER_MIN_FREQUENCY_HOURS
from carrefour.sources.models import Source
from carrefour.sources.rows import source_version_live

# Jobs looked at to find one still queued or running: a source's harvests are never many at once.
RECENT = 5


class HarvestNowRefusedError(ValueError):
    """A harvest the partner cannot start now, with the reason it reads."""


def source_harvest_active(source: Source) -> Job | None:
    """The source's harvest job still queued or running, if any."""
    recent = Job.objects.filter(source=source, kind=Job.Kind.HARVEST_NOW).order_by("-pk")[:RECENT]
    return next((job for job in recent if not job_state(job).finished), None)


def source_harvest_now_interval(source: Source) -> timedelta:
    """Least time between two asked-for harvests: the source's frequency, at most the partners' minimum."""
    return timedelta(hours=min(source.frequency_hours, PARTNER_MIN_FREQUENCY_HOURS))


def source_harvest_now_next(source: Source) -> datetime | None:
    """When a harvest of the source may be asked for again, if not now."""
    asked = (
        Job.objects.filter(source=source, kind=Job.Kind.HARVEST_NOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    interval = source_harvest_now_interval(source)
    last = harvest_run_last(source)
    failed = last is not None and last.status in (HarvestRun.Status.FAILED, HarvestRun.Status.INTERRUPTED)
    # Each exemption gives one harvest: a scheduled run that failed (none asked for just before it),
    # or a definition put in service since the last run and not yet tried. An asked-for run that fails
    # again waits, unless the partner changes the definition: no retry loop against a broken site.
    if failed and last is not None and (asked is None or asked + interval < last.started_at):
        return None
    live = source_version_live(source)
    changed = (live.reviewed_at or live.created_at) if live is not None else None
    if (
        last is not None
        and changed is not None
        and changed > last.started_at
        and (asked is None or asked < changed)
    ):
        return None
    success = harvest_run_last_success(source)
    starts = [start for start in (asked, success.started_at if success else None) if start is not None]
    if not starts:
        return None
    allowed = max(starts) + interval
    return allowed if allowed > timezone.now() else None


def source_harvest_now_start(source: Source, *, user: Any) -> Job:
    """Queue a harvest of the source and the pipeline after it; HarvestNowRefusedError with the reason."""
    if source.review_status != Source.Review.VALIDATED:
        raise HarvestNowRefusedError(
            "cette source n'est pas encore validée par les administrateurs : elle ne peut pas être moissonnée"
        )
    if not source.enabled or source.kind not in KINDS_BY_NAME:
        raise HarvestNowRefusedError(
            "cette source n'est pas moissonnée depuis le web (désactivée ou importée)"
        )
    with transaction.atomic():
        # The source row locked: two requests at once cannot both find no harvest queued.
        Source.objects.select_for_update().filter(pk=source.pk).first()
        active = source_harvest_active(source)
        if active is not None:
            raise HarvestNowRefusedError(
                f"une moisson de cette source est déjà prévue ou en cours (travail n° {active.pk})"
            )
        # At most one asked-for harvest a day (or per frequency, if shorter), outside the exemptions of
        # source_harvest_now_next: the partner's site is not hammered, and the run lock stays free.
        allowed = source_harvest_now_next(source)
        if allowed is not None:
            when = timezone.localtime(allowed)
            raise HarvestNowRefusedError(
                "cette source a été moissonnée avec succès ou à votre demande il y a moins de "
                f"{source_harvest_now_interval(source).total_seconds() / 3600:.0f} h : une nouvelle moisson "
                f"pourra être demandée à partir du {when:%d/%m/%Y à %H:%M}"
            )
        return job_start(Job.Kind.HARVEST_NOW, source_harvest_now, source.pk, source=source, started_by=user)
