"""Every run of a partner-declared source is bounded: public hosts only, no local file, capped pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun
from carrefour.harvest.services import harvest_run
from carrefour.sources.models import Source
from tests.harvest.conftest import MiniSite, make_source
from tests.harvest.test_commands import serve_projects
from tests.harvest.test_faults import CSV_SOURCE, HTML_SOURCE, detail, list_page

pytestmark = pytest.mark.django_db


def partner(source: Source) -> Source:
    """The same source, declared by a partner (origin partner, validated)."""
    source.origin = Source.Origin.PARTNER
    source.save()
    return source


def test_a_partner_source_never_reaches_loopback_unless_allowed_for_partners(
    mini_site: MiniSite, settings: Any
) -> None:
    serve_projects(mini_site, 3)
    # The repository's sources may reach the loopback site (HARVEST_ALLOWED_HOSTS), partners may not.
    assert "127.0.0.1" in settings.HARVEST_ALLOWED_HOSTS
    settings.PARTNER_ALLOWED_HOSTS = []
    source = partner(make_source(HTML_SOURCE))
    refused = harvest_run(source, base_url=mini_site.url)
    assert refused.status == HarvestRun.Status.FAILED
    assert "l'adresse non publique 127.0.0.1" in refused.message and mini_site.log == []
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    allowed = harvest_run(source, base_url=mini_site.url)
    assert allowed.status == HarvestRun.Status.SUCCESS and allowed.records_seen == 3


def test_a_partner_source_run_stops_at_the_page_cap(mini_site: MiniSite, settings: Any) -> None:
    serve_projects(mini_site, 40)
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARTNER_MAX_PAGES = 4
    definition = {**HTML_SOURCE, "politeness": {"delay": 0, "concurrency": 1, "max_pages": 500}}
    run = harvest_run(partner(make_source(definition)), base_url=mini_site.url)
    # Requests already handed to the downloader (8 at most) still complete once the cap is reached.
    assert run.pages_fetched <= 4 + 8 and run.records_seen < 40, (run.pages_fetched, run.records_seen)
    # A capped run says nothing of the records it did not reach: none may be marked gone.
    assert run.status == HarvestRun.Status.SUSPICIOUS
    assert run.message == "liste incomplète — arrêtée au nombre de pages permis (politeness.max_pages)"
    # The same definition from a repository file goes as far as it says.
    full = harvest_run(make_source({**definition, "slug": "fichier"}), base_url=mini_site.url)
    assert (full.status, full.records_seen) == (HarvestRun.Status.SUCCESS, 40)


def test_a_partner_source_never_reads_a_local_file_even_as_start_url(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("id;nom;themes;lat;date\n1;Projet;A;45,1;01/02/2020\n", encoding="utf-8")
    definition = {**CSV_SOURCE, "start_urls": [data.as_uri()]}
    # Written straight into the table (as an old row could be): the crawl itself refuses the file.
    run = harvest_run(partner(make_source(definition)))
    assert run.status == HarvestRun.Status.FAILED
    assert "adresse file:// dans une source déclarée par un partenaire" in run.message
    assert harvest_run(make_source({**definition, "slug": "fichier"})).records_seen == 1


def test_a_partner_crawl_stays_on_its_own_hosts_and_reads_robots_txt(
    mini_site: MiniSite, settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    elsewhere = mini_site.url.replace("127.0.0.1", "localhost")
    mini_site.route("/list", list_page("/p/0", "/p/1", f"{elsewhere}/p/2"))
    for i in range(3):
        mini_site.route(f"/p/{i}", detail(f"Projet {i}"))
    # Whatever the partner writes, its crawl is polite: robots.txt read, one host, no other host.
    definition = {**HTML_SOURCE, "politeness": {"delay": 0, "concurrency": 8, "obey_robots": False}}
    run = harvest_run(partner(make_source(definition)), base_url=mini_site.url)
    assert run.records_seen == 2
    assert any("localhost n'est pas un hôte de la source de ce partenaire" in e["reason"] for e in run.errors)
    assert "/robots.txt" in mini_site.log
    # The same definition from a repository file follows the link and skips robots.txt as it says.
    mini_site.log.clear()
    full = harvest_run(make_source({**definition, "slug": "fichier"}), base_url=mini_site.url)
    assert full.records_seen == 3 and "/robots.txt" not in mini_site.log


def test_a_partner_source_run_stops_at_the_total_size_cap(mini_site: MiniSite, settings: Any) -> None:
    # Forty pages of 300 KB: each one far under the per-response cap, 12 MB together.
    padding = "<!-- " + "x" * 300_000 + " -->"
    mini_site.route("/list", list_page(*(f"/p/{i}" for i in range(40))))
    for i in range(40):
        mini_site.route(f"/p/{i}", detail(f"Projet {i}").replace("</body>", padding + "</body>"))
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARTNER_MAX_MB = 1
    definition = {**HTML_SOURCE, "politeness": {"delay": 0, "concurrency": 1}}
    run = harvest_run(partner(make_source(definition)), base_url=mini_site.url)
    # Past 1 MB (four pages) the crawl closes; requests already in the downloader still complete.
    assert run.pages_fetched <= 4 + 8 and run.records_seen < 40, (run.pages_fetched, run.records_seen)
    assert run.status == HarvestRun.Status.SUSPICIOUS
    assert run.message == (
        "liste incomplète — arrêtée au volume total téléchargé permis aux partenaires par moisson "
        "(CARREFOUR_PARTNER_MAX_MB)"
    )
    # The same definition from a repository file has no total cap.
    full = harvest_run(make_source({**definition, "slug": "fichier"}), base_url=mini_site.url)
    assert (full.status, full.records_seen) == (HarvestRun.Status.SUCCESS, 40)
