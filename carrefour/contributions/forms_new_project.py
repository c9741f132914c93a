"""The form of a new project: the common schema's fields, its commune (picker), its source."""

from __future__ import annotations

from typing import Any

from django import forms

from carrefour.contributions.forms import ChangeForm
from carrefour.projects.merge import MERGED_FIELDS


class NewProjectForm(ChangeForm):
    """Every field of a project, empty; the commune resolved into cleaned_data["location"]."""

    commune_required = True
    reason = forms.CharField(
        label="D'où vient l'information ? (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Site du porteur, article, connaissance directe…",
    )
    confirm_new = forms.BooleanField(
        label="J'ai vérifié : ce projet n'est pas déjà sur le Carrefour.", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(None, *args, **kwargs)

    def proposal_values(self) -> dict[str, Any]:
        """The project fields as typed (the service cleans them as stored)."""
        return {name: self.cleaned_data.get(name) for name in MERGED_FIELDS}
