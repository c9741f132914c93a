"""Django app configuration."""

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    """The territories stage of the pipeline."""

    name = "carrefour.territories"
    label = "territories"
