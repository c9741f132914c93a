"""Background tasks, run by `carrefour worker` (django-tasks, database backend).

Tasks must be idempotent: a task whose worker was killed is run again (carrefour/orchestration/workers.py).
Arguments and return values go through JSON: ids and strings, never model instances.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from carrefour.orchestration.jobs import job_finish, job_progress
from carrefour.orchestration.pipeline import pipeline_clusters_refresh
from carrefour.search.services import index_update

# Delays before the next attempts of a message the mail server refused or could not take.
EMAIL_RETRIES = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


@task()
def projects_reindex(project_ids: list[int]) -> int:
    """Re-index the given projects (after an accepted contribution); how many were asked."""
    index_update(project_ids)
    return len(set(project_ids))


@task()
def clusters_refresh(job_id: int, cluster_ids: list[int]) -> str:
    """Merge again and re-index the projects of clusters an admin split; the job's summary."""
    clusters = sorted(set(cluster_ids))
    job_progress(job_id, 0, len(clusters), "fusion des projets et index")
    changed = pipeline_clusters_refresh(clusters)
    job_progress(job_id, len(clusters), len(clusters))
    summary = (
        f"{len(clusters)} regroupement(s) recalculé(s), {len(changed)} projet(s) modifié(s) et ré-indexé(s)"
    )
    job_finish(job_id, summary)
    return summary


@task()
def email_send(recipients: list[str], subject: str, body: str, attempt: int = 1) -> int:
    """Send one plain-text message with Django's mail settings; retried later if the server fails."""
    try:
        return send_mail(subject, body, None, recipients)
    except smtplib.SMTPRecipientsRefused:
        raise  # the server refused the addresses themselves: trying again would not help
    except (smtplib.SMTPException, OSError):
        # This attempt is marked failed with its error; a later one is queued while retries remain.
        if attempt <= len(EMAIL_RETRIES):
            email_send.using(run_after=timezone.now() + EMAIL_RETRIES[attempt - 1]).enqueue(
                recipients, subject, body, attempt + 1
            )
        raise
