from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sources", "0005_source_versions")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="vocabularies_applied",
            field=models.JSONField(
                blank=True,
                default=None,
                help_text="The vocabularies block the stored records were last re-normalized with; null: unknown.",
                null=True,
            ),
        ),
    ]
