"""Django app configuration."""

from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """A commons app: the public history of each project, and reverting a change."""

    name = "carrefour.history"
    label = "history"
