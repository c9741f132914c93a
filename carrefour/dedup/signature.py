"""Compact matching signature of a record: what de-duplication compares, small enough to keep in memory."""

from __future__ import annotations

import html
import re
import zlib
from typing import Any
from urllib.parse import urlsplit

from carrefour.normalize.text import text_fold, text_key
from carrefour.territories.gazetteer import gazetteer_get
from carrefour.territories.names import name_normalize

# Bumped whenever signature_build changes: stored signatures of another version are rebuilt.
SIGNATURE_VERSION = 2
SHINGLE_WORDS = 120  # the opening of a description: every excerpt a partner shows starts there
_OPENING_CHARS = 12 * SHINGLE_WORDS
HASH_DIGITS = 6  # 24-bit shingle hashes: collisions are negligible among ~120 shingles
_STOPWORDS = frozenset(
    {"a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "leur"}
    | {"pour", "par", "sur", "un", "une", "ou", "qui", "que", "s", "sa", "son", "ses"}
)
# Words of organization names that only tell the legal form: "SCIC Les Tilleuls" = "Les Tilleuls SCIC SAS".
_LEGAL_WORDS = frozenset(
    {"association", "asso", "scic", "scop", "sas", "sarl", "sa", "cooperative", "coop", "collectif"}
    | {"fondation", "mutuelle", "loi", "1901"}
)
_TAG = re.compile(r"<[^>]+>")
# Hosts that publish many projects under paths (example.org/<slug>/): the first path segment is kept.
_WWW = re.compile(r"^www\d?\.")


def _words(text: str) -> list[str]:
    return [w for w in text_key(text).split() if w not in _STOPWORDS]


def _place_words(location: dict[str, Any]) -> set[str]:
    """Words of the record's own commune, département and région names ("Jardin – Montreuil")."""
    gazetteer = gazetteer_get()
    names = [location.get("commune_name") or ""]
    dep = gazetteer.departements.get(location.get("departement_code") or "")
    reg = gazetteer.regions.get(location.get("region_code") or "")
    names += [dep.name if dep else "", reg.name if reg else ""]
    return {w for name in names for w in name_normalize(name).split()}


def website_key(url: str | None) -> str:
    """Host without www (plus the first path segment), so that scheme and trailing slash do not matter."""
    if not url:
        return ""
    parts = urlsplit(url.lower())
    host = _WWW.sub("", parts.hostname or "")
    segment = parts.path.strip("/").split("/")[0]
    return f"{host}/{segment}" if segment else host


def _shingles(description: str, summary: str) -> str:
    """Word 3-grams of the description's opening, as sorted 6-hex-digit hashes in one string (compact)."""
    # Sanitized HTML: only tags and entities stand between it and plain text.
    plain = html.unescape(_TAG.sub(" ", description[:6000])) if description else summary
    # Folding the opening alone is enough when it holds more words than needed: the last one, maybe cut,
    # is not used.
    words = text_fold(plain[:_OPENING_CHARS]).split()
    if len(words) <= SHINGLE_WORDS:
        words = text_fold(plain).split()
    words = words[:SHINGLE_WORDS]
    crc32 = zlib.crc32
    # zip over the word list and an f-string: a third faster than slicing and joining each 3-gram.
    hashes = {
        crc32(f"{a} {b} {c}".encode()) >> 8 for a, b, c in zip(words, words[1:], words[2:], strict=False)
    }
    return b"".join([h.to_bytes(3, "big") for h in sorted(hashes)]).hex()


def title_words(data: dict[str, Any]) -> list[str]:
    """Folded title words without stop words nor the record's own place names, sorted."""
    words = _words(data.get("title") or "")
    place = _place_words(data.get("location") or {})
    return sorted({w for w in words if w not in place} or set(words))


def signature_build(data: dict[str, Any], source_id: int) -> dict[str, Any]:
    """Signature of a record's common-schema data: title words, organization, place, website, text."""
    location = data.get("location") or {}
    title = title_words(data)
    organization = " ".join(w for w in _words(data.get("organization") or "") if w not in _LEGAL_WORDS)
    return {
        "t": title,
        "o": organization,
        "c": location.get("commune_code") or "",
        "d": location.get("departement_code") or "",
        "r": location.get("region_code") or "",
        "w": website_key(data.get("website")),
        "s": _shingles(data.get("description") or "", data.get("summary") or ""),
        "src": source_id,
        "v": SIGNATURE_VERSION,
    }
