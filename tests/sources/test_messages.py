"""Problems of a definition text in French, at their line, with no English phrase of the checkers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from carrefour.sources.bounds import definition_partner_problems
from carrefour.sources.versions import definition_text_check
from tests.sources.test_versions import TEXT

# Phrases of jsonschema, PyYAML and the earlier English checks a partner must never read.
ENGLISH = re.compile(
    r"is a required property|is not of type|does not match|Additional properties|is not one of"
    r"|is too (short|long)|should be non-empty|is (less|greater) than|is not valid under"
    r"|has too (many|few)|was unexpected|is required|\binvalid\b|unknown|not allowed|syntax error"
    r"|must|cannot|is already|too (deep|long|large)|while (scanning|parsing)",
)

Change = Callable[[str], str]

CASES: list[tuple[Change, int | None, list[str]]] = [
    # required
    (lambda t: t.replace("slug: jardins\n", ""), 1, ["la clé « slug » est obligatoire"]),
    # additionalProperties: the unknown key and the keys one may use
    (lambda t: t + "frequence: daily\n", 14, ["clé inconnue « frequence »", "frequency"]),
    # propertyNames (enum on a key)
    (
        lambda t: t.replace("  title: {css: h1}", "  title: {css: h1}\n  titel: {css: h2}"),
        11,
        ["(fields) : clé inconnue « titel »", "start_year"],
    ),
    # type
    (
        lambda t: t.replace("name: Jardins partagés", "name: [Jardins]"),
        2,
        ["(name) : doit être du texte", "une liste"],
    ),
    # enum
    (lambda t: t.replace("kind: html", "kind: ftp"), 3, ["(kind) : valeur 'ftp' non prévue", "'json_api'"]),
    # pattern, with what the schema expects
    (
        lambda t: t.replace("slug: jardins", "slug: Jardins Partagés"),
        1,
        ["n'a pas la forme attendue", "minuscules"],
    ),
    # minItems
    (
        lambda t: t.replace('start_urls: ["https://jardins.example.org/liste"]', "start_urls: []"),
        4,
        ["ne doit pas être vide"],
    ),
    # maxItems / minItems inside a list of pairs
    (
        lambda t: t.replace("{css: h1}", '{css: h1, replace: [["a", "b", "c"]]}'),
        10,
        ["trop d'éléments : 3, 2 au plus"],
    ),
    (
        lambda t: t.replace("{css: h1}", '{css: h1, replace: [["a"]]}'),
        10,
        ["la liste doit compter au moins 2 éléments"],
    ),
    # minimum / maximum
    (lambda t: t + "politeness: {delay: -1}\n", 14, ["(politeness.delay) : doit valoir au moins 0"]),
    # oneOf (frequency is a word or a number of hours)
    (lambda t: t + "frequency: sometimes\n", 14, ["(frequency) : valeur 'sometimes' d'une forme non prévue"]),
    # minProperties
    (lambda t: t.replace("  title: {css: h1}", "  title: {}"), 10, ["le bloc ne doit pas être vide"]),
    # definition checks of definitions.py
    (lambda t: t.replace("{css: h1}", '{css: "div >"}'), 10, ["(fields.title.css) : sélecteur CSS invalide"]),
    (
        lambda t: t.replace("{css: h1}", "{css: h1, json: a}"),
        10,
        ["une et une seule de ces clés", "css, json"],
    ),
    (lambda t: t.replace("{css: h1}", "{json: a}"), 10, ["ne s'emploie pas avec kind 'html'"]),
    (lambda t: t.replace("{css: h1}", '{css: h1, regex: "("}'), 10, ["expression régulière invalide"]),
    (lambda t: t.replace("environnement", "jardinage"), 13, ["code inconnu 'jardinage'", "codes possibles"]),
    (
        lambda t: t.replace('type: next_link, next: {css: "a[rel=next]::attr(href)"}', "type: next_link"),
        5,
        ["(pagination.next) : obligatoire quand pagination.type vaut 'next_link'"],
    ),
    (
        lambda t: t.replace('list:\n  links: {css: "a.fiche::attr(href)"}\n', ""),
        1,
        ["(list) : obligatoire pour kind html"],
    ),
    # YAML syntax and the text's bounds in versions.py
    (
        lambda t: t.replace("kind: html", "kind: [html"),
        4,
        ["erreur de syntaxe YAML : ',' ou ']' attendu ici, trouvé ':'"],
    ),
    (lambda t: t.replace("name: Jardins partagés", "name: Jardins: partagés"), 2, ["« : » mal placé"]),
    (lambda t: t + "extra: " + "[" * 40 + "]" * 40 + "\n", 14, ["imbrication trop profonde"]),
    (
        lambda t: t.replace('    "Jardins: partagés": environnement', "    2024-01-01: environnement"),
        None,
        ["chaque clé doit être du texte"],
    ),
]


@pytest.mark.parametrize(("change", "line", "words"), CASES)
def test_each_broken_definition_gets_a_french_message_at_its_line(
    change: Change, line: int | None, words: list[str]
) -> None:
    _definition, problems = definition_text_check(change(TEXT))
    found = [
        problem
        for problem in problems
        if all(word in problem.message or word in str(problem) for word in words)
    ]
    assert found, [str(problem) for problem in problems]
    assert found[0].line == line, [str(problem) for problem in problems]
    for problem in problems:
        assert not ENGLISH.search(problem.message), str(problem)


def test_the_root_of_a_text_must_be_a_block_of_keys() -> None:
    _definition, problems = definition_text_check("- une liste\n")
    assert [problem.message for problem in problems] == ["un bloc de clés (clé: valeur) est attendu"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://jardins.example.org/data.csv", "seules les adresses http:// et https:// sont permises"),
        ("{shared_dir}/data.csv", "n'est pas permis dans la source d'un partenaire"),
        ("http://127.0.0.1:8000/data.csv", "hôte refusé, il mène à une adresse privée ou locale"),
        ("http:///data.csv", "l'adresse ne nomme aucun hôte"),
    ],
)
def test_a_partner_reads_why_an_address_is_refused_in_french(url: str, words: str, settings) -> None:
    settings.PARTNER_ALLOWED_HOSTS = []
    problems = definition_partner_problems({"start_urls": [url], "frequency": "hourly"})
    (frequency, too_often), (where, refused) = problems
    assert frequency == "frequency" and "au plus une fois par jour" in too_often
    assert where == "start_urls[0]" and words in refused
    assert not any(ENGLISH.search(message) for _path, message in problems)
