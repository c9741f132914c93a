"""A moderator's edits of a proposed change before accepting it: the form, the differences, applying them."""

from __future__ import annotations

from typing import Any

from carrefour.accounts.selectors import user_display_name
from carrefour.contributions.forms import ChangeForm
from carrefour.contributions.models import Contribution
from carrefour.contributions.selectors import value_text
from carrefour.history.selectors import FIELD_LABELS
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.projects.models import ProjectChange
from carrefour.projects.overrides import values_clean


class ContributionEditForm(ChangeForm):
    """The proposal form, pre-filled with the project's values as the contribution would leave them."""

    def __init__(self, contribution: Contribution, *args: Any, **kwargs: Any) -> None:
        super().__init__(contribution.project, *args, **kwargs)
        self.initial.update({name: pair[1] for name, pair in contribution.fields.items()})
        reason = self.fields["reason"]
        reason.required, reason.label = False, "Message à l'auteur (facultatif)"
        reason.help_text = "Envoyé à l'auteur avec la liste de vos modifications."


def contribution_edits(contribution: Contribution, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [value proposed (or the project's), moderator's value]} of the values the moderator changed.

    Raises ValueError (French message) for a value the project would refuse, or when nothing changed.
    """
    project = contribution.project
    proposed = {name: pair[1] for name, pair in contribution.fields.items()}
    edits = {
        name: [proposed.get(name, getattr(project, name)), value]
        for name, value in values_clean(values).items()
        if value != proposed.get(name, getattr(project, name))
    }
    if not edits:
        raise ValueError("Vous n'avez rien modifié : acceptez la contribution telle quelle depuis la file.")
    return edits


def field_label(name: str) -> str:
    """A field's label in the proposal form (the history's for a field the form groups: location)."""
    field = ChangeForm.base_fields.get(name)
    return str(field.label) if field is not None and field.label else FIELD_LABELS.get(name, name)


def contribution_edits_apply(contribution: Contribution, moderator: Any, edits: dict[str, list[Any]]) -> None:
    """Apply the moderator's values in their name (history: who, which fields); kept on the contribution."""
    names = ", ".join(field_label(name) for name in edits)
    change = project_fields_edit_indexed(
        contribution.project_required(),
        {name: pair[1] for name, pair in edits.items()},
        moderator,
        f"Contribution de {user_display_name(contribution.author)} modifiée par la modération "
        f"avant acceptation ({names})",
        ProjectChange.Kind.MODERATION,
    )
    contribution.change = contribution.change or change
    contribution.moderator_fields = edits
    contribution.save(update_fields=["moderator_fields"])


def edits_text(edits: dict[str, list[Any]]) -> str:
    """The moderator's edits as the author reads them: "Titre : « proposé » devient « retenu »."."""
    return " ".join(
        f"{field_label(name)} : « {value_text(name, before)} » devient « {value_text(name, after)} »."
        for name, (before, after) in edits.items()
    )
