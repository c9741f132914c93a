"""Normalisation of place names into search keys shared by the loader and the geocoder."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviations written on partner sites and in La Poste's uppercase style ("ST ETIENNE").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = ("le ", "la ", "les ", "l ")
_SUR = re.compile(r"\bs/\s*")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def name_normalize(text: str) -> str:
    """Search key of a name: lowercase ASCII words, St/Ste expanded ('St-Étienne' → 'saint etienne')."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = _SUR.sub(" sur ", ascii_text)
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _NON_ALNUM.sub(" ", ascii_text).split())


def name_strip_article(key: str) -> str:
    """Search key without its leading article ('le havre' → 'havre'); the key itself if none."""
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article):
            return key[len(article) :]
    return key


def name_is_article(key: str) -> bool:
    """Whether a normalised word is a French article, as in the INSEE style 'Havre (Le)'."""
    return key in {"le", "la", "les", "l"}
