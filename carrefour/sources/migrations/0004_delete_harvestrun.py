"""HarvestRun now lives in the harvest app (state only: the table stays, harvest's model uses it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_alter_harvestrun_status"),
        # After harvest's raw records point to harvest.HarvestRun, nothing refers to this model.
        ("harvest", "0004_harvestrun"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="HarvestRun")]),
    ]
