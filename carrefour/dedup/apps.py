"""Django app configuration."""

from django.apps import AppConfig


class DedupConfig(AppConfig):
    """The dedup stage of the pipeline."""

    name = "carrefour.dedup"
    label = "dedup"
