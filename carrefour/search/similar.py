"""Similar projects elsewhere ("essaimage"): same problem, other territories."""

from __future__ import annotations

from tantivy import Occur, Query

from carrefour.projects.models import Project
from carrefour.search.storage import index_open

SIMILAR_MAX = 20
THEME_BOOST = 0.5


def project_similar(project_id: int, *, limit: int = 6, elsewhere: bool = True) -> list[int]:
    """Ids of the projects most like this one (title, text, themes), outside its département by default."""
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
    # Terms that are frequent in this project and rare elsewhere describe its problem and its answer.
    like = Query.more_like_this_query(
        address, min_doc_frequency=2, min_term_frequency=1, max_query_terms=25, min_word_length=3
    )
    clauses: list[tuple[Occur, Query]] = [
        (Occur.Must, like),
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
