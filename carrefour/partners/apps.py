"""Django app configuration."""

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """A commons app: partners run their own sources (editor, preview, mapping, dashboard); public pages."""

    name = "carrefour.partners"
    label = "partners"
