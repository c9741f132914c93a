"""Reads of the harvest runs: a source's last (successful) run, the sources due, their status rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from carrefour.harvest.models import HarvestRun
from carrefour.sources.models import Source


def harvest_run_last(source: Source) -> HarvestRun | None:
    """The most recent run of a source."""
    return HarvestRun.objects.filter(source=source).order_by("-started_at").first()


def harvest_run_last_success(source: Source) -> HarvestRun | None:
    """The most recent successful run of a source."""
    return (
        HarvestRun.objects.filter(source=source, status=HarvestRun.Status.SUCCESS)
        .order_by("-started_at")
        .first()
    )


def source_list_due(now: datetime | None = None) -> list[Source]:
    """Enabled, validated sources whose last run started at least their frequency ago (or never ran)."""
    now = now or timezone.now()
    due = []
    for source in Source.objects.filter(enabled=True, review_status=Source.Review.VALIDATED):
        last = harvest_run_last(source)
        # One minute of slack so that a timer firing at the same hour each day finds the source due.
        if last is None or (now - last.started_at).total_seconds() >= source.frequency_hours * 3600 - 60:
            due.append(source)
    return due


def _when(run: HarvestRun | None) -> str:
    """Start time of a run for tables, or a dash."""
    return f"{run.started_at:%Y-%m-%d %H:%M}" if run else "—"


def source_status_rows(sources: QuerySet[Source], *, trend_runs: int = 5) -> list[dict[str, Any]]:
    """Per source: status of the last run, last success, records seen, trend of counts, latest errors."""
    rows = []
    for source in sources:
        runs = list(HarvestRun.objects.filter(source=source).order_by("-started_at")[:trend_runs])
        last = runs[0] if runs else None
        success = harvest_run_last_success(source)
        rows.append(
            {
                "slug": source.slug,
                "status": last.status if last else "never",
                "last_run": _when(last),
                "last_success": _when(success),
                "records": success.records_seen if success else 0,
                # Oldest to newest records seen, with a mark on runs that were not successful.
                "trend": " → ".join(
                    f"{run.records_seen}{'' if run.status == HarvestRun.Status.SUCCESS else '!'}"
                    for run in reversed(runs)
                ),
                "message": last.message if last and last.status != HarvestRun.Status.SUCCESS else "",
                "errors": (last.errors[:5] if last else []),
            }
        )
    return rows


def harvest_skipped_text(skipped: Sequence[Sequence[Any]]) -> str:
    """Records skipped by the row filters, per reason, in French ("" when none was)."""
    total = sum(int(count) for _, count in skipped)
    if not total:
        return ""
    reasons = " ; ".join(f"{reason} : {count}" for reason, count in skipped)
    return f"{total} écartée{'s' if total > 1 else ''} par les filtres ({reasons})"
