"""The generic extractors and clean-ups on small hand-written documents, hostile and malformed ones too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from parsel import Selector

from carrefour.harvest.extract import ExtractionError, value_raw
from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordBuilder

URL = "https://partenaire.example/projets/jardin-partage"


def html(body: str) -> Document:
    """An HTML page document."""
    return Document(url=URL, selector=Selector(text=body))


def data(value: Any) -> Document:
    """A JSON document."""
    return Document(url=URL, data=value)


FICHE = """
<html><body>
  <h1>  Jardin
        partagé  </h1>
  <p class="resume">Un <b>jardin</b> ouvert&nbsp;à tous</p>
  <a class="site" href="/ext?u=1">Site</a>
  <ul class="themes"><li>Alimentation</li><li>Lien social</li><li>  </li></ul>
  <div class="texte"><p>Premier paragraphe</p><p>Second</p></div>
</body></html>
"""


def test_css_text_attributes_and_markup() -> None:
    page = html(FICHE)
    assert value_raw({"css": "h1"}, page) == ["Jardin partagé"]
    assert value_raw({"css": "p.resume"}, page) == ["Un jardin ouvert\xa0à tous"]
    assert value_raw({"css": "a.site::attr(href)"}, page) == ["/ext?u=1"]
    # Blank items are dropped, not kept as empty values.
    assert value_raw({"css": "ul.themes li::text"}, page) == ["Alimentation", "Lien social"]
    assert value_raw({"css": "div.texte", "html": True}, page) == [
        '<div class="texte"><p>Premier paragraphe</p><p>Second</p></div>'
    ]
    assert value_raw({"css": "h2"}, page) == []


def test_xpath_elements_attributes_and_functions() -> None:
    page = html(FICHE)
    assert value_raw({"xpath": "//h1"}, page) == ["Jardin partagé"]
    assert value_raw({"xpath": "//a[@class='site']/@href"}, page) == ["/ext?u=1"]
    assert value_raw({"xpath": "count(//li)"}, page) == []  # a number is not a node: nothing, no crash
    assert value_raw({"xpath": "//ul/li[2]/text()"}, page) == ["Lien social"]


def test_malformed_html_still_extracted() -> None:
    page = html("<h1>Titre <i>non fermé<p>Résumé</div></span><a href='x'>lien")
    assert value_raw({"css": "h1::text"}, page) == ["Titre"]
    assert value_raw({"css": "a::attr(href)"}, page) == ["x"]
    assert value_raw({"css": "p::text"}, page) == ["Résumé"]


def test_unknown_xpath_function_rejects_the_record_instead_of_crashing() -> None:
    builder = RecordBuilder(
        {"kind": "html", "record_id": {"url": "last_segment"}, "fields": {"title": {"xpath": "foo(//h1)"}}}
    )
    assert "erreur d'extraction" in str(builder.build(html(FICHE)).reason)


def test_html_extractor_on_json_document_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="`css` demande un document HTML ou XML"):
        value_raw({"css": "h1"}, data({"titre": "x"}))
    with pytest.raises(ExtractionError, match="`json` demande un document JSON"):
        value_raw({"json": "titre"}, html(FICHE))


API = {
    "id": 42,
    "titre": "Recyclerie",
    "porteur": {"nom": "Asso Ré", "contact": None},
    "themes": ["emploi", None, "environnement"],
    "territoires": [
        {"niveau": "commune", "libelle": "Lyon", "code": "69123"},
        {"niveau": "region", "libelle": "Auvergne-Rhône-Alpes", "code": "84"},
    ],
    "liens": {"site": "https://r.example", "doc": "https://r.example/doc.pdf"},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("titre", ["Recyclerie"]),
        ("$.porteur.nom", ["Asso Ré"]),
        ("porteur.contact", []),  # null is "not provided"
        ("themes", ["emploi", "environnement"]),  # final lists flattened, nulls dropped
        ("themes[0]", ["emploi"]),
        ("themes[-1]", ["environnement"]),
        ("themes[9]", []),  # out of range: nothing
        ("territoires[*].code", ["69123", "84"]),
        ("territoires.libelle", ["Lyon", "Auvergne-Rhône-Alpes"]),  # a key over a list reads each item
        ("territoires[?niveau=region].libelle", ["Auvergne-Rhône-Alpes"]),
        ("territoires[?niveau=departement].libelle", []),
        ("liens[*]", ["https://r.example", "https://r.example/doc.pdf"]),  # [*] over an object: its values
        ("titre.nom", []),  # through a scalar: nothing
        ("inconnu | titre", ["Recyclerie"]),  # alternatives, in order
        ("id", ["42"]),
    ],
)
def test_json_paths(path: str, expected: list[Any]) -> None:
    assert [str(v) for v in value_raw({"json": path}, data(API))] == expected


@pytest.mark.parametrize("path", ["themes[", "themes[a]", "a..[0", "territoires[?]"])
def test_bad_json_path_is_a_clear_error(path: str) -> None:
    with pytest.raises(ExtractionError, match="bad JSON path"):
        value_raw({"json": path}, data(API))


def test_json_objects_are_not_field_values() -> None:
    """A path stopping at an object or a list of lists gives no value rather than a dict in a payload."""
    assert value_raw({"json": "porteur"}, data(API)) == []
    assert value_raw({"json": "x"}, data({"x": [[1, 2], {"a": 1}]})) == []


def jsonld_page(*blocks: str) -> Document:
    """A page holding the given JSON-LD script blocks."""
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return html(f"<html><head>{scripts}</head><body><h1>x</h1></body></html>")


def test_jsonld_graph_lists_types_and_broken_blocks() -> None:
    page = jsonld_page(
        "{ this is not json",
        json.dumps({"@type": "BreadcrumbList", "name": "Accueil"}),
        json.dumps(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {
                        "@type": "https://schema.org/Project",
                        "name": "Tiers-lieu",
                        "address": {"postalCode": "35000", "addressLocality": "Rennes"},
                        "keywords": ["culture", "lien social"],
                    },
                    "not an object",
                ],
            }
        ),
        json.dumps([{"@type": ["Organization", "NGO"], "name": "Asso"}]),
    )
    assert value_raw({"jsonld": "name"}, page) == ["Accueil", "Tiers-lieu", "Asso"]
    assert value_raw({"jsonld": "name", "types": ["Project"]}, page) == ["Tiers-lieu"]
    assert value_raw({"jsonld": "address.postalCode", "types": ["Project"]}, page) == ["35000"]
    assert value_raw({"jsonld": "keywords"}, page) == ["culture", "lien social"]
    assert value_raw({"jsonld": "name", "types": ["NGO"]}, page) == ["Asso"]
    assert value_raw({"jsonld": "name"}, jsonld_page("[1, 2", "null", '"texte"')) == []


MICRODATA = """
<div itemscope itemtype="https://schema.org/Project">
  <h2 itemprop="name">Repair café</h2>
  <meta itemprop="startDate" content="2019-03-01">
  <a itemprop="url" href="https://repair.example/">voir</a>
  <time itemprop="endDate" datetime="2024-12-31">fin 2024</time>
  <span itemprop="keywords">réemploi</span><span itemprop="keywords">  lien
     social </span>
  <div itemprop="location" itemscope itemtype="https://schema.org/Place">
    <span itemprop="name">Maison de quartier</span>
    <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
      <span itemprop="postalCode">44000</span>
    </div>
  </div>
</div>
<div itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Asso</span></div>
<span itemprop="name">orphan property</span>
"""


def test_microdata_items_attributes_and_nesting() -> None:
    page = html(MICRODATA)
    project = {"types": ["Project"]}
    assert value_raw({"microdata": "name", **project}, page) == ["Repair café"]
    assert value_raw({"microdata": "startDate", **project}, page) == ["2019-03-01"]
    assert value_raw({"microdata": "url", **project}, page) == ["https://repair.example/"]
    assert value_raw({"microdata": "endDate", **project}, page) == ["2024-12-31"]
    assert value_raw({"microdata": "keywords", **project}, page) == ["réemploi", "lien social"]
    # Nested items keep their properties to themselves.
    assert value_raw({"microdata": "location.name", **project}, page) == ["Maison de quartier"]
    assert value_raw({"microdata": "location.address.postalCode", **project}, page) == ["44000"]
    assert value_raw({"microdata": "name"}, page) == ["Repair café", "Asso"]


WIKI = """
<div id="contenu">
<p><b>Porteur</b> : Collectif Vélo&nbsp;!<br>
Porté par – Ville de Brest<br/>
Où : Brest. Thèmes : mobilité, environnement.</p>
<ul><li>ADRESSE  -  3 rue de Siam</li><li>Contact : voir le site</li></ul>
</div>
<p>Porteur : hors du contenu</p>
"""


def label_doc(labels: list[str]) -> Document:
    """The wiki page, with every label of a definition known (as the record builder sets them)."""
    page = html(WIKI)
    page.labels = labels
    return page


def test_label_values_with_inconsistent_labels_and_separators() -> None:
    page = label_doc(["Porteur", "Porté par", "Où", "Thèmes", "Adresse", "Contact"])
    assert value_raw({"label": ["Porteur", "Porté par"], "within": "#contenu"}, page) == [
        "Collectif Vélo\xa0!",
        "Ville de Brest",
    ]
    # Another known label on the same line ends the value; the trailing full stop is dropped.
    assert value_raw({"label": ["Où"]}, page) == ["Brest"]
    assert value_raw({"label": ["Thèmes"], "split": ","}, page) == ["mobilité", "environnement"]
    assert value_raw({"label": ["adresse"]}, page) == ["3 rue de Siam"]  # labels ignore case
    assert value_raw({"label": ["Porteur"], "within": "(//p)[last()]"}, page) == ["hors du contenu"]
    assert value_raw({"label": ["Budget"]}, page) == []


def test_label_on_empty_or_garbage_markup() -> None:
    assert value_raw({"label": ["Porteur"]}, html("")) == []
    assert value_raw({"label": ["Porteur"]}, html("<<<>>> Porteur :")) == []
    assert value_raw({"label": ["Porteur"]}, html("<p>\x00Porteur\x01 : X\x7f</p>")) == ["X"]
    assert value_raw({"const": ["<html></html>", "\x00"], "html_text": True}, data({})) == []
    with pytest.raises(ExtractionError, match="`label` demande un document HTML"):
        value_raw({"label": ["Porteur"]}, data({"Porteur": "x"}))


@pytest.mark.parametrize(
    ("spec", "values", "expected"),
    [
        ({"null_values": ["NR", "n/a"]}, ["NR", " n/A ", "Lyon"], ["Lyon"]),
        ({"split": [";", " / "]}, ["a; b / c;;", "d"], ["a", "b", "c", "d"]),
        ({"regex": r"(\d{5})"}, ["Lyon (69001)", "sans code", 75001], ["69001", "75001"]),
        ({"regex": r"\d{4}"}, ["depuis 2019 !"], ["2019"]),
        (
            {"replace": [[r"\s+", " "], ["^Projet : ", ""]]},
            ["Projet :  Jardin\n partagé"],
            ["Jardin partagé"],
        ),
        ({"template": "/ajax/list?offset={value}"}, [20], ["/ajax/list?offset=20"]),
        (
            {"date_format": "%d/%m/%Y"},
            ["03/02/2021", "31/02/2021", "bientôt"],
            ["2021-02-03", "31/02/2021", "bientôt"],
        ),
        ({"decimal_comma": True}, ["48,8534", "1\xa0234,5", "-2,35", "N/A"], [48.8534, 1234.5, -2.35, "N/A"]),
        ({}, ["\ufeff\u200b titre \xa0", "", "   "], ["titre"]),
        (
            {"html_text": True},
            ["<p>Un&nbsp;<b>projet</b></p><p>solidaire</p><script>alert(1)</script>"],
            ["Un\xa0projet\nsolidaire\nalert(1)"],
        ),
        ({"null_values": ["NR"], "split": ","}, ["NR", "a,NR"], ["a", "NR"]),  # nulls removed before split
    ],
)
def test_clean_ups(spec: dict[str, Any], values: list[Any], expected: list[Any]) -> None:
    assert value_raw({"const": values, **spec}, data({})) == expected


def test_html_text_never_keeps_markup() -> None:
    hostile = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">clic</a><!-- <b>c</b> -->'
    assert value_raw({"const": hostile, "html_text": True}, data({})) == ["clic"]


def test_record_builder_cardinality_defaults_and_rejections() -> None:
    definition = {
        "kind": "html",
        "record_id": {"css": "h1::attr(data-id)"},
        "fields": {
            "title": {"css": "h1"},
            "themes": {"css": "li", "multiple": True},
            "summary": {"css": "p", "join": " "},
            "website": {"css": "a::attr(href)", "absolute": True},
            "scale": {"css": "em", "default": "locale"},
            "status": {"field": "scale"},
        },
    }
    builder = RecordBuilder(definition)
    page = html('<h1 data-id="p-1">T</h1><li>a</li><li>b</li><li>a</li><p>x</p><p>y</p><a href="/s">s</a>')
    result = builder.build(page)
    assert result.reason is None and result.record_id == "p-1"
    assert result.payload == {
        "title": "T",
        "themes": ["a", "b"],
        "summary": "x y",
        "website": "https://partenaire.example/s",
        "scale": "locale",
        "status": "locale",
    }
    assert builder.build(html("<h1>sans id</h1>")).reason == "identifiant de fiche absent"
    long_id = "x" * 600
    assert "de plus de 500 caractères" in str(builder.build(html(f'<h1 data-id="{long_id}">T</h1>')).reason)
    json_builder = RecordBuilder({**definition, "fields": {"title": {"css": "h1"}}})
    assert "erreur d'extraction" in str(json_builder.build(data({"h1": "x"})).reason)
