"""Admin of sources, runs and lookup tables (harvest app): staff see the health, others nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carrefour.harvest.models import HarvestRun, LookupTable
from carrefour.sources.models import Source, SourceVersion

pytestmark = pytest.mark.django_db
PAGES = ("/admin/sources/source/", "/admin/harvest/harvestrun/")


@pytest.fixture
def runs() -> Source:
    """A source whose last run failed after a success."""
    source = Source.objects.create(slug="ancienne", name="Ancienne", kind="html")
    now = timezone.now()
    HarvestRun.objects.create(
        source=source, started_at=now - timedelta(days=1), status="success", records_seen=7
    )
    HarvestRun.objects.create(source=source, started_at=now, status="failed", records_seen=0)
    return source


def test_staff_see_each_source_with_its_last_run_and_trend_and_every_run(runs: Source) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    sources, all_runs = (client.get(page) for page in PAGES)
    assert sources.status_code == all_runs.status_code == 200
    assert "failed" in sources.content.decode() and "7 → 0!" in sources.content.decode()
    assert all_runs.content.decode().count("ancienne") >= 2


def test_visitors_and_non_staff_users_are_sent_to_the_login(runs: Source) -> None:
    member = Client()
    member.force_login(User.objects.create_user("membre", "m@example.org", "pw"))
    for client in (Client(), member):
        for page in PAGES:
            response = client.get(page)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_read_the_versions_of_a_source_but_cannot_edit_them(runs: Source) -> None:
    author = User.objects.create_user("partenaire")
    SourceVersion.objects.create(
        source=runs, number=1, text="slug: ancienne\n", author=author, comment="Départ"
    )
    SourceVersion.objects.create(
        source=runs, number=2, text="slug: ancienne\n#\n", status="refused", review_reason="Hôte inconnu"
    )
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    page = client.get(f"/admin/sources/source/{runs.pk}/change/").content.decode()
    assert "Départ" in page and "partenaire" in page and "Hôte inconnu" in page and "Refusée" in page
    # Read-only: no field to edit a version, no empty form to add one, no box to delete one.
    assert 'name="versions-0-comment"' not in page and 'name="versions-0-DELETE"' not in page
    assert 'name="versions-__prefix__-' not in page


def test_staff_read_the_cached_lookup_tables_of_each_source(runs: Source) -> None:
    LookupTable.objects.create(
        source=runs,
        name="categories",
        digest="d1",
        entries={"3": "Alimentation", "4": "Santé"},
        fetched_at=timezone.now(),
    )
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    response = client.get("/admin/harvest/lookuptable/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "categories" in page and "ancienne" in page
    assert "/admin/harvest/lookuptable/add/" not in page
