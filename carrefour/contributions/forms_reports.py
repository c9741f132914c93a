"""Forms: reporting a duplicate or distinct projects, claiming a project, deciding on a claim."""

from __future__ import annotations

from django import forms

REASON_LABEL = "Qu'est-ce qui vous fait dire cela ?"


class DuplicateForm(forms.Form):
    """The other project (number, address, or chosen among search results) and why."""

    other = forms.CharField(
        label="Numéro ou adresse de l'autre projet",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
        help_text="Par exemple 1234 ou https://…/projets/1234-nom-du-projet ; ou cherchez-le ci-dessous.",
    )
    reason = forms.CharField(
        label=REASON_LABEL, max_length=2000, widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3})
    )


class NotDuplicateForm(forms.Form):
    """The records that describe another project, and why."""

    records = forms.TypedMultipleChoiceField(
        label="Fiches qui décrivent un autre projet", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=REASON_LABEL, max_length=2000, widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3})
    )

    def __init__(self, choices: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["records"].choices = choices  # type: ignore[attr-defined]


class ClaimForm(forms.Form):
    """What a project holder says about themselves."""

    message = forms.CharField(
        label="Votre rôle dans le projet et comment le vérifier",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 4}),
        help_text="Par exemple : « coordinatrice de l'association, joignable par le site du projet ».",
    )
