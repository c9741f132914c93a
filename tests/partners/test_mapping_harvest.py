""" "Moissonner maintenant": queued once, refused for pending sources, rate-limited, run in the worker."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from carrefour.accounts.services import organisation_source_add
from carrefour.harvest.models import HarvestRun
from carrefour.orchestration.jobs import job_progress
from carrefour.orchestration.models import Job
from carrefour.orchestration.runs import run_guard
from carrefour.sources.definitions import definition_read
from carrefour.sources.models import Source
from carrefour.sources.services import source_upsert_from_definition
from tests.accounts.conftest import signed_in
from tests.simulator import World
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
URL = "/espace-partenaire/sources/regards-solidaires/moissonner"


def test_harvest_now_is_queued_once(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    first = client.post(URL)
    job = Job.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/espace-partenaire/travaux/{job.pk}"
    assert (job.source, job.started_by.username) == (partner_source, "org_member")
    second = client.post(URL)
    assert second.status_code == 409 and f"travail n° {job.pk}" in second.content.decode()
    assert Job.objects.count() == 1


def test_harvest_now_is_refused_for_a_source_not_validated(partner_source: Source, make_user: Any) -> None:
    Source.objects.filter(pk=partner_source.pk).update(review_status=Source.Review.PENDING)
    response = signed_in(make_user("org_member")).post(URL)
    assert response.status_code == 409 and "pas encore validée" in response.content.decode()
    assert not Job.objects.exists()


def test_harvest_now_is_rate_limited_per_account(
    partner_source: Source, make_user: Any, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "harvest_now": "2/h"}
    client = signed_in(make_user("org_member"))
    statuses = [client.post(URL).status_code for _ in range(3)]
    assert statuses == [302, 409, 429]
    assert "plafond de moissons" in client.post(URL).content.decode()


def test_harvest_now_runs_in_the_worker_with_progress(small_world: World, make_user: Any, world: Any) -> None:
    definition = definition_read(Path("sources/initiatives-data.yml"))
    source = source_upsert_from_definition({**definition, "base_url": small_world.urls["api"]})
    organisation_source_add(world["own_org"], source)
    client = signed_in(make_user("org_member"))
    job_url = client.post(f"/espace-partenaire/sources/{source.slug}/moissonner")["Location"]
    job = Job.objects.get()
    job_progress(job.pk, 0, 0, "en file")
    page = client.get(job_url).content.decode()
    assert 'http-equiv="refresh"' in page and "en attente du worker" in page
    tasks_run()
    page = client.get(job_url).content.decode()
    run = HarvestRun.objects.get(source=source)
    assert run.status == HarvestRun.Status.SUCCESS and run.records_created > 0
    assert "terminé" in page and f"{run.records_seen} fiches vues" in page
    assert 'http-equiv="refresh"' not in page


def test_a_crashed_task_is_reported_on_the_job_page(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    job_url = client.post(URL)["Location"]
    # Refused by the administrators after the partner asked: the task refuses to harvest it.
    Source.objects.filter(pk=partner_source.pk).update(review_status=Source.Review.REFUSED)
    tasks_run()
    page = client.get(job_url).content.decode()
    # The partner reads that it failed and that the team knows; the error line is for administrators.
    assert "La tâche a échoué ; l&#x27;équipe du Carrefour est prévenue." in page
    assert "n&#x27;est pas validée" not in page
    assert 'http-equiv="refresh"' not in page


def test_job_page_shows_progress_while_running(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    job_url = client.post(URL)["Location"]
    job_progress(Job.objects.get().pk, 250, 1000, "traitement des fiches")
    page = client.get(job_url).content.decode()
    assert "250 / 1000 fiches (25 %)" in page and "traitement des fiches" in page
    assert '<progress id="barre" max="1000" value="250">' in page


def test_a_harvest_waits_its_turn_while_another_run_holds_the_lock(
    partner_source: Source, make_user: Any
) -> None:
    client = signed_in(make_user("org_member"))
    job_url = client.post(URL)["Location"]
    queued = Job.objects.get().task_id
    with run_guard():  # a harvest or an import started from the command line
        tasks_run()
    assert Job.objects.get().task_id != queued  # queued again, a minute later
    page = client.get(job_url).content.decode()
    assert "en attente du worker" in page and "une autre moisson ou un traitement est en cours" in page
    assert not HarvestRun.objects.exists()


def test_harvest_now_waits_the_partners_minimum_interval_since_the_last_harvest(
    partner_source: Source, make_user: Any
) -> None:
    # The scheduled harvest ran two hours ago: a partner cannot harvest again before a day has passed.
    started = timezone.now() - timedelta(hours=2)
    # Its definition in service since before: no change to check.
    partner_source.versions.update(created_at=started, reviewed_at=started)
    HarvestRun.objects.create(source=partner_source, started_at=started, status=HarvestRun.Status.SUCCESS)
    client = signed_in(make_user("org_member"))
    refused = client.post(URL)
    allowed = timezone.localtime(started + timedelta(hours=24))
    assert refused.status_code == 409
    assert "moissonnée avec succès ou à votre demande il y a moins de 24 h" in refused.content.decode()
    assert f"à partir du {allowed:%d/%m/%Y à %H:%M}" in refused.content.decode()
    assert not Job.objects.exists()
    HarvestRun.objects.update(started_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert client.post(URL).status_code == 302 and Job.objects.count() == 1
