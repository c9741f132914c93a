"""Similar projects elsewhere ("essaimage"): same problem, other territories."""

from __future__ import annotations

import tantivy
from tantivy import Occur, Query

from carrefour.projects.models import Project
from carrefour.search.engine import SearchFailed, engine_guard
from carrefour.search.storage import index_open

SIMILAR_MAX = 20
THEME_BOOST = 0.5


def _like(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> Query:
    """Terms frequent in this project and rare elsewhere: they describe its problem and its answer."""
    # Until their segment is merged, documents deleted by index_update still count in a term's doc_freq,
    # while more-like-this divides by the live documents and asserts doc_freq <= their number (a panic
    # otherwise, "2 >= 3"). A term in more documents than are live is in all of them: no signal, skipped.
    return Query.more_like_this_query(
        address,
        min_doc_frequency=2,
        max_doc_frequency=searcher.num_docs,
        min_term_frequency=1,
        max_query_terms=25,
        min_word_length=3,
    )


def project_similar(project_id: int, *, limit: int = 6, elsewhere: bool = True) -> list[int]:
    """Ids of the projects most like this one (title, text, themes), outside its département by default."""
    try:
        return _similar(project_id, limit, elsewhere)
    except SearchFailed:
        return []  # logged by the guard: the project is shown without its similar projects


@engine_guard("similar projects")
def _similar(project_id: int, limit: int, elsewhere: bool) -> list[int]:
    """project_similar, unguarded."""
    index = index_open()
    if index is None:
        return []
    searcher, schema = index.searcher(), index.schema
    found = searcher.search(Query.term_query(schema, "id", project_id), limit=1)
    if not found.hits:
        return []
    address = found.hits[0][1]
    row = Project.objects.filter(pk=project_id).values_list("themes", "departement_code").first()
    themes, departement = (list(row[0] or []), row[1]) if row else ([], "")
    clauses: list[tuple[Occur, Query]] = [
        (Occur.Must, _like(searcher, address)),
        (Occur.MustNot, Query.term_query(schema, "id", project_id)),
    ]
    if themes:
        clauses.append(
            (Occur.Should, Query.boost_query(Query.term_set_query(schema, "themes", themes), THEME_BOOST))
        )
    if elsewhere and departement:
        clauses.append((Occur.MustNot, Query.term_query(schema, "departement", departement)))
    result = searcher.search(Query.boolean_query(clauses), limit=min(limit, SIMILAR_MAX), count=False)
    addresses = [hit_address for _score, hit_address in result.hits]
    return [int(i) for i in searcher.fast_field_values("id", addresses) if i is not None]
