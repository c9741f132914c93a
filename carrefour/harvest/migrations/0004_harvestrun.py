"""HarvestRun moves from the sources app to harvest: state only, its table stays sources_harvestrun."""

import django.db.models.deletion
from django.db import migrations, models

STATUSES = [
    ("running", "En cours"),
    ("success", "Réussi"),
    ("suspicious", "Suspect"),
    ("failed", "Échoué"),
    ("interrupted", "Interrompu"),
]


def _count(help_text: str = "") -> models.PositiveIntegerField:
    """A counter column as sources' migrations created it."""
    return models.PositiveIntegerField(default=0, help_text=help_text)


def _run_link(related_name: str) -> models.ForeignKey:
    """A raw record's link to a run, now to harvest.HarvestRun (same column, same table)."""
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name=related_name,
        to="harvest.harvestrun",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("harvest", "0003_rawrecord_list_version_rawrecord_listed_url"),
        ("sources", "0003_alter_harvestrun_status"),
    ]

    # No SQL: the table, its columns, index and foreign keys already exist under these names.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HarvestRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("status", models.CharField(choices=STATUSES, default="running", max_length=20)),
                        ("pages_fetched", _count()),
                        ("requests_made", _count("HTTP requests, retries included.")),
                        ("not_modified", _count("Responses answered 304 (HTTP cache).")),
                        ("records_seen", _count()),
                        ("records_created", _count()),
                        ("records_updated", _count()),
                        ("records_unchanged", _count()),
                        ("records_rejected", _count()),
                        ("records_gone", _count()),
                        (
                            "errors",
                            models.JSONField(blank=True, default=list, help_text="[{url, reason}], capped."),
                        ),
                        ("field_fill", models.JSONField(blank=True, default=dict)),
                        ("message", models.TextField(blank=True)),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="runs",
                                to="sources.source",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sources_harvestrun",
                        "ordering": ["-started_at"],
                        "indexes": [
                            models.Index(
                                fields=["source", "-started_at"], name="sources_har_source__9f2616_idx"
                            )
                        ],
                    },
                ),
                migrations.AlterField(model_name="rawrecord", name="last_run", field=_run_link("+")),
                migrations.AlterField(
                    model_name="rawrecord", name="changed_run", field=_run_link("changed_raw_records")
                ),
            ],
        ),
    ]
