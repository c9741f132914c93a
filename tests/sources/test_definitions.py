"""Source definitions: the YAML files, validation errors, registry and documentation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from carrefour.harvest.extract import EXTRACTORS, TRANSFORMS
from carrefour.harvest.kinds import KINDS
from carrefour.sources.definitions import SOURCE_KEYS, SourceDefinitionError, definition_schema
from carrefour.sources.models import Source
from carrefour.sources.services import source_definition_validate, source_load_all

DOC = Path(settings.BASE_DIR) / "docs" / "sources.md"

VALID = """\
slug: {slug}
name: Exemple
kind: html
start_urls: ["{{base_url}}/liste"]
pagination: {{type: next_link, next: {{css: "a[rel=next]::attr(href)"}}}}
list: {{links: {{css: "a.fiche::attr(href)"}}}}
record_id: {{url: last_segment}}
fields:
  title: {{css: h1}}
"""


def write(tmp_path: Path, text: str, slug: str = "exemple") -> Path:
    """A definition file in a temporary directory."""
    path = tmp_path / f"{slug}.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_project_definitions_load() -> None:
    sources = source_load_all()
    slugs = {s.slug for s in sources}
    assert {"regards-solidaires", "initiatives-data", "observatoire-regional", "ffe-laureats"} <= slugs
    portraits = Source.objects.get(slug="regards-solidaires")
    assert portraits.fictional and portraits.kind == "html"
    assert portraits.definition["vocabularies"]["themes"]["Lien social"] == "lien-social"
    assert portraits.definition_path == "sources/regards-solidaires.yml"
    assert not Source.objects.get(slug="ffe-laureats").fictional
    # A second load updates the same rows.
    source_load_all()
    assert Source.objects.filter(slug__in=slugs).count() == len(slugs)


def test_valid_example(tmp_path: Path) -> None:
    assert source_definition_validate(write(tmp_path, VALID.format(slug="exemple")))["kind"] == "html"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("title: {css: h1}", "titel: {css: h1}"), "(fields) : clé inconnue « titel »"),
        (
            lambda t: t.replace("title: {css: h1}", "title: {css: h1, xpath: //h1}"),
            "(fields.title) : une et une seule de ces clés est attendue",
        ),
        (
            lambda t: t.replace("title: {css: h1}", "title: {json: titre}"),
            "(fields.title) : `json` ne s'emploie pas avec kind 'html'",
        ),
        (
            lambda t: t.replace("title: {css: h1}", "title: {css: h1, regex: '(unclosed'}"),
            "(fields.title) : expression régulière invalide",
        ),
        (lambda t: t.replace("kind: html", "kind: rss"), "(kind) : valeur 'rss' non prévue"),
        (
            lambda t: t.replace("record_id: {url: last_segment}\n", ""),
            "ligne 1 : la clé « record_id » est obligatoire",
        ),
        (
            lambda t: t.replace(
                '{type: next_link, next: {css: "a[rel=next]::attr(href)"}}', "{type: next_link}"
            ),
            "(pagination.next) : obligatoire",
        ),
        (
            lambda t: t + "vocabularies:\n  themes:\n    Jardins: jardinage\n",
            "(vocabularies.themes.'Jardins') : code inconnu 'jardinage'",
        ),
        (
            lambda t: t + "politeness: {delay: -1}\n",
            "(politeness.delay) : doit valoir au moins 0 (trouvé : -1)",
        ),
        (lambda t: t.replace("start_urls: [", "start_urls: [ ["), "erreur de syntaxe YAML"),
        (lambda t: t.replace("slug: exemple", "slug: autre"), "(slug) : 'autre' doit être le nom du fichier"),
        (
            lambda t: t.replace("title: {css: h1}", 'title: {css: "h1[["}'),
            "(fields.title.css) : sélecteur CSS invalide 'h1[['",
        ),
        (
            lambda t: t.replace("title: {css: h1}", 'title: {css: "h1::texte"}'),
            "(fields.title.css) : sélecteur CSS invalide 'h1::texte' : The pseudo-element ::texte is unknown",
        ),
        (
            lambda t: t.replace("title: {css: h1}", 'title: {xpath: "//h1[@class"}'),
            "(fields.title.xpath) : XPath invalide '//h1[@class'",
        ),
        (
            lambda t: t.replace("title: {css: h1}", 'title: {jsonld: "name[0"}'),
            "(fields.title.jsonld) : chemin JSON invalide 'name[0'",
        ),
        (
            lambda t: t.replace("title: {css: h1}", 'title: {label: [Titre], within: "div.fiche >"}'),
            "(fields.title.within) : sélecteur CSS invalide 'div.fiche >'",
        ),
        (
            lambda t: t.replace("a[rel=next]::attr(href)", "a[rel=next]::attr(href"),
            "(pagination.next.css) : sélecteur CSS invalide",
        ),
        (lambda t: t + "frequency: sometimes\n", "(frequency) : valeur 'sometimes' d'une forme non prévue"),
        (lambda t: t + "start_urls_extra: []\n", "clé inconnue « start_urls_extra »"),
    ],
)
def test_invalid_definitions_give_clear_errors(tmp_path: Path, change, expected: str) -> None:
    path = write(tmp_path, change(VALID.format(slug="exemple")))
    with pytest.raises(SourceDefinitionError) as info:
        source_definition_validate(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message, message


@pytest.mark.django_db
def test_one_invalid_file_blocks_the_sync(tmp_path: Path) -> None:
    write(tmp_path, VALID.format(slug="bonne"), slug="bonne")
    write(tmp_path, VALID.format(slug="mauvaise").replace("kind: html", "kind: ftp"), slug="mauvaise")
    with pytest.raises(SourceDefinitionError, match=r"mauvaise\.yml"):
        source_load_all(tmp_path)
    assert not Source.objects.filter(slug="bonne").exists()


def test_registries_match_schema() -> None:
    schema = definition_schema()
    assert set(schema["properties"]["kind"]["enum"]) == {k.name for k in KINDS}
    assert {e.key for e in EXTRACTORS} == set(SOURCE_KEYS)
    options = set(schema["$defs"]["extractor"]["properties"])
    assert {t.key for t in TRANSFORMS} <= options


def _schema_keys(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(name, key path) of every key a definition may hold, anywhere in the schema."""
    if isinstance(node, list):
        for child in node:
            yield from _schema_keys(child, where)
    elif isinstance(node, dict):
        for key, child in node.items():
            if key == "properties":
                for name, spec in child.items():
                    yield name, f"{where}.{name}".lstrip(".")
                    yield from _schema_keys(spec, f"{where}.{name}")
            else:
                yield from _schema_keys(child, where)


def test_every_kind_extractor_and_option_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    names = {k.name for k in KINDS} | {e.key for e in EXTRACTORS} | {t.key for t in TRANSFORMS}
    assert names - documented == set()
    for kind in KINDS:
        assert f"kind: {kind.name}" in text, f"no example for kind {kind.name}"


def test_every_option_of_the_schema_is_documented() -> None:
    # Top-level keys, the options of politeness, pagination, list, csv and incremental, filter keys,
    # extractor keys and options: an option added to the schema without its line in the docs fails.
    keys = dict(_schema_keys(definition_schema()))
    assert {"delay", "page_size", "entries", "quotechar", "http_cache", "keep_if", "within"} <= set(keys)
    documented = set(re.findall(r"`([a-z_]+)`", DOC.read_text(encoding="utf-8")))
    missing = {name: where for name, where in keys.items() if name not in documented}
    assert missing == {}, f"options of the schema absent from docs/sources.md: {missing}"
