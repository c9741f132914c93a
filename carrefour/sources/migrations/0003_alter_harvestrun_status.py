"""HarvestRun status "interrupted": stopped by a signal or found running after its process died."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_harvestrun_field_fill_harvestrun_not_modified_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="harvestrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("running", "En cours"),
                    ("success", "Réussi"),
                    ("suspicious", "Suspect"),
                    ("failed", "Échoué"),
                    ("interrupted", "Interrompu"),
                ],
                default="running",
                max_length=20,
            ),
        ),
    ]
