"""Forms: a proposed change (the project's merged fields pre-filled, a reason), a free-text suggestion."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from carrefour.contributions.commune_picker import PICKER_FIELDS, CommuneFields
from carrefour.contributions.models import Contribution
from carrefour.normalize.vocabularies import vocabularies
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import LOCATION, Project

_TEXT_LIMITS = {"title": 300, "summary": 2000, "description": 20000, "organization": 300}


def _choices(vocabulary: dict[str, str], current: list[str]) -> list[tuple[str, str]]:
    """A vocabulary's terms, plus a project's current values it lacks (kept selectable, not lost)."""
    return [*vocabulary.items(), *((code, code) for code in current if code and code not in vocabulary)]


class ChangeForm(CommuneFields):
    """Every field a contributor may change, with the project's values as initial data."""

    # A project placed only in a département, a région or nationwide may stay so.
    commune_required = False
    field_order = [*MERGED_FIELDS, *PICKER_FIELDS, "reason"]

    title = forms.CharField(label="Titre", max_length=_TEXT_LIMITS["title"])
    summary = forms.CharField(
        label="Résumé",
        required=False,
        max_length=_TEXT_LIMITS["summary"],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=_TEXT_LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Mise en forme simple acceptée (paragraphes, listes, liens) ; le reste est retiré.",
    )
    themes = forms.MultipleChoiceField(label="Thèmes", required=False, widget=forms.CheckboxSelectMultiple)
    publics = forms.MultipleChoiceField(label="Publics", required=False, widget=forms.CheckboxSelectMultiple)
    actor_type = forms.ChoiceField(label="Type de porteur", required=False)
    organization = forms.CharField(label="Organisation porteuse", required=False, max_length=300)
    scale = forms.ChoiceField(label="Échelle", required=False)
    status = forms.ChoiceField(label="État d'avancement", required=False)
    start_year = forms.IntegerField(
        label="Année de démarrage", required=False, min_value=1800, max_value=2100
    )
    website = forms.URLField(label="Site web", required=False, max_length=500, assume_scheme="https")
    reason = forms.CharField(
        label="Motif ou source de la modification",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire : d'où vient l'information (site du porteur, article, connaissance directe…).",
        error_messages={"required": "Indiquez le motif ou la source de la modification."},
    )

    def __init__(self, project: Project | None, *args: Any, **kwargs: Any) -> None:
        """`project` None: a new project's form, empty."""
        if project is not None:
            kwargs["initial"] = {name: getattr(project, name) for name in (*MERGED_FIELDS, "address")}
            if project.commune_code:
                kwargs["initial"]["commune"] = f"{project.commune_name} ({project.departement_code})"
                kwargs["initial"]["commune_code"] = project.commune_code
        super().__init__(*args, **kwargs)
        terms = vocabularies()
        for name in ("themes", "publics"):
            many = cast(forms.MultipleChoiceField, self.fields[name])
            many.choices = _choices(terms[name], list(getattr(project, name, None) or []))
        for name in ("actor_type", "scale", "status"):
            one = cast(forms.ChoiceField, self.fields[name])
            one.choices = [("", "(non renseigné)"), *_choices(terms[name], [getattr(project, name, "")])]

    def clean(self) -> dict[str, Any]:
        """Line ends as one character: browsers send CRLF, which would count as a change."""
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = value.replace("\r\n", "\n")
        return data

    def changed_values(self) -> dict[str, Any]:
        """The project fields the contributor changed (the service keeps those that really change);
        the place as one LOCATION value, re-derived from the commune, when any picker field changed."""
        values = {name: self.cleaned_data[name] for name in self.changed_data if name in MERGED_FIELDS}
        location = self.cleaned_data.get("location")
        if location is not None and set(self.changed_data) & set(PICKER_FIELDS):
            values[LOCATION] = location.to_dict()
        return values


class SuggestionForm(forms.ModelForm):
    """Subject, suggestion and an optional e-mail; a hidden trap field catches robots."""

    website_confirm = forms.CharField(required=False, label="Ne pas remplir ce champ")

    class Meta:
        model = Contribution
        fields = ("subject", "reason", "contact_email")
        labels = {"reason": "Correction proposée"}
        widgets = {
            "subject": forms.Select(attrs={"class": "fr-select"}),
            "reason": forms.Textarea(attrs={"class": "fr-input", "rows": 6}),
            "contact_email": forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "email"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].required = True

    def is_robot(self) -> bool:
        """The trap field was filled."""
        return bool(self.cleaned_data.get("website_confirm"))
