"""Web-triggered long work: a Job row the worker's task writes progress to and the admin page reads."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, transaction
from django_tasks import default_task_backend
from django_tasks.base import Task, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from carrefour.orchestration.models import Job
from carrefour.sources.models import Source

logger = logging.getLogger(__name__)

STATUS_LABELS = {
    TaskResultStatus.READY: "en attente du worker",
    TaskResultStatus.RUNNING: "en cours",
    TaskResultStatus.SUCCESSFUL: "terminé",
    TaskResultStatus.FAILED: "échoué",
}


@dataclass(frozen=True)
class JobState:
    """What the progress page says of a job: its status, whether it is over, its error if it failed."""

    label: str
    finished: bool
    error: str = ""


def job_start(
    kind: Job.Kind, task: Task[Any, Any], *args: Any, source: Source | None = None, started_by: Any = None
) -> Job:
    """Create a job and enqueue its task (which receives the job's id first, then `args`)."""
    job = Job.objects.create(kind=kind, source=source, started_by=started_by)
    job.task_id = str(task.enqueue(job.pk, *args).id)
    job.save(update_fields=["task_id"])
    return job


def job_progress(job_id: int, done: int, total: int, stage: str = "") -> None:
    """Record how far a job's task has gone (called by the task, read by the page), at best."""
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job_id).update(done=done, total=total, stage=stage)
    except OperationalError:
        # Progress only informs the page: a row a reader locks for a moment (SQLite) must not fail the
        # work it describes; the next call records it.
        logger.warning("progress of job %s not recorded: its row was locked", job_id)


def job_finish(job_id: int, summary: str) -> None:
    """Record a job's final summary."""
    Job.objects.filter(pk=job_id).update(stage="", summary=summary)


def job_state(job: Job) -> JobState:
    """The job's status as its task backend knows it, with the error of a failed task."""
    try:
        result = default_task_backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return JobState("tâche introuvable (résultats purgés ?)", finished=True)
    error = ""
    if result.status == TaskResultStatus.FAILED and result.errors:
        # The last line of the traceback: the exception and its message, not the stack.
        error = result.errors[-1].traceback.strip().splitlines()[-1]
    return JobState(STATUS_LABELS[result.status], finished=result.is_finished, error=error)


def source_job_queued(source: Source, kind: Job.Kind, recent: int = 5) -> Job | None:
    """The source's job of this kind whose task waits for the worker (not started yet), if any."""
    for job in Job.objects.filter(source=source, kind=kind).order_by("-pk")[:recent]:
        try:
            if default_task_backend.get_result(job.task_id).status == TaskResultStatus.READY:
                return job
        except TaskResultDoesNotExist:
            continue
    return None


def source_jobs_recent(source: Source, limit: int = 5) -> list[Job]:
    """The latest jobs started on a source, newest first."""
    return list(Job.objects.filter(source=source).select_related("started_by").order_by("-pk")[:limit])
