"""Background task of a source preview: the report goes to the job, for the page that started it."""

from __future__ import annotations

from django_tasks import task

from carrefour.harvest.selectors import harvest_skipped_text
from carrefour.orchestration.jobs import job_finish, job_progress
from carrefour.orchestration.models import Job
from carrefour.orchestration.preview import source_preview
from carrefour.sources.models import Source

STAGE = "aperçu : collecte et comparaison"


@task()
def source_preview_run(job_id: int, source_id: int | None, text: str) -> str:
    """Preview a definition text (of a source, or of a new one when source_id is None); the job's summary."""
    source = Source.objects.get(pk=source_id) if source_id is not None else None
    job_progress(job_id, 0, 0, STAGE)
    report = source_preview(
        text, source=source, progress=lambda done, total: job_progress(job_id, done, total, STAGE)
    )
    Job.objects.filter(pk=job_id).update(result=report)
    counts = report["counts"]
    if report["problems"]:
        summary = f"définition invalide : {len(report['problems'])} problème(s)"
    else:
        summary = (
            f"{counts['records']} fiche(s) lues : {counts['new']} nouvelle(s), "
            f"{counts['changed']} modifiée(s), {counts['unchanged']} inchangée(s), "
            f"{counts['rejected']} rejet(s), {counts['would_merge']} rejoindrai(en)t un projet existant"
        )
        skipped = harvest_skipped_text(report["crawl"]["skipped"])
        summary += f" ; {skipped}" if skipped else ""
    job_finish(job_id, summary)
    return summary
