"""Search criteria declared once (carrefour/search/criteria.py): parser, filter, counts, labels, map, docs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils.html import escape
from django.utils.http import urlencode

from carrefour.env import BASE_DIR
from carrefour.projects.models import Project
from carrefour.search.criteria import CRITERIA, QUERY_KEYWORDS, facet_labels
from carrefour.search.params import SearchParamError, SearchParams, search_params_parse
from carrefour.search.query import FIELD_ALIASES, TEXT_ALIASES
from carrefour.search.selectors import project_search

API_DOC = (BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8")
SEARCH_DOC = (BASE_DIR / "docs" / "search.md").read_text(encoding="utf-8")


def test_every_criterion_is_documented_in_the_api_docs() -> None:
    missing = [c.param for c in CRITERIA if f"| `{c.param}` | {c.doc} |" not in API_DOC]
    missing += [c.field for c in CRITERIA if f'"{c.field}": [' not in API_DOC]  # the response's facets
    assert not missing, f"criteria missing from docs/api.md: {missing}"


def test_criteria_have_distinct_fields_parameters_and_keywords() -> None:
    for attribute in ("field", "param", "keyword", "title"):
        values = [getattr(c, attribute) for c in CRITERIA]
        assert len(set(values)) == len(values), attribute
    words = [word for c in CRITERIA for word in c.query]
    assert len(set(words)) == len(words) and not set(words) & TEXT_ALIASES.keys()


@pytest.mark.parametrize(
    ("doc", "start", "end"), [(API_DOC, "- critères :", " — ex."), (SEARCH_DOC, "Dans `q` :", "`AND`")]
)
def test_the_docs_list_exactly_the_query_keywords_of_the_criteria(doc: str, start: str, end: str) -> None:
    listed = re.findall(r"`(\w+):`", doc.split(start, 1)[1].split(end, 1)[0])
    assert set(listed) <= FIELD_ALIASES.keys()
    assert [word for word in listed if word in QUERY_KEYWORDS] == [c.query[0] for c in CRITERIA if c.query]


@pytest.mark.django_db
def test_every_criterion_filters_counts_and_labels(
    client: Client, corpus: dict[str, Project], territories_loaded: Any
) -> None:
    everything = project_search(params=SearchParams())
    assert list(everything.facets) == [c.field for c in CRITERIA]
    html = client.get("/recherche").content.decode()
    for criterion in CRITERIA:
        top = everything.facets[criterion.field][0]
        if criterion.labels is not None:
            assert top.label == facet_labels(criterion.field)[top.code] != top.code, criterion.field
        query = urlencode({criterion.param: top.code})
        params = search_params_parse(QueryDict(query))
        assert params.filters == {criterion.field: [top.code]}
        narrowed = project_search(params=params)
        assert narrowed.total == top.count < everything.total, criterion.field
        assert f'name="{criterion.param}" value="{top.code}"' in html
        assert f'<summary class="fr-text--bold">{escape(criterion.title)}' in html
        located = json.loads(client.get(f"/carte/donnees?{query}").content)
        assert located["total"] == top.count, criterion.field
        assert bool(located["outlines"]) == criterion.territorial, criterion.field  # territories drawn
        exported = b"".join(client.get(f"/recherche/export.csv?{query}").streaming_content).decode()
        assert len(exported.strip().splitlines()) == 1 + top.count, criterion.field
        with pytest.raises(SearchParamError, match=f"« {criterion.param} »"):
            search_params_parse(QueryDict(urlencode({criterion.param: "<inconnu>"})))
