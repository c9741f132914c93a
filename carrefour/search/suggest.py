"""Autocomplete: projects, organizations, communes and themes matching what the visitor is typing."""

from __future__ import annotations

from dataclasses import dataclass

import tantivy
from tantivy import Occur, Query

from carrefour.normalize.text import text_key
from carrefour.normalize.vocabularies import vocabularies
from carrefour.search.engine import engine_guard
from carrefour.search.query_build import tokens
from carrefour.search.storage import index_open
from carrefour.territories.gazetteer import gazetteer_get
from carrefour.territories.names import name_normalize

MIN_CHARS = 2
PER_KIND = 5
MAX_CHARS = 100


@dataclass(frozen=True)
class Suggestion:
    """One suggestion: its kind, what to show, and the search parameter it leads to."""

    kind: str  # project, organization, commune, theme
    label: str
    param: str  # q, theme, territory… (project: the id)
    value: str


def _prefix_query(schema: tantivy.Schema, field: str, words: list[str]) -> Query:
    """All words typed, the last one as a prefix."""
    parts = [(Occur.Must, Query.term_query(schema, field, word)) for word in words[:-1]]
    parts.append((Occur.Must, Query.fuzzy_term_query(schema, field, words[-1], distance=0, prefix=True)))
    return Query.boolean_query(parts)


@engine_guard("suggestions")
def _from_index(text: str) -> list[Suggestion]:
    """Project titles and organization names starting like the text."""
    index = index_open()
    words = tokens(text, stem=False)
    if index is None or not words:
        return []
    searcher, schema = index.searcher(), index.schema
    found: list[Suggestion] = []
    titles = searcher.search(_prefix_query(schema, "title_words", words), limit=PER_KIND)
    for _score, address in titles.hits:
        doc = searcher.doc(address)
        found.append(Suggestion("project", str(doc["title"][0]), "id", str(doc["id"][0])))
    organizations = searcher.search(_prefix_query(schema, "org_words", words), limit=PER_KIND * 4)
    seen: set[str] = set()
    for _score, address in organizations.hits:
        name = str((searcher.doc(address)["organization"] or [""])[0])
        if name and text_key(name) not in seen and len(seen) < PER_KIND:
            seen.add(text_key(name))
            found.append(Suggestion("organization", name, "q", f'org:"{name}"'))
    return found


def _communes(text: str) -> list[Suggestion]:
    """Communes whose name starts like the text, most populous first."""
    key = name_normalize(text)
    if len(key) < MIN_CHARS:
        return []
    places = [
        place for name, group in gazetteer_get().by_name.items() if name.startswith(key) for place in group
    ]
    places.sort(key=lambda p: -p.population)
    return [
        Suggestion("commune", f"{p.name} ({p.departement_code})", "territory", f"commune:{p.code}")
        for p in places[:PER_KIND]
    ]


def _themes(text: str) -> list[Suggestion]:
    """Themes whose label contains a word starting like the text."""
    key = text_key(text)
    return [
        Suggestion("theme", label, "theme", code)
        for code, label in vocabularies()["themes"].items()
        if any(word.startswith(key) for word in text_key(label).split()) or text_key(label).startswith(key)
    ][:PER_KIND]


def search_suggest(text: str) -> list[Suggestion]:
    """Suggestions for a partial query: projects, organizations, communes, themes; SearchFailed (logged)."""
    text = " ".join(text.split())[:MAX_CHARS]
    if len(text) < MIN_CHARS:
        return []
    return _from_index(text) + _communes(text) + _themes(text)
