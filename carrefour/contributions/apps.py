"""Django app configuration."""

from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    """A commons app: changes proposed by contributors, their moderation, and the authors' notifications."""

    name = "carrefour.contributions"
    label = "contributions"
