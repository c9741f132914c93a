"""Suggest-a-correction form."""

from __future__ import annotations

from django import forms

from carrefour.web.models import CorrectionSuggestion


class CorrectionForm(forms.ModelForm):
    """Field, proposed correction and an optional e-mail; a hidden trap field catches robots."""

    website_confirm = forms.CharField(required=False, label="Ne pas remplir ce champ")

    class Meta:
        model = CorrectionSuggestion
        fields = ("field", "message", "email")
        widgets = {
            "field": forms.Select(attrs={"class": "fr-select"}),
            "message": forms.Textarea(attrs={"class": "fr-input", "rows": 6}),
            "email": forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "email"}),
        }

    def is_robot(self) -> bool:
        """The trap field was filled."""
        return bool(self.cleaned_data.get("website_confirm"))
