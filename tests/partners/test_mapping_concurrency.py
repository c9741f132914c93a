"""Mapping saves one after another: a stale page is refused, queued re-applications are shared and kept."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carrefour.orchestration.jobs import job_start
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_harvest_now
from carrefour.orchestration.runs import run_guard
from carrefour.partners.job_errors import JOB_FAILED
from carrefour.sources.models import Source
from tests.accounts.conftest import signed_in
from tests.partners.conftest import mapping_form, theme_count
from tests.worker import tasks_run

URL = "/espace-partenaire/sources/regards-solidaires/vocabulaire"


def _themes(source: Source) -> dict[str, Any]:
    """The themes block of the source's definition in service."""
    source.refresh_from_db()
    return dict(source.definition["vocabularies"]["themes"])


def test_a_page_opened_before_a_colleague_s_save_is_refused_and_keeps_the_choices(
    partner_source: Source, make_user: Any
) -> None:
    me, colleague = signed_in(make_user("org_member")), signed_in(make_user("org_admin"))
    stale = me.get(URL).content.decode()
    saved = colleague.post(
        URL, mapping_form(colleague.get(URL).content.decode(), {"Jardins partagés": "environnement"})
    )
    assert saved.status_code == 302
    response = me.post(URL, mapping_form(stale, {"Tiers-lieux": "lien-social"}))
    html = response.content.decode()
    assert (
        response.status_code == 409 and "la définition a changé depuis l&#x27;ouverture de cette page" in html
    )
    assert re.search(r'name="themes:Tiers-lieux">.*?<option value="lien-social" selected>', html, re.S)
    # The colleague's mapping stands; nothing of the stale page was saved.
    assert _themes(partner_source)["Jardins partagés"] == "environnement"
    assert "Tiers-lieux" not in _themes(partner_source) and partner_source.versions.count() == 2
    response = me.post(URL, mapping_form(me.get(URL).content.decode(), {"Tiers-lieux": "lien-social"}))
    assert response.status_code == 302 and _themes(partner_source)["Jardins partagés"] == "environnement"


def test_a_form_without_its_version_saves_nothing(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    data = mapping_form(client.get(URL).content.decode(), {"Tiers-lieux": "lien-social"})
    del data["version"]
    response = client.post(URL, data)
    assert response.status_code == 400 and "rechargez la page" in response.content.decode()
    assert partner_source.versions.count() == 1


def test_a_save_while_a_reapplication_is_queued_joins_it(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    environment, social, food = (
        theme_count("environnement"),
        theme_count("lien-social"),
        theme_count("alimentation"),
    )
    first = client.post(
        URL, mapping_form(client.get(URL).content.decode(), {"Jardins partagés": "environnement"})
    )
    second = client.post(URL, mapping_form(client.get(URL).content.decode(), {"Tiers-lieux": "lien-social"}))
    assert second.status_code == 302 and second["Location"] == first["Location"]
    # Mappings changed or removed join it too: it compares the vocabularies it was queued with to those
    # in service when it starts.
    client.post(URL, mapping_form(client.get(URL).content.decode(), {"Alimentation durable": ""}))
    client.post(URL, mapping_form(client.get(URL).content.decode(), {"Mobilité": ""}))
    assert Job.objects.count() == 1 and partner_source.versions.count() == 5
    tasks_run()
    # The records of the four terms, each once: every record of this source.
    assert "6 fiches traitées" in Job.objects.get().summary
    assert theme_count("environnement") == environment + 3 and theme_count("lien-social") == social + 2
    assert theme_count("alimentation") == food - 2


def test_a_postponed_reapplication_waits_longer_each_time_and_keeps_what_it_compares(
    partner_source: Source, make_user: Any
) -> None:
    client = signed_in(make_user("org_member"))
    vocabularies = dict(partner_source.definition["vocabularies"])
    client.post(URL, mapping_form(client.get(URL).content.decode(), {"Jardins partagés": "environnement"}))
    waits = []
    with run_guard():  # a long harvest started from the command line
        for _ in range(6):
            tasks_run()
            waiting = DBTaskResult.objects.get(status="READY")
            waits.append(round((waiting.run_after - waiting.enqueued_at).total_seconds() / 60))
            DBTaskResult.objects.update(run_after=timezone.now())  # the wait is over, the lock still held
    # One waiting task at a time, a minute later, then twice as long each time up to a quarter of an hour.
    assert waits == [1, 2, 4, 8, 15, 15]
    job = Job.objects.get()
    partner_source.refresh_from_db()
    assert partner_source.vocabularies_applied == vocabularies and "en attente" in job.stage
    tasks_run()
    assert "Correspondances appliquées : 4 fiches traitées" in Job.objects.get().summary


def test_the_job_page_names_its_starter_and_hides_the_error_from_partners(
    partner_source: Source, make_user: Any
) -> None:
    member = make_user("org_member")
    member.first_name, member.last_name = "Camille", "Martin"
    member.save()
    Source.objects.filter(pk=partner_source.pk).update(review_status=Source.Review.PENDING)
    job = job_start(
        Job.Kind.HARVEST_NOW, source_harvest_now, partner_source.pk, source=partner_source, started_by=member
    )
    tasks_run()
    page = signed_in(member).get(f"/espace-partenaire/travaux/{job.pk}").content.decode()
    assert "par Camille Martin." in page and "par org_member" not in page
    assert JOB_FAILED.replace("'", "&#x27;") in page and "ValueError" not in page
    page = signed_in(make_user("administrator")).get(f"/espace-partenaire/travaux/{job.pk}").content.decode()
    assert "ValueError: cette source n&#x27;est pas validée" in page


def test_saving_mappings_is_rate_limited_per_account(
    partner_source: Source, make_user: Any, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mapping": "2/h"}
    client = signed_in(make_user("org_member"))
    data = mapping_form(client.get(URL).content.decode(), {})
    assert [client.post(URL, data).status_code for _ in range(3)] == [302, 302, 429]
    assert "plafond d&#x27;enregistrements de correspondances" in client.post(URL, data).content.decode()
    # Another account of the organisation keeps its own ceiling.
    assert signed_in(make_user("org_admin")).post(URL, data).status_code == 302
