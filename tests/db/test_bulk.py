"""Bulk writes convert values once per column: they must store exactly what Django would."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DataError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from carrefour.db.bulk import column_converter, keys_create, rows_update, tables_analyze, values_insert
from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.projects.models import Project, ProjectSource

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime"),
]
MODELS: tuple[type[Model], ...] = (RawRecord, Record, ClusterMember, Project, ProjectSource)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_converted_values_are_those_django_saves(corpus: Path, model: type[Model]) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    objects = list(model._default_manager.all())
    assert objects
    fields: list[Field] = [f for f in model._meta.concrete_fields if not f.primary_key]  # type: ignore[misc]
    for field in fields:
        convert = column_converter(field, connection)
        # Stored values, then values of the wrong type or shape, which must take Django's own path.
        values = [getattr(obj, field.attname) for obj in objects]
        values += [None, "", 7, True, 2.5, datetime(2024, 5, 1, 12, 30)]
        for value in values:
            try:
                expected = field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, ValidationError):
                continue  # not a value this column takes
            got = convert(value)
            assert type(got) is type(expected), (model.__name__, field.name, value)
            # PostgreSQL's JSON parameters are wrappers without equality: compare what they wrap.
            assert getattr(got, "obj", got) == getattr(expected, "obj", expected), (field.name, value)


def test_values_insert_fills_defaults_and_times() -> None:
    before = timezone.now()
    assert values_insert(Cluster, [{}, {"decided_by_admin": True}]) == 2
    rows = list(Cluster.objects.order_by("pk").values_list("decided_by_admin", "created_at"))
    assert [decided for decided, _ in rows] == [False, True]
    assert all(created >= before for _, created in rows)


def test_keys_create_returns_the_keys_of_the_new_rows() -> None:
    old = set(Cluster.objects.values_list("pk", flat=True))
    keys = keys_create(Cluster, 1201, batch=500)
    assert len(set(keys)) == 1201 and not old & set(keys)
    assert set(Cluster.objects.values_list("pk", flat=True)) == old | set(keys)


def test_rows_update_writes_the_fields_and_stamps_auto_now_columns(corpus: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    records = list(Record.objects.order_by("pk")[:2])
    before = timezone.now()
    assert all(record.updated_at < before for record in records)
    for record in records:
        record.raw_state = "gone"
    assert rows_update(records, ["raw_state"]) == 2
    stored = Record.objects.filter(pk__in=[record.pk for record in records]).order_by("pk")
    assert [(r.raw_state, r.updated_at) for r in stored] == [("gone", r.updated_at) for r in records]
    assert all(record.updated_at >= before for record in records)


def test_rows_update_leaves_creation_times_alone() -> None:
    values_insert(Cluster, [{}])
    cluster = Cluster.objects.get()
    created = cluster.created_at
    cluster.decided_by_admin = True
    assert rows_update([cluster], ["decided_by_admin"]) == 1
    assert Cluster.objects.values_list("decided_by_admin", "created_at").get() == (True, created)


def _planner_rows(model: type[Model]) -> float:
    """How many rows PostgreSQL's planner believes the table holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return float(cursor.fetchone()[0])


def test_tables_analyze_lets_the_planner_see_rows_written_in_the_open_transaction() -> None:
    clusters = keys_create(Cluster, 3000)
    tables_analyze([Cluster])  # no-op on SQLite, which plans without these statistics
    if connection.vendor == "postgresql":
        # Statistics from an emptier table made the merge query nest loops for over 12 minutes.
        assert _planner_rows(Cluster) == len(clusters) == 3000


def test_a_value_too_long_for_its_column_is_never_cut() -> None:
    project = Project.objects.create(
        cluster=Cluster.objects.create(), title="court", updated_at=timezone.now()
    )
    project.title = "x" * 301  # Project.title is varchar(300) on PostgreSQL
    try:
        with transaction.atomic():
            rows_update([project], ["title"])
    except DataError:
        assert connection.vendor == "postgresql"  # refused, as a row saved by Django would be
        assert Project.objects.get().title == "court"
    else:
        assert Project.objects.get().title == "x" * 301  # SQLite keeps the whole text
