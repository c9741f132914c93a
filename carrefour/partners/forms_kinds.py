"""The form for the common kinds (pages HTML, API JSON, CSV, GeoJSON): plain French fields, no YAML."""

from __future__ import annotations

from typing import Any

from django import forms

from carrefour.contributions.edits import field_label
from carrefour.partners.editor import STARTER_KINDS
from carrefour.partners.forms_editor import COMMENT_MAX
from carrefour.partners.kinds import ENCODINGS, FORM_FIELDS, MULTIPLE

# What the form asks for the list, the next page and the identifier, by kind (label, help text).
KIND_HELP = {
    "html": "sélecteur CSS (::text, ::attr(nom))",
    "json_api": "chemin JSON (a.b, liste[0], data[*])",
    "csv": "nom de colonne (en-tête)",
    "geojson": "chemin JSON dans l'objet (properties.nom, id)",
}


def _text(
    label: str, help_text: str = "", *, required: bool = False, max_length: int = 500, strip: bool = True
) -> forms.CharField:
    """A one-line DSFR text field."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        strip=strip,
        widget=forms.TextInput(attrs={"class": "fr-input", "spellcheck": "false"}),
    )


class KindForm(forms.Form):
    """A source of a common kind: where it is, how its records are found, where each field is."""

    slug = forms.SlugField(
        label="Identifiant de la source",
        help_text="Lettres minuscules, chiffres et tirets ; il ne change plus ensuite.",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    name = _text("Nom de la plateforme", required=True, max_length=200)
    website = _text("Site de la plateforme", "Adresse http(s)://…")
    kind = forms.ChoiceField(
        label="Type de source",
        choices=list(STARTER_KINDS.items()),
        widget=forms.RadioSelect(attrs={"class": "fr-radio"}),
    )
    start_urls = forms.CharField(
        label="Adresse(s) de départ",
        help_text="Une adresse par ligne : la première page de la liste, l'API, le fichier CSV ou GeoJSON.",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2, "spellcheck": "false"}),
    )
    encoding = forms.ChoiceField(label="Encodage", choices=ENCODINGS, required=False)
    list_selector = _text(
        "Fiches de la liste",
        "Pages HTML : les liens vers les pages de détail (ex. article h2 a::attr(href)). "
        "API JSON : le chemin de la liste des fiches (ex. data[*]).",
    )
    next_selector = _text(
        "Page suivante (facultatif)",
        'Pages HTML : le lien « suivant » (ex. a[rel="next"]::attr(href)). '
        "API JSON : le champ qui donne l'adresse de la page suivante (ex. next). Vide : une seule page.",
    )
    # Not stripped: a space or a tab can be a separator.
    csv_delimiter = _text(
        "Séparateur des colonnes", "Fichier CSV : « ; » ou « , » (un caractère).", max_length=1, strip=False
    )
    csv_split = _text(
        "Séparateur des valeurs multiples",
        "Fichier CSV : entre deux thématiques d'une cellule, espaces compris (ex. « | »).",
        strip=False,
    )
    record_id = _text(
        "Identifiant de la fiche",
        "Ce qui identifie une fiche dans la source. Pages HTML : vide pour la fin de l'adresse de la page. "
        "Couche GeoJSON : une propriété de l'objet (ex. properties.code).",
    )
    comment = _text(
        "Commentaire", "Ce qui change et pourquoi (montré dans l'historique).", max_length=COMMENT_MAX
    )

    def __init__(
        self, *args: Any, organisations: Any = None, slug_fixed: bool = False, **kwargs: Any
    ) -> None:
        """One field per record field; the organisation for a new source; no slug once the source exists."""
        super().__init__(*args, **kwargs)
        for name in FORM_FIELDS:
            hint = "Liste : plusieurs valeurs." if name in MULTIPLE else ""
            self.fields[f"field_{name}"] = _text(field_label(name), hint, required=name == "title")
        self.fields["encoding"].widget.attrs["class"] = "fr-select"
        if slug_fixed:
            del self.fields["slug"]
            # The version the form was built on: a save over a newer one would undo it (checked on save).
            self.fields["version"] = forms.IntegerField(
                min_value=0,
                widget=forms.HiddenInput,
                error_messages={"required": "le formulaire n'indique pas sa version : rechargez la page"},
            )
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                label="Organisation qui publie la source",
                empty_label=None,
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
            self.order_fields(["organisation"])

    def record_fields(self) -> list[forms.BoundField]:
        """The fields of a record, for their own fieldset."""
        return [self[f"field_{name}"] for name in FORM_FIELDS]

    def clean_start_urls(self) -> str:
        """At least one address, each http(s) or {base_url}."""
        urls = [url.strip() for url in self.cleaned_data["start_urls"].splitlines() if url.strip()]
        if not urls:
            raise forms.ValidationError("Indiquez au moins une adresse.")
        for url in urls:
            if not url.startswith(("http://", "https://", "{base_url}")):
                raise forms.ValidationError(f"« {url} » : une adresse commence par http:// ou https://.")
        return "\n".join(urls)

    def clean(self) -> dict[str, Any]:
        """What each kind needs: the list of records (html, json_api), the identifier (the other kinds)."""
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in ("html", "json_api") and not data.get("list_selector"):
            self.add_error("list_selector", f"Obligatoire pour ce type de source ({KIND_HELP[kind]}).")
        if kind in ("json_api", "csv", "geojson") and not data.get("record_id"):
            self.add_error("record_id", f"Obligatoire pour ce type de source ({KIND_HELP[kind]}).")
        return data
