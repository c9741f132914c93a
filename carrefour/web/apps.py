"""Django app configuration."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web stage of the pipeline."""

    name = "carrefour.web"
    label = "web"
