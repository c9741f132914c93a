"""Correction suggestions now live in contributions (copied by contributions 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0002_rate_limit_cache_table"),
        ("contributions", "0002_correction_suggestions"),
    ]

    operations = [migrations.DeleteModel(name="CorrectionSuggestion")]
