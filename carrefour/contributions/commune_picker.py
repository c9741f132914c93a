"""The commune picker of contribution forms: a commune typed (or chosen in suggestions) or a map click.

Without JavaScript the typed text is resolved on the server; with it, the chosen suggestion's code or
the clicked point comes along and decides. Any form gets the picker by inheriting CommuneFields and
including contributions/commune_picker/_picker.html.
"""

from __future__ import annotations

from typing import Any

from django import forms

from carrefour.territories.gazetteer import gazetteer_get
from carrefour.territories.geocoder import ResolvedLocation, location_resolve
from carrefour.territories.names import name_normalize

AMBIGUOUS_SHOWN = 6
PICKER_FIELDS = ("commune", "commune_code", "latitude", "longitude", "address")
_PRECISE = ("commune", "adresse")


def commune_label(location: ResolvedLocation) -> str:
    """ "Lyon (69)": how the picker shows a commune."""
    return f"{location.commune_name} ({location.departement_code})"


def _homonyms(text: str) -> list[str]:
    """Labels of the communes a typed name may designate, most populous first."""
    places = gazetteer_get().by_name.get(name_normalize(text.split("(")[0]), [])
    ranked = sorted(places, key=lambda place: -place.population)
    return [f"{place.name} ({place.departement_code})" for place in ranked[:AMBIGUOUS_SHOWN]]


def commune_resolve(
    text: str,
    code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
) -> ResolvedLocation:
    """The commune designated by a chosen code, a clicked point or a typed name (in that order).

    Raises ValueError with a French message saying what to do when unknown or ambiguous.
    """
    text = " ".join(text.split())[:200]
    clicked = not text and latitude is not None and longitude is not None
    if code:
        found = location_resolve(
            commune_code=code.removeprefix("commune:")[:5],
            latitude=latitude,
            longitude=longitude,
            address=address,
        )
    elif clicked:
        found = location_resolve(latitude=latitude, longitude=longitude, address=address)
    elif text:
        found = location_resolve(commune=text, latitude=latitude, longitude=longitude, address=address)
    else:
        raise ValueError("Indiquez la commune du projet, ou cliquez sur la carte.")
    if found.precision in _PRECISE and found.commune_code:
        return found
    homonyms = _homonyms(text) if text else []
    if len(homonyms) > 1:
        raise ValueError(
            "Plusieurs communes portent ce nom : "
            + ", ".join(homonyms)
            + ". Précisez le département entre parenthèses, par exemple « "
            + homonyms[0]
            + " »."
        )
    if clicked:
        raise ValueError("Aucune commune française à cet endroit : cliquez plus près d'une commune.")
    raise ValueError(
        f"Commune inconnue : « {text[:80]} ». Vérifiez l'orthographe ou indiquez le code postal."
    )


class CommuneFields(forms.Form):
    """The picker's fields; `clean` resolves them into cleaned_data["location"] (None when left empty
    and not required)."""

    commune_required = True

    commune = forms.CharField(
        label="Commune",
        max_length=200,
        required=False,
        help_text="Tapez le nom de la commune (ou son code postal), ou cliquez sur la carte.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "carrefour-commune"}),
    )
    # A commune chosen in the suggestions: "commune:<code>", as the search's territory field takes it.
    commune_code = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label="Adresse (facultatif)", required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        """Resolve the commune; an error on the commune field says why it could not be."""
        data = super().clean() or {}
        data["location"] = None
        given = [data.get(name) for name in ("commune", "commune_code", "latitude", "longitude")]
        if not self.commune_required and all(value in (None, "") for value in given):
            return data
        try:
            location = commune_resolve(
                data.get("commune") or "",
                data.get("commune_code") or "",
                data.get("latitude"),
                data.get("longitude"),
                data.get("address") or "",
            )
        except ValueError as error:
            self.add_error("commune", str(error))
        else:
            data["location"] = location
            # Shown as resolved if the form comes back (errors elsewhere, or back from the preview).
            data["commune"], data["commune_code"] = commune_label(location), location.commune_code
        return data
