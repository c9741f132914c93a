"""Django app configuration."""

from django.apps import AppConfig


class HarvestConfig(AppConfig):
    """The harvest stage of the pipeline."""

    name = "carrefour.harvest"
    label = "harvest"
