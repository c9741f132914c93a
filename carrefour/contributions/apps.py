"""Django app configuration."""

from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    """A commons app: changes proposed by contributors, their moderation, and the authors' notifications."""

    name = "carrefour.contributions"
    label = "contributions"

    def ready(self) -> None:
        """Partners are told of the conflicts the pipeline finds; claims follow the merges it makes."""
        from carrefour.contributions.claims import claims_follow_merge
        from carrefour.contributions.partners import overrides_conflicted_notify
        from carrefour.projects.signals import overrides_conflicted, projects_emptied

        overrides_conflicted.connect(overrides_conflicted_notify, dispatch_uid="contributions-partners")
        projects_emptied.connect(claims_follow_merge, dispatch_uid="contributions-claims")
