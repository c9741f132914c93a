"""Presets: merged under the definition's own keys wherever a definition is read, unknown ones named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from carrefour.orchestration.preview import preview_definition
from carrefour.sources.definitions import definition_checked
from carrefour.sources.models import Source
from carrefour.sources.presets import preset_names
from carrefour.sources.versions import definition_text_check, source_version_save

ODS_TEXT = """\
# Lieux d'une métropole, sur son portail OpenDataSoft
slug: lieux
name: Lieux solidaires
preset: opendatasoft
start_urls: ["https://data.example.fr/api/explore/v2.1/catalog/datasets/lieux/records?limit=100"]
pagination: {page_size: 50}
record_id: {json: code}
fields:
  title: {json: nom}
"""


def test_every_shipped_preset_plus_what_the_partner_writes_is_a_valid_definition() -> None:
    assert preset_names() == ("ckan", "drupal_jsonapi", "opendatasoft", "udata", "wordpress")
    for name in preset_names():
        own = {
            "slug": "essai",
            "name": "Essai",
            "preset": name,
            "start_urls": ["https://example.fr/api"],
            "record_id": {"json": "code"},
            "fields": {"commune": {"json": "commune"}},
        }
        definition, problems = definition_checked(own)
        assert problems == [], name
        assert definition["kind"] == "json_api" and definition["preset"] == name


def test_the_documented_example_of_every_preset_is_a_valid_definition() -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "sources.md").read_text(encoding="utf-8")
    section = doc.split("## Préréglages (`preset`)")[1].split("\n## ")[0]
    examples = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)]
    assert sorted(example["preset"] for example in examples) == sorted(preset_names())
    for example in examples:
        assert definition_checked(example)[1] == [], example["slug"]


def test_the_definition_wins_key_by_key_and_extractors_and_lists_are_replaced_whole() -> None:
    own = {
        "slug": "blog",
        "name": "Blog",
        "preset": "wordpress",
        "start_urls": ["https://blog.example.fr/wp-json/wp/v2/posts?per_page=20"],
        "pagination": {"page_size": 20, "past_end_status": [400, 404]},
        "record_id": {"json": "slug"},
        "fields": {"title": {"const": "Un titre"}, "commune": {"json": "acf.commune"}},
    }
    definition, problems = definition_checked(own)
    assert problems == []
    assert definition["pagination"] == {
        "type": "page_number",
        "total_pages": "X-WP-TotalPages",
        "page_size": 20,
        "past_end_status": [400, 404],
    }
    # The partner's `const` title replaces the preset's whole extractor (no `json` left beside it).
    assert definition["fields"]["title"] == {"const": "Un titre"}
    assert definition["fields"]["summary"] == {"json": "excerpt.rendered", "html_text": True}
    assert definition["fields"]["commune"] == {"json": "acf.commune"}
    assert definition["record_id"] == {"json": "slug"} and definition["record_url"] == {"json": "link"}


def test_an_unknown_preset_is_named_with_the_known_ones_at_its_line() -> None:
    _, problems = definition_text_check(ODS_TEXT.replace("opendatasoft", "opendata_soft"))
    assert [(p.line, p.path) for p in problems] == [(4, "preset")]
    assert "préréglage inconnu 'opendata_soft'" in problems[0].message
    assert "ckan, drupal_jsonapi, opendatasoft, udata, wordpress" in problems[0].message
    _, problems = definition_text_check(ODS_TEXT.replace("opendatasoft", "../secrets"))
    assert problems[0].path == "preset"


def test_problems_of_the_merged_definition_point_at_the_partner_lines() -> None:
    # `total_pages` is the partner's, merged into the preset's `type: offset`, which it does not go with.
    text = ODS_TEXT.replace("{page_size: 50}", "{page_size: 50, total_pages: X-Total-Pages}")
    _, problems = definition_text_check(text)
    assert [(p.line, p.path, p.message) for p in problems] == [
        (6, "pagination.total_pages", "ne s'emploie qu'avec pagination.type 'page_number'")
    ]


def test_a_pagination_or_list_working_another_way_replaces_the_preset_block_whole() -> None:
    definition, problems = definition_text_check(ODS_TEXT.replace("{page_size: 50}", "{type: page_number}"))
    # The preset's offset options (offset_param, total…) are not left beside `page_number`.
    assert problems == [] and definition is not None
    assert definition["pagination"] == {"type": "page_number"}
    links = "list: {entries: {json: 'items[*]'}, link: {json: url}}\nrecord_id:"
    definition, problems = definition_text_check(ODS_TEXT.replace("record_id:", links))
    assert problems == [] and definition is not None
    assert definition["list"] == {"entries": {"json": "items[*]"}, "link": {"json": "url"}}


def _section(title: str) -> str:
    """A `###` section of docs/sources.md."""
    doc = (Path(settings.BASE_DIR) / "docs" / "sources.md").read_text(encoding="utf-8")
    return doc.split(f"\n### {title}")[1].split("\n## ")[0].split("\n### ")[0]


def _inline_keys(section: str) -> list[dict[str, object]]:
    """The definition keys a section gives inline (`pagination: {type: none}`), in order."""
    spans = re.findall(r"`((?:start_urls|pagination|list): [^`]+)`", section)
    return [yaml.safe_load(span) for span in spans]


def _example(section: str) -> dict[str, object]:
    """The YAML example of a section."""
    example: dict[str, object] = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)[0])
    return example


def test_the_documented_opendatasoft_export_recipe_is_a_valid_definition() -> None:
    section = _section("`opendatasoft`")
    recipe = {key: value for keys in _inline_keys(section) for key, value in keys.items()}
    assert sorted(recipe) == ["list", "pagination", "start_urls"]
    definition, problems = definition_checked({**_example(section), **recipe})
    assert problems == []
    assert definition["pagination"] == {"type": "none"} and definition["list"] == recipe["list"]


def test_the_documented_wordpress_pagination_variants_are_valid_with_and_without_the_preset() -> None:
    variants = _inline_keys(_section("API WordPress (REST)"))
    assert [variant["pagination"]["type"] for variant in variants] == ["link_header", "page_number"]  # type: ignore[index]
    for example in (_example(_section("API WordPress (REST)")), _example(_section("`wordpress`"))):
        for variant in variants:
            definition, problems = definition_checked({**example, **variant})
            assert problems == [], (example["slug"], variant)
            # The partner's options all hold; another type leaves none of the preset's beside them.
            assert definition["pagination"].items() >= variant["pagination"].items()
        assert definition_checked({**example, **variants[0]})[0]["pagination"] == variants[0]["pagination"]


def test_the_editor_the_preview_and_the_files_all_read_the_merged_definition(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    definition, problems = definition_text_check(ODS_TEXT)
    assert problems == [] and definition is not None
    assert definition["pagination"]["page_size"] == 50 and definition["list"]
    preview, problems = preview_definition({**definition, "pagination": {}, "list": {}, "preset": "ckan"})
    assert problems == [] and preview is not None
    assert preview["pagination"]["total"] == {"json": "result.total"}
    preview, problems = preview_definition({**definition, "preset": "wp"})
    assert preview is None and problems[0].startswith("preset: préréglage inconnu 'wp'")
    (tmp_path / "lieux.yml").write_text(ODS_TEXT, encoding="utf-8")
    call_command("sources", "import", str(tmp_path))
    source = Source.objects.get(slug="lieux")
    # Harvests read the merged definition; the stored text is what the partner wrote.
    assert source.definition["pagination"]["type"] == "offset"
    assert source.definition["list"] == {"records": {"json": "results[*]"}}
    assert source.versions.get().text == ODS_TEXT
    (tmp_path / "lieux.yml").write_text(ODS_TEXT.replace("opendatasoft", "ods"), encoding="utf-8")
    with pytest.raises(CommandError, match="préréglage inconnu 'ods'"):
        call_command("sources", "import", str(tmp_path))


def test_a_text_saved_from_the_browser_keeps_its_preset_line_and_runs_merged(db: None) -> None:
    version = source_version_save(ODS_TEXT, author=None, origin=Source.Origin.FILE)
    assert version.text == ODS_TEXT and "preset: opendatasoft" in version.text
    assert version.definition["pagination"]["total"] == {"json": "total_count"}
    assert version.definition["pagination"]["page_size"] == 50


def test_offset_pagination_needs_its_page_size_and_keeps_its_options_to_itself() -> None:
    own = {
        "slug": "lieux",
        "name": "Lieux",
        "kind": "json_api",
        "start_urls": ["https://example.fr/api?limit=100"],
        "list": {"records": {"json": "results[*]"}},
        "record_id": {"json": "code"},
        "fields": {"title": {"json": "nom"}},
    }
    offset = {"type": "offset", "total": {"json": "total_count"}}
    assert definition_checked({**own, "pagination": offset})[1] == [
        "pagination.page_size: obligatoire avec pagination.type 'offset' (pas du décalage)"
    ]
    stray = {"type": "page_number", "offset_param": "start", "page_size_param": "limit", "page_size": 100}
    assert definition_checked({**own, "pagination": stray})[1] == [
        "pagination.offset_param: ne s'emploie qu'avec pagination.type 'offset'",
        "pagination.page_size_param: ne s'emploie qu'avec pagination.type 'offset'",
    ]
    both = {"type": "offset", "page_size": 100, "total_count": "X-Total-Count", "next": {"json": "next"}}
    assert definition_checked({**own, "pagination": both})[1] == [
        "pagination.next: inutile avec pagination.type 'offset' : retirez-le"
    ]
