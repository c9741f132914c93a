"""Problems of a definition point at the line where the offending key is written (CLI and partner space)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carrefour.sources.lines import definition_line
from carrefour.sources.versions import definition_text_check

# Mistakes met when writing a definition by hand: a broken CSS selector, a misspelt option, a number
# written as text, a misspelt field, a regex left unclosed.
MISTAKES = """\
slug: erreurs
name: Exemple
kind: html
start_urls: ["https://exemple.org/liste"]
list: {links: {css: "a.fiche::attr(href)"}}
record_id: {url: last_segment}
politeness:
  delay: "2"
fields:
  title:
    css: "h1[["
  summary:
    css: p.resume
    regexp: "(.+)"
  lieu: {css: ".lieu"}
  address: {css: ".lieu", regex: "(unclosed"}
"""

EXPECTED = [
    "ligne 8 (politeness.delay) : doit être un nombre (trouvé : du texte)",
    "ligne 11 (fields.title.css) : sélecteur CSS invalide 'h1[['",
    "ligne 14 (fields.summary) : clé inconnue « regexp »",
    "ligne 15 (fields) : clé inconnue « lieu »",
    "ligne 16 (fields.address) : expression régulière invalide '(unclosed'",
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "erreurs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _shown(message: str) -> list[str]:
    """The expected problems found in a message, in the order they appear."""
    assert message.count("- ligne ") == len(EXPECTED), message
    found = sorted((message.find(expected), expected) for expected in EXPECTED)
    assert all(at >= 0 for at, _ in found), message
    return [expected for _, expected in found]


def test_sources_check_names_the_line_of_every_problem(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        call_command("sources", "check", str(_write(tmp_path, MISTAKES)))
    # One problem per mistake, each at its own line, in the order of the file.
    assert _shown(str(info.value)) == EXPECTED


@pytest.mark.django_db
def test_sources_import_names_the_lines_and_imports_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        call_command("sources", "import", str(_write(tmp_path, MISTAKES)))
    assert _shown(str(info.value)) == EXPECTED


def test_the_partner_editor_finds_the_same_lines() -> None:
    problems = definition_text_check(MISTAKES)[1]
    assert sorted((problem.line, problem.path) for problem in problems) == [
        (8, "politeness.delay"),
        (11, "fields.title.css"),
        (14, "fields.summary"),
        (15, "fields"),
        (16, "fields.address"),
    ]
    assert all(any(str(problem).startswith(expected) for problem in problems) for expected in EXPECTED)


def test_a_yaml_syntax_error_keeps_its_line(tmp_path: Path) -> None:
    broken = MISTAKES.replace('  delay: "2"', '  delay: "2')
    with pytest.raises(CommandError, match=r"ligne \d+ : erreur de syntaxe YAML"):
        call_command("sources", "check", str(_write(tmp_path, broken)))


def test_a_key_path_maps_to_its_line_and_a_missing_key_to_its_parent() -> None:
    assert definition_line(MISTAKES, "fields.summary.regexp") == 14
    assert definition_line(MISTAKES, "list.links.css") == 5
    assert definition_line(MISTAKES, "fields.title.xpath") == 10
    assert definition_line(MISTAKES, "vocabularies.themes") == 1


def test_a_key_written_twice_points_at_the_last_one_the_one_kept(tmp_path: Path) -> None:
    # YAML keeps the last of duplicate keys: the problem is in the second `fields`, not the first.
    text = (
        MISTAKES.split("politeness:")[0] + 'fields:\n  title: {css: "h1"}\nfields:\n  title: {css: "h2[["}\n'
    )
    with pytest.raises(CommandError) as info:
        call_command("sources", "check", str(_write(tmp_path, text)))
    assert "ligne 10 (fields.title.css) : sélecteur CSS invalide 'h2[['" in str(info.value)
