"""Records skipped by a definition's row filters are shown to the partner, per reason: in the preview of
a definition and in the summary of "Moissonner maintenant"."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string

from carrefour.accounts.services import organisation_source_add
from carrefour.harvest.models import HarvestRun
from carrefour.orchestration.models import Job
from carrefour.orchestration.preview import source_preview
from carrefour.sources.definitions import definition_check
from carrefour.sources.services import source_upsert_from_definition
from tests.accounts.conftest import signed_in
from tests.harvest.conftest import MiniSite, mini_site
from tests.harvest.test_filters import CSV_FLAGGED, NOT_PUBLISHED, ROWS
from tests.orchestration.preview_helpers import _partners_may_reach_the_simulator, as_text
from tests.worker import tasks_run

__all__ = ["_partners_may_reach_the_simulator", "mini_site"]

pytestmark = pytest.mark.django_db

# Rows 2 and 3 are flagged "non" to publish, row 4 has no name: 3 skipped, 3 kept, 1 rejected (no id).
SKIPPED = f"3 écartées par les filtres ({NOT_PUBLISHED} : 2 ; sans nom : 1)"


def _definition(site: MiniSite) -> dict[str, Any]:
    site.route("/initiatives.csv", ROWS, ctype="text/csv; charset=utf-8")
    definition = {
        "name": "Initiatives",
        "fictional": True,
        "politeness": {"delay": 0, "concurrency": 1},
        **CSV_FLAGGED,
        "start_urls": [f"{site.url}/initiatives.csv"],
    }
    assert definition_check(definition) == []
    return definition


def test_the_preview_counts_the_records_skipped_per_reason(mini_site: MiniSite) -> None:
    report = source_preview(as_text(_definition(mini_site)))
    assert report["problems"] == [] and report["counts"]["records"] == 3
    assert report["counts"]["skipped"] == 3
    assert report["crawl"]["skipped"] == [[NOT_PUBLISHED, 2], ["sans nom", 1]]
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "3 écartées par les filtres" in html
    assert f"{NOT_PUBLISHED} (2) ; sans nom (1)" in html.split('id="apercu-ecartees"')[1]


def test_harvest_now_says_how_many_records_the_filters_skipped(
    mini_site: MiniSite, make_user: Any, world: dict[str, Any]
) -> None:
    source = source_upsert_from_definition(_definition(mini_site))
    organisation_source_add(world["own_org"], source)
    client = signed_in(make_user("org_member"))
    job_url = client.post(f"/espace-partenaire/sources/{source.slug}/moissonner")["Location"]
    tasks_run()
    run = HarvestRun.objects.get(source=source)
    assert run.records_seen == 3 and run.records_skipped == [[NOT_PUBLISHED, 2], ["sans nom", 1]]
    assert SKIPPED in Job.objects.get().summary
    assert SKIPPED in client.get(job_url).content.decode()
