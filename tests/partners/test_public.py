"""Public transparency: every validated source, one page each, the same facts in sources.json."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carrefour.harvest.models import HarvestRun
from carrefour.orchestration.contributed import contributions_source
from carrefour.search.services import index_rebuild
from carrefour.sources.models import Source
from tests.dedup.conftest import NOW
from tests.search.factories import project_create, source_attach, source_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources() -> dict[str, Source]:
    """A validated source with projects and runs, a pending and a refused one, the built-in one."""
    alpha = source_create("alpha")
    Source.objects.filter(pk=alpha.pk).update(
        website="https://alpha.example", frequency_hours=24, attribution="Réseau Alpha"
    )
    places = [("11", ["alimentation", "lien-social"]), ("11", ["alimentation"]), ("84", ["culture"])]
    for index, (region, themes) in enumerate(places):
        project = project_create(f"Projet {index}", region_code=region, themes=themes)
        source_attach(project, alpha, str(index))
    hidden = project_create("Projet dépublié", region_code="84", themes=["culture"], is_published=False)
    source_attach(hidden, alpha, "hidden")
    for hours, status in enumerate(["success", "failed", "success", "suspicious"]):
        start = NOW + timedelta(hours=hours)
        HarvestRun.objects.create(
            source=alpha, started_at=start, finished_at=start + timedelta(minutes=1), status=status
        )
    pending = source_create("en-attente")
    refused = source_create("refusee")
    Source.objects.filter(pk=pending.pk).update(review_status=Source.Review.PENDING, name="Plateforme cachée")
    Source.objects.filter(pk=refused.pk).update(
        review_status=Source.Review.REFUSED, name="Plateforme refusée"
    )
    return {"alpha": alpha, "pending": pending, "refused": refused, "builtin": contributions_source()}


def test_the_partners_page_lists_validated_sources_only(client: Client, sources: dict[str, Source]) -> None:
    assert reverse("partners") == "/partenaires"  # the name the site's pages link to
    page = client.get("/partenaires").content.decode()
    assert "Plateforme alpha" in page and "Contributions au Carrefour</a> (source intégrée)" in page
    assert "Plateforme cachée" not in page and "Plateforme refusée" not in page
    row = page[page.index('href="/partenaires/alpha"') :].split("</tr>")[0]
    last_success = (NOW + timedelta(hours=2, minutes=1)).isoformat()
    assert f'<time datetime="{last_success}">2025-03-01</time>' in row
    assert "<td>24 h</td>" in row and "<td>50 %</td>" in row and "<td>3</td>" in row
    assert 'href="/partenaires/sources.json"' in page


def test_a_partner_page_gives_counts_by_theme_and_by_region(
    client: Client, sources: dict[str, Source]
) -> None:
    page = client.get("/partenaires/alpha").content.decode()
    themes = page[page.index('id="par-theme"') :].split("</table>")[0]
    assert "<td>Alimentation et agriculture durable</td><td>2</td>" in themes
    assert "culture" in themes.lower() and themes.count("<tr>") == 4  # header + 3 themes
    regions = page[page.index('id="par-region"') :].split("</table>")[0]
    assert "<td>2</td>" in regions and "<td>1</td>" in regions and regions.count("<tr>") == 3
    assert "Réseau Alpha" in page and "https://alpha.example" in page
    assert "50 % des 4 dernières collectes" in page
    builtin = client.get("/partenaires/contributions").content.decode()
    assert "Source intégrée au Carrefour" in builtin
    assert client.get("/partenaires/en-attente").status_code == 404
    assert client.get("/partenaires/refusee").status_code == 404


def test_sources_json_gives_the_same_facts_with_stable_keys(
    client: Client, sources: dict[str, Source]
) -> None:
    response = client.get("/partenaires/sources.json")
    assert response["Content-Type"] == "application/json"
    assert "max-age=" in response["Cache-Control"] and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["error_rate_runs"] == 20
    by_slug = {source["slug"]: source for source in data["sources"]}
    assert set(by_slug) == {"alpha", "contributions"}
    alpha = by_slug["alpha"]
    assert set(alpha) == {
        "slug",
        "name",
        "builtin",
        "fictional",
        "kind",
        "website",
        "frequency_hours",
        "licence",
        "attribution",
        "last_success",
        "runs_counted",
        "error_rate",
        "projects",
        "themes",
        "regions",
    }
    assert alpha["projects"] == 3 and alpha["error_rate"] == 0.5 and alpha["runs_counted"] == 4
    assert alpha["themes"][0] == {
        "code": "alimentation",
        "label": "Alimentation et agriculture durable",
        "projects": 2,
    }
    assert [(region["code"], region["projects"]) for region in alpha["regions"]] == [("11", 2), ("84", 1)]
    assert alpha["last_success"] == (NOW + timedelta(hours=2, minutes=1)).isoformat()
    builtin = by_slug["contributions"]
    assert builtin["builtin"] is True and builtin["frequency_hours"] is None and builtin["error_rate"] is None


def test_the_home_page_tiles_leave_out_sources_waiting_for_validation(
    client: Client, sources: dict[str, Source]
) -> None:
    index_rebuild()
    tiles = client.get("/").content.decode()
    tiles = tiles[tiles.index('id="partenaires-liste"') :].split("</ul>")[0]
    assert "Plateforme alpha" in tiles
    assert "Plateforme cachée" not in tiles and "Plateforme refusée" not in tiles


def test_the_public_facts_are_computed_once_for_every_page_and_the_json(
    client: Client, sources: dict[str, Source]
) -> None:
    with CaptureQueriesContext(connection) as first:
        assert client.get("/partenaires").status_code == 200
    with CaptureQueriesContext(connection) as again:
        for path in ("/partenaires", "/partenaires/alpha", "/partenaires/sources.json"):
            assert client.get(path).status_code == 200
    scans = [q["sql"] for q in again.captured_queries if "projectsource" in q["sql"].lower()]
    assert any("projectsource" in q["sql"].lower() for q in first.captured_queries) and scans == []
    # A new run shows at once: the facts are kept only while no source or run changes.
    HarvestRun.objects.create(source=sources["alpha"], started_at=NOW, status="failed")
    assert "<td>60 %</td>" in client.get("/partenaires").content.decode()
    # A run that ends changes the facts at once too, although no run was added.
    start = NOW + timedelta(hours=10)
    running = HarvestRun.objects.create(source=sources["alpha"], started_at=start, status="running")
    assert "<td>60 %</td>" in client.get("/partenaires").content.decode()
    HarvestRun.objects.filter(pk=running.pk).update(status="failed", finished_at=start + timedelta(minutes=1))
    assert "<td>67 %</td>" in client.get("/partenaires").content.decode()
    assert client.get("/partenaires/inconnue").status_code == 404


def test_a_source_validated_or_refused_shows_or_disappears_at_once(
    client: Client, sources: dict[str, Source]
) -> None:
    assert client.get("/partenaires/en-attente").status_code == 404
    pending, alpha = sources["pending"], sources["alpha"]
    pending.refresh_from_db()
    pending.review_status = Source.Review.VALIDATED
    pending.save()
    assert client.get("/partenaires/en-attente").status_code == 200
    assert "Plateforme cachée" in client.get("/partenaires").content.decode()
    alpha.refresh_from_db()
    alpha.enabled = False
    alpha.save()
    assert client.get("/partenaires/alpha").status_code == 404
    assert "Plateforme alpha" not in client.get("/partenaires/sources.json").content.decode()


def test_the_public_partner_pages_are_in_the_search_rate_limit_group(
    client: Client, sources: dict[str, Source], settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "3/h"}
    paths = ["/partenaires", "/partenaires/alpha", "/partenaires/sources.json", "/partenaires"]
    assert [client.get(path).status_code for path in paths] == [200, 200, 200, 429]
    assert client.get("/partenaires/sources.json", REMOTE_ADDR="192.0.2.7").status_code == 200
