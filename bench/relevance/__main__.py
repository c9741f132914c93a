"""`python -m bench.relevance`: relevance figures per feature in a throwaway database and index."""

import os
import tempfile

with tempfile.TemporaryDirectory(prefix="carrefour-relevance-") as tmp:
    # The data directory (SQLite database, index) must be set before Django reads its settings.
    os.environ["CARREFOUR_DATA_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from bench.relevance.score import report

    report()
