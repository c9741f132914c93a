"""The JSON overrides of earlier versions become FieldOverride rows, their upstream to be learnt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from carrefour.projects.models import FieldOverride

BEFORE = [("projects", "0002_project_network_key")]
AFTER = [("projects", "0003_history_and_field_overrides")]


@pytest.mark.django_db(transaction=True)
def test_json_overrides_become_field_overrides_with_an_unknown_upstream() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    cluster = old.get_model("dedup", "Cluster").objects.create()
    project = old.get_model("projects", "Project").objects.create(
        cluster=cluster,
        title="Jardin",
        overrides={"summary": "Résumé corrigé", "themes": ["alimentation"], "inconnu": 1},
        updated_at=timezone.now(),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    rows = FieldOverride.objects.filter(project_id=project.pk).order_by("field")
    assert [(o.field, o.value, o.upstream_known, o.conflict) for o in rows] == [
        ("summary", "Résumé corrigé", False, False),
        ("themes", ["alimentation"], False, False),
    ]
    # Going back to projects 0002 also unapplied the later migrations of other apps (contributions,
    # web's removal of CorrectionSuggestion): the next tests need the whole schema again.
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
