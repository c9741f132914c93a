"""Tantivy schema of the project index, its French analyzer and the Project → document mapping."""

from __future__ import annotations

from collections.abc import Iterable

import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

from carrefour.normalize.text import html_to_text
from carrefour.projects.models import Project

SCHEMA_VERSION = 1
FRENCH = "fr"
# Full-text fields and their boosts: the title weighs most.
TEXT_BOOSTS = {"title": 3.0, "organization": 1.5, "commune": 1.5, "body": 1.0}
# Facet fields (raw keyword fast fields, multi-valued where the project field is a list).
FACETS = (
    "themes",
    "publics",
    "actor_type",
    "region",
    "departement",
    "scale",
    "status",
    "source",
    "start_year",
)


def analyzer_french() -> tantivy.TextAnalyzer:
    """French analysis: lower case, stop words, accents folded, Snowball French stemming."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.stopword("french"))
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("french"))
        .build()
    )


def schema_build() -> tantivy.Schema:
    """The index schema."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=True, tokenizer_name=FRENCH)
    builder.add_text_field("organization", tokenizer_name=FRENCH)
    builder.add_text_field("commune", tokenizer_name=FRENCH)
    builder.add_text_field("body", stored=True, tokenizer_name=FRENCH)
    for name in FACETS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    builder.add_boolean_field("fictional", indexed=True, fast=True)
    builder.add_float_field("lat", fast=True)
    builder.add_float_field("lon", fast=True)
    builder.add_integer_field("updated", fast=True)
    return builder.build()


def document_from_project(project: Project, source_slugs: Iterable[str]) -> tantivy.Document:
    """The index document of one project."""
    doc = tantivy.Document()
    doc.add_integer("id", project.pk)
    doc.add_text("title", project.title)
    doc.add_text("organization", project.organization)
    doc.add_text("commune", project.commune_name)
    doc.add_text("body", " ".join(filter(None, [project.summary, html_to_text(project.description)])))
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
    }
    for name, items in values.items():
        for item in items:
            if item:
                doc.add_text(name, str(item))
    doc.add_boolean("fictional", project.fictional)
    if project.latitude is not None and project.longitude is not None:
        doc.add_float("lat", project.latitude)
        doc.add_float("lon", project.longitude)
    doc.add_integer("updated", int(project.updated_at.timestamp()))
    return doc
