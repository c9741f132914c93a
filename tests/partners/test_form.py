"""The form for the common kinds: each kind saved as a version, errors beside their fields, editing, guide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from carrefour.partners import guide
from carrefour.partners.editor import STARTER_KINDS, starter_text
from carrefour.partners.kinds import form_initial
from carrefour.partners.views_preview import NEW as NEW_KEY
from carrefour.partners.views_preview import TEXTS_KEY
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import definition_text_check
from tests.accounts.conftest import signed_in
from tests.partners.editor_data import source_versioned
from tests.partners.test_form_roles import form_data

pytestmark = pytest.mark.django_db
NEW = "/espace-partenaire/sources/nouvelle/formulaire"
# One filled form per kind, and what its definition must say.
KINDS = {
    "html": (
        form_data(
            "en-html",
            next_selector='a[rel="next"]::attr(href)',
            field_summary="p.resume",
            field_themes="ul.thematiques li",
            field_description="div.description p",
        ),
        {
            "pagination": {"type": "next_link", "next": {"css": 'a[rel="next"]::attr(href)'}},
            "list": {"links": {"css": "article h2 a::attr(href)"}},
            "record_id": {"url": "last_segment"},
            "fields": {
                "title": {"css": "h1"},
                "summary": {"css": "p.resume"},
                "description": {"css": "div.description p", "join": "\n"},
                "themes": {"css": "ul.thematiques li", "multiple": True},
            },
        },
    ),
    "json_api": (
        form_data(
            "en-json",
            kind="json_api",
            start_urls="https://api.example.org/projets?limit=100",
            list_selector="data[*]",
            next_selector="next",
            record_id="id",
            field_title="titre",
            field_commune="adresse.ville",
            field_publics="publics",
        ),
        {
            "pagination": {"type": "json_next", "next": {"json": "next"}},
            "list": {"records": {"json": "data[*]"}},
            "record_id": {"json": "id"},
            "fields": {
                "title": {"json": "titre"},
                "publics": {"json": "publics", "multiple": True},
                "commune": {"json": "adresse.ville"},
            },
        },
    ),
    "csv": (
        form_data(
            "en-csv",
            kind="csv",
            start_urls="https://www.example.org/export.csv",
            list_selector="",
            csv_delimiter=";",
            csv_split=" | ",
            encoding="windows-1252",
            record_id="identifiant",
            field_title="nom",
            field_themes="thematiques",
        ),
        {
            "encoding": "windows-1252",
            "csv": {"delimiter": ";"},
            "record_id": {"column": "identifiant"},
            "fields": {
                "title": {"column": "nom"},
                "themes": {"column": "thematiques", "split": " | ", "multiple": True},
            },
        },
    ),
    # A list selector left over from another kind is not written: each feature is a record.
    "geojson": (
        form_data(
            "en-geojson",
            kind="geojson",
            start_urls="https://www.example.org/data/lieux.geojson",
            record_id="properties.code",
            field_title="properties.nom",
            field_latitude="latitude",
            field_longitude="longitude",
        ),
        {
            "list": None,
            "pagination": None,
            "record_id": {"json": "properties.code"},
            "fields": {
                "title": {"json": "properties.nom"},
                "latitude": {"json": "latitude"},
                "longitude": {"json": "longitude"},
            },
        },
    ),
}


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_form_of_each_kind_saves_a_valid_version(
    kind: str, make_user: Any, world: dict[str, Any]
) -> None:
    data, expected = KINDS[kind]
    client = signed_in(make_user("org_member"))
    response = client.post(NEW, {**data, "organisation": world["own_org"].pk, "comment": "Par le formulaire"})
    source = Source.objects.get(slug=data["slug"])
    assert response.status_code == 302 and response["Location"].endswith(f"/sources/{source.slug}/versions")
    version = SourceVersion.objects.get(source=source)
    assert version.status == SourceVersion.Status.PENDING and version.comment == "Par le formulaire"
    definition, problems = definition_text_check(version.text)
    assert problems == [] and definition is not None
    assert definition["kind"] == kind and definition["name"] == data["name"]
    assert {key: definition.get(key) for key in expected} == expected
    # Readable YAML, keys in the order a definition is read, ready for the YAML editor.
    assert version.text.startswith(f"slug: {source.slug}\nname: ")
    assert list(yaml.safe_load(version.text))[:3] == ["slug", "name", "kind"]


def test_what_each_kind_needs_is_asked_beside_its_field(make_user: Any, world: dict[str, Any]) -> None:
    data, _expected = KINDS["json_api"]
    data = {**data, "list_selector": "", "record_id": "", "field_commune": "adresse.ville"}
    response = signed_in(make_user("org_member")).post(NEW, {**data, "organisation": world["own_org"].pk})
    assert response.status_code == 400
    page = _page(response)
    group = page.split('id="champ-list_selector"')[1].split("</div>")[0]
    assert "Obligatoire pour ce type de source (chemin JSON" in group
    assert "Obligatoire pour ce type de source" in page.split('id="champ-record_id"')[1].split("</div>")[0]
    # Nothing typed is lost.
    assert 'value="adresse.ville"' in page and not Source.objects.filter(slug=data["slug"]).exists()


def test_a_definition_problem_is_shown_beside_its_field_and_nothing_is_lost(
    make_user: Any, world: dict[str, Any]
) -> None:
    data = form_data("selecteur-casse", field_title="h1[[", field_summary="p.resume")
    response = signed_in(make_user("org_member")).post(NEW, {**data, "organisation": world["own_org"].pk})
    assert response.status_code == 400
    page = _page(response)
    title_group = page.split('id="champ-field_title"')[1].split("</div>")[0]
    assert "fr-error-text" in title_group and 'value="h1[["' in title_group
    assert 'value="p.resume"' in page and 'id="yaml-genere"' in page
    assert not Source.objects.filter(slug="selecteur-casse").exists()
    # A refused host is said beside the addresses.
    data = {**data, "field_title": "h1", "start_urls": "http://127.0.0.1/projets"}
    page = _page(signed_in(make_user("org_admin")).post(NEW, {**data, "organisation": world["own_org"].pk}))
    assert "127.0.0.1" in page.split('id="champ-start_urls"')[1].split("</div>")[0].split("</textarea>")[1]


def test_previewing_the_form_starts_a_preview_and_keeps_the_yaml_for_the_editor(
    make_user: Any, world: dict[str, Any]
) -> None:
    data, _expected = KINDS["csv"]
    client = signed_in(make_user("org_member"))
    response = client.post(NEW, {**data, "organisation": world["own_org"].pk, "previsualiser": "1"})
    assert (
        response.status_code == 302 and response["Location"] == "/espace-partenaire/sources/nouvelle/apercu"
    )
    kept = client.session[TEXTS_KEY][NEW_KEY]["text"]
    assert "column: identifiant" in kept and not Source.objects.filter(slug=data["slug"]).exists()
    assert "column: identifiant" in _page(client.get("/espace-partenaire/sources/nouvelle?reprendre=1"))


@pytest.mark.parametrize("kind", list(STARTER_KINDS))
def test_every_starter_can_be_edited_by_the_form(kind: str) -> None:
    definition = definition_text_check(starter_text(kind))[0]
    assert definition is not None
    initial = form_initial(definition)
    assert initial is not None and initial["kind"] == kind and initial["field_title"]
    # An encoding the form does not offer would be lost: the YAML editor then.
    assert form_initial({**definition, "encoding": "iso-8859-15"}) is None


def test_editing_by_the_form_keeps_what_the_form_does_not_show(make_user: Any, world: dict[str, Any]) -> None:
    source = world["own_source"]
    text = starter_text("csv").replace("slug: ma-source", f"slug: {source.slug}")
    text += "vocabularies:\n  themes: {Jardins: alimentation}\n"
    source_versioned(source, text)
    client = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    page = _page(client.get(url))
    assert 'value="thematiques"' in page and 'value="identifiant"' in page and 'name="slug"' not in page
    data = {**form_initial(SourceVersion.objects.get(source=source).definition), "field_title": "titre"}
    data = {key: value for key, value in data.items() if key != "slug"}
    response = client.post(url, {**data, "version": "1", "comment": "Le titre change de colonne"})
    assert response.status_code == 302
    latest = SourceVersion.objects.filter(source=source).order_by("-number").first()
    assert latest is not None and latest.number == 2
    definition = latest.definition
    assert definition["fields"]["title"] == {"column": "titre"}
    assert definition["vocabularies"] == {"themes": {"Jardins": "alimentation"}}
    assert definition["licence"] == "Licence Ouverte 2.0" and definition["csv"]["null_values"] == [""]


def test_a_definition_the_form_cannot_say_sends_to_the_yaml_editor(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]  # the simulator's address in the repository's file
    source = world["own_source"]
    text = Path("sources/observatoire-regional.yml").read_text(encoding="utf-8")
    source_versioned(source, text.replace("slug: observatoire-regional", f"slug: {source.slug}"))
    client = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    page = _page(client.get(url))
    assert 'id="hors-formulaire"' in page
    assert f'href="/espace-partenaire/sources/{source.slug}/definition"' in page
    client.post(url, form_data(source.slug))
    assert SourceVersion.objects.filter(source=source).count() == 1  # nothing lost by a form post


def test_the_guide_is_rendered_and_sanitised(make_user: Any, world: dict[str, Any], tmp_path: Path) -> None:
    client = signed_in(make_user("org_member"))
    page = _page(client.get("/espace-partenaire/guide-des-sources"))
    assert "<h1>Définir une source</h1>" in page and "<td><code>start_urls</code></td>" in page
    hostile = tmp_path / "sources.md"
    hostile.write_text(
        "# Guide\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1))\n", encoding="utf-8"
    )
    guide.guide_html.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(guide, "GUIDE_PATH", hostile)
            page = _page(client.get("/espace-partenaire/guide-des-sources"))
    finally:
        guide.guide_html.cache_clear()
    assert "<h1>Guide</h1>" in page and "<script>alert" not in page and 'href="javascript' not in page


def test_the_editor_lists_the_codes_of_each_vocabulary_and_links_the_guide_and_the_form(
    make_user: Any, world: dict[str, Any]
) -> None:
    page = _page(signed_in(make_user("org_member")).get("/espace-partenaire/sources/nouvelle"))
    panel = page.split('id="codes-vocabulaire"')[1]
    for name in ("themes", "publics", "actor_type", "scale", "status"):
        assert f'id="vocabulaire-{name}"' in panel
    assert "<dt><code>alimentation</code></dt><dd>Alimentation" in panel
    assert 'href="/espace-partenaire/guide-des-sources"' in page
    assert 'href="/espace-partenaire/sources/nouvelle/formulaire"' in page


def test_the_form_saved_on_an_out_of_date_page_saves_nothing_and_keeps_the_values(
    make_user: Any, world: dict[str, Any]
) -> None:
    source = world["own_source"]
    text = starter_text("csv").replace("slug: ma-source", f"slug: {source.slug}")
    source_versioned(source, text)
    colleague_text = text + "vocabularies:\n  themes: {Jardins: alimentation}\n"
    source_versioned(source, colleague_text)  # a colleague saved version 2 after the page was built on 1
    client = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    data = {**form_initial(SourceVersion.objects.get(source=source, number=1).definition)}
    data = {key: value for key, value in data.items() if key != "slug"}
    response = client.post(url, {**data, "field_title": "titre", "version": "1"})
    page = _page(response)
    # As in the YAML editor: a conflict, with what the colleague changed since.
    assert response.status_code == 409 and "rien n'a été enregistré" in page
    assert "Jardins: alimentation" in page and "Vos valeurs sont gardées" in page
    assert SourceVersion.objects.filter(source=source).count() == 2
    assert 'value="titre"' in page and 'name="version" value="2"' in page
    response = client.post(url, {**data, "field_title": "titre", "version": "2"})
    assert response.status_code == 302
    latest = SourceVersion.objects.get(source=source, number=3).definition
    assert latest["fields"]["title"] == {"column": "titre"}
    assert latest["vocabularies"] == {"themes": {"Jardins": "alimentation"}}  # the colleague's change kept
