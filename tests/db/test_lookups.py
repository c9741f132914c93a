"""A filter over thousands of keys selects exactly the rows `__in` selects, across relations too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carrefour.db.bulk import keys_create, values_insert
from carrefour.db.lookups import keys_in
from carrefour.dedup.models import Cluster
from carrefour.projects.models import Project

pytestmark = pytest.mark.django_db


def test_thousands_of_keys_select_the_same_rows_as_in() -> None:
    clusters = keys_create(Cluster, 3000)
    now = timezone.now()
    values_insert(Project, [{"cluster_id": c, "title": f"Projet {c}", "updated_at": now} for c in clusters])
    wanted = [*clusters[::2], max(clusters) + 10]  # one key that exists nowhere
    expected = set(Project.objects.filter(cluster_id__in=wanted).values_list("pk", flat=True))
    assert len(expected) == 1500
    with CaptureQueriesContext(connection) as queries:
        got = set(Project.objects.filter(keys_in("cluster_id", wanted)).values_list("pk", flat=True))
        related = Project.objects.filter(keys_in("cluster__id", iter(wanted)))
        through = set(related.values_list("pk", flat=True))
    assert got == through == expected
    if connection.vendor == "postgresql":
        # One array parameter, not one placeholder per key (the log shows the array's values bound).
        assert all("= ANY(" in q["sql"] and " IN (" not in q["sql"] for q in queries.captured_queries)


def test_no_keys_select_nothing() -> None:
    values_insert(Cluster, [{}])
    assert not Cluster.objects.filter(keys_in("pk", [])).exists()
