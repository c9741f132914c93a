""" "Moissonner maintenant" once a day after a harvest that worked, at once after a failure or a change."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from carrefour.harvest.models import HarvestRun
from carrefour.orchestration.models import Job
from carrefour.sources.models import Source, SourceVersion
from tests.accounts.conftest import signed_in

pytestmark = pytest.mark.django_db
URL = "/espace-partenaire/sources/regards-solidaires/moissonner"
DASHBOARD = "/espace-partenaire/sources/regards-solidaires/"


def _run(source: Source, hours_ago: float, status: str) -> HarvestRun:
    """A run of the source started hours ago, its definition in service since before it."""
    earlier = timezone.now() - timedelta(hours=hours_ago + 1)
    SourceVersion.objects.filter(source=source).update(created_at=earlier, reviewed_at=earlier)
    started = timezone.now() - timedelta(hours=hours_ago)
    return HarvestRun.objects.create(source=source, started_at=started, status=status)


def test_a_failed_run_can_be_retried_at_once(partner_source: Source, make_user: Any) -> None:
    _run(partner_source, 3, HarvestRun.Status.SUCCESS)
    _run(partner_source, 1, HarvestRun.Status.FAILED)
    client = signed_in(make_user("org_member"))
    page = client.get(DASHBOARD)
    assert page.status_code == 200 and "Moissonner maintenant" in page.content.decode()
    assert "moisson-prochaine" not in page.content.decode()
    assert client.post(URL).status_code == 302 and Job.objects.count() == 1


def test_a_definition_changed_since_the_last_run_can_be_checked_at_once(
    partner_source: Source, make_user: Any
) -> None:
    _run(partner_source, 2, HarvestRun.Status.SUCCESS)
    client = signed_in(make_user("org_member"))
    assert client.post(URL).status_code == 409
    number = partner_source.versions.count() + 1
    SourceVersion.objects.create(
        source=partner_source, number=number, text="", status=SourceVersion.Status.APPLIED
    )
    assert client.post(URL).status_code == 302 and Job.objects.count() == 1


def test_a_scheduled_suspicious_run_does_not_block_but_an_asked_harvest_does(
    partner_source: Source, make_user: Any
) -> None:
    # Neither a success nor asked for by the partner: the interval does not count from it.
    _run(partner_source, 2, HarvestRun.Status.SUSPICIOUS)
    client = signed_in(make_user("org_member"))
    assert client.post(URL).status_code == 302
    # The asked-for harvest is over (its task result purged) and was asked an hour ago.
    Job.objects.update(created_at=timezone.now() - timedelta(hours=1), task_id=str(uuid.uuid4()))
    refused = client.post(URL)
    assert refused.status_code == 409 and "à votre demande il y a moins de 24 h" in refused.content.decode()
    allowed = timezone.localtime(Job.objects.get().created_at + timedelta(hours=24))
    page = client.get(DASHBOARD).content.decode()
    assert f"possible à partir du {date_format(allowed, 'j F Y à H:i')}" in page


def test_an_asked_harvest_that_fails_again_waits_unless_the_definition_changes(
    partner_source: Source, make_user: Any
) -> None:
    _run(partner_source, 3, HarvestRun.Status.SUCCESS)
    _run(partner_source, 2, HarvestRun.Status.FAILED)
    client = signed_in(make_user("org_member"))
    assert client.post(URL).status_code == 302  # the one retry after a scheduled failure
    # That asked-for harvest failed too (its task over): no loop of retries against a broken site.
    Job.objects.update(created_at=timezone.now() - timedelta(hours=1), task_id=str(uuid.uuid4()))
    HarvestRun.objects.create(
        source=partner_source,
        started_at=timezone.now() - timedelta(minutes=50),
        status=HarvestRun.Status.FAILED,
    )
    assert client.post(URL).status_code == 409
    # A fixed definition put in service gives one harvest to check it, and only one.
    number = partner_source.versions.count() + 1
    SourceVersion.objects.create(
        source=partner_source, number=number, text="", status=SourceVersion.Status.APPLIED
    )
    assert client.post(URL).status_code == 302
    Job.objects.update(task_id=str(uuid.uuid4()))  # finished
    assert client.post(URL).status_code == 409
