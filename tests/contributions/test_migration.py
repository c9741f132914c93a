"""The former correction suggestions become contributions of kind suggestion, and come back if reversed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.search.factories import project_create

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("contributions", "0001_initial"), ("web", "0002_rate_limit_cache_table")]
AFTER = [("contributions", "0002_correction_suggestions"), ("web", "0003_correction_suggestions_moved")]
SENT = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def test_suggestions_are_migrated_with_their_status_text_and_contact() -> None:
    project = project_create("Épicerie solidaire")
    old_apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    suggestion = old_apps.get_model("web", "CorrectionSuggestion")
    for field, status, email in (("location", "nouvelle", "marie@example.org"), ("title", "refusee", "")):
        row = suggestion.objects.create(
            project_id=project.pk, field=field, message=f"À propos de {field}", email=email, status=status
        )
        suggestion.objects.filter(pk=row.pk).update(created_at=SENT)

    new_apps = _migrate(AFTER).loader.project_state(AFTER).apps
    contribution = new_apps.get_model("contributions", "Contribution")
    rows = list(
        contribution.objects.order_by("id").values_list(
            "kind", "project_id", "subject", "reason", "contact_email", "status", "created_at", "author_id"
        )
    )
    assert rows == [
        (
            "suggestion",
            project.pk,
            "location",
            "À propos de location",
            "marie@example.org",
            "pending",
            SENT,
            None,
        ),
        ("suggestion", project.pk, "title", "À propos de title", "", "rejected", SENT, None),
    ]

    back_apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    restored = back_apps.get_model("web", "CorrectionSuggestion")
    assert list(restored.objects.order_by("id").values_list("field", "status", "email", "created_at")) == [
        ("location", "nouvelle", "marie@example.org", SENT),
        ("title", "refusee", "", SENT),
    ]
    assert not back_apps.get_model("contributions", "Contribution").objects.exists()
    # The next tests need the whole schema again, later migrations of contributions included.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
