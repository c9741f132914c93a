"""Django app configuration."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The api stage of the pipeline."""

    name = "carrefour.api"
    label = "api"
