"""Forms of the source editor: the definition text, its organisation, a comment; a review's reason."""

from __future__ import annotations

from typing import Any

from django import forms

from carrefour.sources.models import SourceVersion

COMMENT_MAX = SourceVersion._meta.get_field("comment").max_length or 500


class DefinitionForm(forms.Form):
    """The YAML text and why it changed; the size is checked by the guards, with the other problems."""

    text = forms.CharField(
        label="Définition (YAML)",
        strip=False,
        widget=forms.Textarea(
            attrs={
                "class": "fr-input carrefour-yaml",
                "spellcheck": "false",
                "wrap": "off",
                "id": "definition",
            }
        ),
    )
    comment = forms.CharField(
        label="Commentaire",
        help_text="Ce qui change et pourquoi (montré dans l'historique).",
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The textarea as tall as the text, so that the line numbers beside it line up without script."""
        super().__init__(*args, **kwargs)
        text = self.data.get("text") if self.is_bound else self.initial.get("text", "")
        rows = min(str(text or "").count("\n") + 3, 2000)
        self.fields["text"].widget.attrs["rows"] = str(max(rows, 20))


class DefinitionEditForm(DefinitionForm):
    """An existing source's text, with the number of the version it was written on (checked on save)."""

    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": "le formulaire n'indique pas sa version : rechargez la page"},
    )


class NewSourceForm(DefinitionForm):
    """A new source: its definition and the organisation that publishes it."""

    field_order = ["organisation", "text", "comment"]

    def __init__(self, organisations: Any, *args: Any, **kwargs: Any) -> None:
        """The organisations the account may create sources for."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=organisations,
            label="Organisation qui publie la source",
            empty_label=None,
            widget=forms.Select(attrs={"class": "fr-select"}),
        )
        self.order_fields(self.field_order)


class RefuseForm(forms.Form):
    """Why an administrator refuses a version (the partner reads it)."""

    reason = forms.CharField(
        label="Motif du refus (lu par le partenaire)",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
    )
