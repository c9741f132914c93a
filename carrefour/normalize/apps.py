"""Django app configuration."""

from django.apps import AppConfig


class NormalizeConfig(AppConfig):
    """The normalize stage of the pipeline."""

    name = "carrefour.normalize"
    label = "normalize"
