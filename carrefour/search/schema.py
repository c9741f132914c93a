"""Tantivy schema of the project index, its analyzers and the Project → document mapping."""

from __future__ import annotations

import json
from collections.abc import Iterable

import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

from carrefour.normalize.text import html_to_text
from carrefour.normalize.vocabularies import vocabulary_label
from carrefour.projects.models import Project, ProjectSource
from carrefour.projects.selectors import project_to_dict
from carrefour.search.criteria import FACETS

# 6: the EPCI facet; 5: stored records publish http(s) publication URLs only.
SCHEMA_VERSION = 6
FRENCH = "fr"
FOLDED = "fold"  # French words without stemming: prefixes, typos and the "no stemming" measurement
# Stemmed full-text fields and their boosts: title > organization, themes > commune > description.
TEXT_BOOSTS = {"title": 3.0, "organization": 1.5, "themes_text": 1.5, "commune": 1.2, "body": 1.0}
# Unstemmed twins of the text fields: `words` holds every text field, title and organization their own.
FOLDED_BOOSTS = {"title_words": 3.0, "org_words": 1.5, "words": 1.0}
# Snippets come from the start of the text: analysing more of it cost 60 % more CPU per search, and
# indexing the excerpt (French stemming) is a sixth of the index build.
EXCERPT_CHARS = 600
NATIONAL = "n"
WIDE_SCALES = {"national", "international"}


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    """Lower case, French stop words (elisions l'/d' included), accents folded, optional stemming."""
    builder = (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.stopword("french"))
        .filter(Filter.ascii_fold())
    )
    if stem:
        builder = builder.filter(Filter.stemmer("french"))
    return builder.build()


def analyzer_french() -> tantivy.TextAnalyzer:
    """French analysis with Snowball French stemming."""
    return _analyzer(stem=True)


def analyzer_folded() -> tantivy.TextAnalyzer:
    """French analysis without stemming."""
    return _analyzer(stem=False)


def analyzers_register(index: tantivy.Index) -> None:
    """Register the analyzers the schema names (they are not stored in the index)."""
    index.register_tokenizer(FRENCH, analyzer_french())
    index.register_tokenizer(FOLDED, analyzer_folded())


def schema_build() -> tantivy.Schema:
    """The index schema."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_BOOSTS:
        builder.add_text_field(name, stored=name in {"title", "organization"}, tokenizer_name=FRENCH)
    # Stored start of the text for snippets; indexed (document ids only) so highlights can weigh terms.
    builder.add_text_field("excerpt", stored=True, tokenizer_name=FRENCH, index_option="basic")
    for name in FOLDED_BOOSTS:
        builder.add_text_field(name, tokenizer_name=FOLDED)
    # Facet fields (search/criteria.py) and other raw keyword fast fields, multi-valued for lists.
    for name in (*FACETS, "commune_code", "located", "covers", "title_sort"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    # The project in the common schema, as the API lists it: results are served without the database.
    builder.add_bytes_field("record", stored=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_boolean_field("fictional", indexed=True, fast=True)
    builder.add_float_field("lat", indexed=True, fast=True)
    builder.add_float_field("lon", indexed=True, fast=True)
    builder.add_integer_field("updated", indexed=True, fast=True)
    return builder.build()


def territory_tokens(project: Project) -> tuple[list[str], list[str]]:
    """Territories a project is located in (every level) and the widest area its action covers."""
    located = [
        f"{kind}:{code}"
        for kind, code in (
            ("c", project.commune_code),
            ("e", project.epci_code),
            ("d", project.departement_code),
            ("r", project.region_code),
        )
        if code
    ]
    scale, precision = project.scale, project.precision
    if scale in WIDE_SCALES or precision == "national":
        covers = [NATIONAL]
    elif (scale == "region" or precision == "region") and project.region_code:
        covers = [f"r:{project.region_code}"]
    elif (scale == "departement" or precision == "departement") and project.departement_code:
        covers = [f"d:{project.departement_code}"]
    elif scale == "intercommunalite" and project.epci_code:
        covers = [f"e:{project.epci_code}"]
    else:
        covers = []
    return located, covers


_SORT_ANALYZER = (
    TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.lowercase()).filter(Filter.ascii_fold()).build()
)


def title_sort_key(title: str) -> str:
    """Alphabetical sort key of a title: lower-case accent-free words, stop words kept."""
    return " ".join(_SORT_ANALYZER.analyze(title))[:80]


def document_from_project(project: Project, publications: list[ProjectSource]) -> tantivy.Document:
    """The index document of one project, given its publications (project_publications)."""
    source_slugs = [ps.source.slug for ps in publications if not ps.gone]
    doc = tantivy.Document()
    doc.add_integer("id", project.pk)
    description = project.description
    if "<" in description or "&" in description:
        # Stored descriptions are already cleaned text or sanitized HTML: only HTML needs converting.
        description = html_to_text(description)
    body = " ".join(filter(None, [project.summary, description]))
    labels = [vocabulary_label("themes", c) for c in project.themes or []]
    labels += [vocabulary_label("publics", c) for c in project.publics or []]
    texts = {
        "title": project.title,
        "organization": project.organization,
        "themes_text": " ; ".join(labels),
        "commune": project.commune_name,
        "body": body,
        "title_words": project.title,
        "org_words": project.organization,
        "words": " ".join([project.title, project.organization, *labels, project.commune_name, body]),
    }
    for name, text in texts.items():
        doc.add_text(name, text or "")
    doc.add_text("excerpt", body[:EXCERPT_CHARS])
    located, covers = territory_tokens(project)
    values: dict[str, Iterable[str]] = {
        "themes": project.themes or [],
        "publics": project.publics or [],
        "actor_type": [project.actor_type],
        "region": [project.region_code],
        "departement": [project.departement_code],
        "scale": [project.scale],
        "status": [project.status],
        "source": sorted(set(source_slugs)),
        "start_year": [str(project.start_year) if project.start_year else ""],
        "commune_code": [project.commune_code],
        "epci": [project.epci_code],
        "located": located,
        "covers": covers,
        "title_sort": [title_sort_key(project.title)],
    }
    for name, items in values.items():
        for item in items:
            if item:
                doc.add_text(name, str(item))
    if project.start_year:
        doc.add_integer("year", project.start_year)
    doc.add_boolean("fictional", project.fictional)
    if project.latitude is not None and project.longitude is not None:
        doc.add_float("lat", project.latitude)
        doc.add_float("lon", project.longitude)
    doc.add_integer("updated", int(project.updated_at.timestamp()))
    doc.add_bytes("record", json.dumps(project_to_dict(project, publications), ensure_ascii=False).encode())
    return doc
