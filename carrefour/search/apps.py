"""Django app configuration."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search stage of the pipeline."""

    name = "carrefour.search"
    label = "search"
