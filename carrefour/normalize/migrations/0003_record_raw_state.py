"""Record.raw_state: the raw record's state its project was last merged with (crash-safe pipeline)."""

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def raw_state_copy(apps: Any, schema_editor: Any) -> None:
    """Records processed before this field existed saw their raw record's current state."""
    record = apps.get_model("normalize", "Record")
    raw = apps.get_model("harvest", "RawRecord")
    record.objects.update(raw_state=Subquery(raw.objects.filter(pk=OuterRef("raw_id")).values("state")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("harvest", "0003_rawrecord_list_version_rawrecord_listed_url"),
        ("normalize", "0002_record_warnings"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="raw_state",
            field=models.CharField(default="active", max_length=10),
        ),
        migrations.RunPython(raw_state_copy, migrations.RunPython.noop),
    ]
