"""Django app configuration."""

from django.apps import AppConfig


class OrchestrationConfig(AppConfig):
    """Above the stages: chains them (harvest, import, pipeline commands) and guards runs."""

    name = "carrefour.orchestration"
    label = "orchestration"
