"""Django app configuration."""

from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """The sources stage of the pipeline."""

    name = "carrefour.sources"
    label = "sources"
