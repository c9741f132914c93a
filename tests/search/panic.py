"""A real Tantivy panic, for the tests of what follows one (Tantivy is not ours to break on demand)."""

from __future__ import annotations

from typing import NoReturn

import tantivy

from carrefour.projects.models import Project
from tests.search.factories import project_create


def tantivy_panic(*_args: object, **_kwargs: object) -> NoReturn:
    """Make Tantivy panic: more-like-this without a ceiling, once an update left a deleted document."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_text_field("body", stored=True)
    index = tantivy.Index(builder.build())  # in memory
    writer = index.writer(15_000_000, 1)
    for number in range(3):
        writer.add_document(tantivy.Document(id=number, body="épicerie solidaire"))
    writer.commit()
    writer.delete_documents_by_term("id", 0)
    writer.add_document(tantivy.Document(id=0, body="épicerie solidaire"))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    address = searcher.search(tantivy.Query.term_query(index.schema, "id", 1), limit=1).hits[0][1]
    like = tantivy.Query.more_like_this_query(address, min_doc_frequency=1, min_term_frequency=1)
    searcher.search(like, limit=5)
    raise AssertionError("Tantivy no longer panics here: the tests built on it must be revisited")


def shops_create(count: int) -> list[Project]:
    """`count` épiceries in as many départements; every other one also sells in bulk (vrac)."""
    return [
        project_create(
            f"Épicerie solidaire n°{number}",
            minutes=number,
            summary="Une épicerie solidaire" + (" de produits en vrac" if number % 2 == 0 else ""),
            themes=["alimentation"],
            departement_code=f"{number % 90 + 1:02d}",
        )
        for number in range(count)
    ]
