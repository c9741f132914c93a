"""Django app configuration."""

from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    """A commons app: changes proposed by contributors, their moderation, and the authors' notifications."""

    name = "carrefour.contributions"
    label = "contributions"

    def ready(self) -> None:
        """Partner organisations are told of conflicts the pipeline finds (the projects stage sends it)."""
        from carrefour.contributions.partners import overrides_conflicted_notify
        from carrefour.projects.signals import overrides_conflicted

        overrides_conflicted.connect(overrides_conflicted_notify, dispatch_uid="contributions-partners")
