"""Turn what a visitor typed into a safe tantivy query string (never a syntax error)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 300
MAX_TERMS = 24
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_FIELD_PREFIX = re.compile(r"^-?\w+:")  # `title:x`: fields are not exposed, the word is kept
_SYNTAX = re.compile(r"[:()\[\]{}^~*\\<>+!]")


@dataclass(frozen=True)
class SanitizedQuery:
    """A query string in tantivy syntax made only of words, phrases and exclusions."""

    text: str
    message: str = ""


def query_sanitize(raw: str) -> SanitizedQuery:
    """Keep words, "phrases" and -exclusions of a free-text query; drop every other operator."""
    notes: list[str] = []
    text = "".join(ch for ch in unicodedata.normalize("NFC", raw) if ch.isprintable()).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"seuls les {MAX_QUERY_CHARS} premiers caractères ont été pris en compte")
    if text.count('"') % 2:
        text = text.replace('"', " ")
        notes.append("un guillemet non fermé a été ignoré")
    if _SYNTAX.search(text):
        notes.append("les caractères spéciaux ont été ignorés")
    clauses: list[str] = []
    for match in _TOKEN.finditer(text):
        phrase, token = match.group(1), match.group(2)
        if phrase is not None:
            words = [w.lower() for w in _WORD.findall(phrase)]
            if words:
                clauses.append('"' + " ".join(words) + '"')
            continue
        prefix = "-" if token.startswith("-") and len(token) > 1 else ""
        token = _FIELD_PREFIX.sub("", token)
        clauses.extend(prefix + w.lower() for w in _WORD.findall(token))
    if len(clauses) > MAX_TERMS:
        clauses = clauses[:MAX_TERMS]
        notes.append(f"seuls les {MAX_TERMS} premiers mots ont été pris en compte")
    message = ("Votre recherche a été simplifiée : " + " ; ".join(notes) + ".") if notes else ""
    return SanitizedQuery(" ".join(clauses), message)
