"""HarvestRun moved from sources to harvest: a database migrated before the move keeps its runs and links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.selectors import harvest_run_last, harvest_run_last_success
from carrefour.sources.models import Source

BEFORE_MOVE = [
    ("sources", "0003_alter_harvestrun_status"),
    ("harvest", "0003_rawrecord_list_version_rawrecord_listed_url"),
]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    """Migrate the test database to `targets` with a fresh executor (the real migration files)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.fixture
def before_move() -> Iterator[MigrationExecutor]:
    """The database at the last migrations before the move; migrated back to the latest afterwards."""
    executor = _migrate(BEFORE_MOVE)
    yield executor
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _old_data(executor: MigrationExecutor) -> dict[str, int]:
    """A source with two runs and a raw record linked to both, written through the old models."""
    old = executor.loader.project_state(BEFORE_MOVE).apps
    old_source, old_run = old.get_model("sources", "Source"), old.get_model("sources", "HarvestRun")
    old_raw = old.get_model("harvest", "RawRecord")
    now = timezone.now()
    source = old_source.objects.create(slug="ancienne", name="Ancienne", kind="html")
    first = old_run.objects.create(
        source=source, started_at=now - timedelta(days=1), status="success", records_seen=7
    )
    second = old_run.objects.create(source=source, started_at=now, status="failed", message="injoignable")
    raw = old_raw.objects.create(
        source=source,
        source_record_id="p1",
        payload={"title": "Jardin"},
        content_hash="h",
        fetched_at=now,
        first_seen_at=now,
        last_seen_at=now,
        last_run=second,
        changed_run=first,
    )
    return {"source": source.pk, "first": first.pk, "second": second.pk, "raw": raw.pk}


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_from_before_the_move_keeps_every_run_and_link(
    before_move: MigrationExecutor,
) -> None:
    ids = _old_data(before_move)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    source = Source.objects.get(pk=ids["source"])
    assert HarvestRun._meta.db_table == "sources_harvestrun"
    assert list(source.runs.values_list("pk", "status")) == [
        (ids["second"], "failed"),
        (ids["first"], "success"),
    ]
    last, success = harvest_run_last(source), harvest_run_last_success(source)
    assert last is not None and (last.pk, last.message) == (ids["second"], "injoignable")
    assert success is not None and (success.pk, success.records_seen) == (ids["first"], 7)
    raw = RawRecord.objects.get(pk=ids["raw"])
    assert (raw.last_run_id, raw.changed_run_id) == (ids["second"], ids["first"])
    assert list(HarvestRun.objects.get(pk=ids["first"]).changed_raw_records.all()) == [raw]

    # The database's own foreign keys and sequence still work: new runs, deletes that null the links.
    third = HarvestRun.objects.create(source=source, started_at=timezone.now())
    assert third.pk > ids["second"]
    HarvestRun.objects.filter(pk__in=[ids["first"], ids["second"]]).delete()
    raw.refresh_from_db()
    assert (raw.last_run_id, raw.changed_run_id) == (None, None)
    RawRecord.objects.filter(source=source).delete()
    source.delete()  # its runs go with it
    assert not HarvestRun.objects.exists()
