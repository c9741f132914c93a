"""Django app configuration."""

from django.apps import AppConfig


class OrchestrationConfig(AppConfig):
    """Above the stages: chains them (harvest, import, pipeline), guards runs, runs background tasks."""

    name = "carrefour.orchestration"
    label = "orchestration"
