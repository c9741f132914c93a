"""Django app configuration."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """The projects stage of the pipeline."""

    name = "carrefour.projects"
    label = "projects"
