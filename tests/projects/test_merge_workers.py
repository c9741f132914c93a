"""Projects merged in worker processes are the projects merged in the main one."""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from carrefour.dedup.models import Cluster
from carrefour.projects.merge import Member, MemberRow, Publication
from carrefour.projects.models import Project, ProjectSource
from carrefour.projects.services import projects_sync

pytestmark = pytest.mark.django_db
_IGNORED = {"id", "updated_at", "created_at"}


def _projects() -> list[dict[str, Any]]:
    """Every project with its publications, without ids nor times."""
    rows = []
    for project in Project.objects.order_by("cluster_id"):
        values = {f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields}
        values = {k: v for k, v in values.items() if k not in _IGNORED}
        values["publications"] = sorted(
            ProjectSource.objects.filter(project=project).values_list(
                "raw_id", "source_record_id", "title", "gone"
            )
        )
        rows.append(values)
    return rows


def test_merging_in_workers_gives_the_same_projects(corpus: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    clusters = list(Cluster.objects.values_list("pk", flat=True))
    expected = _projects()
    assert len(expected) >= 3 and any(p["publications"] for p in expected)
    Project.objects.all().delete()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        # One cluster per chunk: several chunks are merged ahead of the one being written.
        changed = projects_sync(clusters, batch=1, pool=pool)
    assert len(changed) == len(expected)
    assert _projects() == expected
    # Merged again, in the main process this time: nothing changed, nothing is written.
    assert projects_sync(clusters, batch=1) == []


def test_member_rows_hold_the_fields_of_members_in_their_order() -> None:
    # clusters_merge builds each Member from a MemberRow by position, for speed.
    assert MemberRow._fields == tuple(f.name for f in dataclasses.fields(Member))


def test_publications_are_named_by_the_columns_of_project_sources() -> None:
    columns = {f.attname for f in ProjectSource._meta.concrete_fields}
    assert set(Publication._fields) <= columns
