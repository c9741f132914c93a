"""Account deletion: the password confirms it is the owner."""

from __future__ import annotations

from typing import Any

from django import forms


class AccountDeleteForm(forms.Form):
    """Password confirmation before the account and its personal data are deleted."""

    password = forms.CharField(
        label="Votre mot de passe",
        help_text="Pour confirmer qu'il s'agit bien de vous.",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        """Keep the account whose password is checked."""
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        """Refuse a wrong password: nothing is deleted."""
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect : votre compte n'a pas été supprimé.")
        return password
