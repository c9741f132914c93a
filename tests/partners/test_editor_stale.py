"""The editor against lost updates, its way back from a preview, origins kept, reserved slugs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.services import source_import
from carrefour.sources.versions import RESERVED_SLUGS, source_version_save
from tests.accounts.conftest import signed_in
from tests.net import free_port
from tests.partners.editor_data import definition_post, definition_text, source_versioned, version_on_page
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def _url(source: Source, page: str = "definition") -> str:
    return f"/espace-partenaire/sources/{source.slug}/{page}"


def test_a_save_on_a_page_older_than_the_newest_version_is_refused_and_the_text_kept(
    make_user: Any, world: dict[str, Any]
) -> None:
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    partner_a, colleague_b = make_user("org_member"), make_user("org_admin")
    client = signed_in(partner_a)
    opened = version_on_page(client.get(_url(source)).content.decode())
    # B saves meanwhile (on /vocabulaire, in another editor…): version 2.
    b_text = definition_text(source.slug).replace("title:", "description: {css: 'p'}\n  title:")
    source_version_save(b_text, author=colleague_b, source=source, comment="description de B")
    a_text = definition_text(source.slug, name="Nom de A")
    response = client.post(_url(source), {"text": a_text, "comment": "nom", "version": opened})
    assert response.status_code == 409
    page = response.content.decode()
    assert "La définition a changé depuis l'ouverture de cette page : rien n'a été enregistré" in page
    assert f'href="{_url(source, "versions/2")}"' in page and "description de B" in page
    assert 'carrefour-udiff-add">+  description: {css: &#x27;p&#x27;}' in page  # what B changed
    assert "name: Nom de A" in page  # A's text is kept
    source.refresh_from_db()
    assert source.versions.count() == 2 and "description" in source.definition["fields"]
    # The page now stands on version 2: once A has carried B's change over, the save goes through.
    assert version_on_page(page) == "2"
    merged = b_text.replace(f"name: Plateforme {source.slug}", "name: Nom de A")
    response = client.post(_url(source), {"text": merged, "comment": "nom", "version": "2"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Nom de A" and "description" in source.definition["fields"]


def test_a_form_without_its_version_or_with_a_made_up_one_is_refused_clearly(
    make_user: Any, world: dict[str, Any]
) -> None:
    source = world["own_source"]
    client = signed_in(make_user("org_member"))
    data = {"text": definition_text(source.slug, name="X"), "comment": ""}
    response = client.post(_url(source), {**data, "version": "3"})
    assert response.status_code == 409
    assert (
        "la source n'a aucune version" in response.content.decode() and "name: X" in response.content.decode()
    )
    source_versioned(source, definition_text(source.slug))
    response = client.post(_url(source), data)
    assert response.status_code == 400
    assert "le formulaire n&#x27;indique pas sa version : rechargez la page" in response.content.decode()
    # A number made up (no such version yet): refused as out of date, the text kept.
    response = client.post(_url(source), {**data, "version": "99"})
    assert response.status_code == 409 and "name: X" in response.content.decode()
    assert source.versions.count() == 1


def test_back_from_the_preview_of_an_edited_text_the_editor_has_it_again(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    member = signed_in(make_user("org_member"))
    edited = definition_text(source.slug, name="Essai non enregistré", host=f"127.0.0.1:{free_port()}")
    data = {"text": edited, "comment": "", "previsualiser": "1"}
    assert definition_post(member, _url(source), data).status_code == 302
    tasks_run()
    page = member.get(_url(source, "apercu")).content.decode()
    assert "Aperçu du texte modifié, non enregistré" in page
    assert "Prévisualiser la définition enregistrée (version 1)" in page
    assert f'href="{_url(source)}?reprendre=1" id="reprendre">Reprendre la modification' in page
    editor = member.get(f"{_url(source)}?reprendre=1").content.decode()
    assert "name: Essai non enregistré" in editor and version_on_page(editor) == "1"
    # The saved text previewed: the labels say so, and the edited text is still kept.
    member.post(_url(source, "apercu"))
    page = member.get(_url(source, "apercu")).content.decode()
    assert "Aperçu de la définition enregistrée (version 1)" in page and "texte modifié, non" not in page
    assert "Reprendre la modification" in page
    # Saved at last: nothing to take up again.
    editor = member.get(f"{_url(source)}?reprendre=1").content.decode()
    member.post(_url(source), {"text": edited, "comment": "", "version": version_on_page(editor)})
    assert source.versions.count() == 2
    assert "Reprendre la modification" not in member.get(_url(source, "apercu")).content.decode()


@pytest.mark.parametrize("role", ["administrator", "org_member"])
def test_an_administrator_keeps_a_repository_source_the_file_s(
    role: str, make_user: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug), origin=Source.Origin.FILE)
    source.refresh_from_db()
    assert source.origin == Source.Origin.FILE
    client = signed_in(make_user(role))
    edited = definition_text(source.slug, name="Renommée dans le navigateur")
    assert definition_post(client, _url(source), {"text": edited, "comment": ""}).status_code == 302
    source.refresh_from_db()
    expected = Source.Origin.FILE if role == "administrator" else Source.Origin.PARTNER
    assert source.origin == expected and source.name == "Renommée dans le navigateur"
    # The file, not yet saying the browser's edit, does not undo it.
    path = tmp_path / f"{source.slug}.yml"
    path.write_text(definition_text(source.slug), encoding="utf-8")
    assert source_import([path]).skipped == [source.slug]
    source.refresh_from_db()
    assert source.name == "Renommée dans le navigateur"
    # Once the file says the same (exported, committed), the administrator's source follows its file again.
    path.write_text(edited, encoding="utf-8")
    assert source_import([path]).skipped == ([] if role == "administrator" else [source.slug])
    path.write_text(definition_text(source.slug, name="Nom du dépôt"), encoding="utf-8")
    source_import([path])
    source.refresh_from_db()
    assert source.name == ("Nom du dépôt" if role == "administrator" else "Renommée dans le navigateur")


def test_a_new_source_cannot_take_a_word_of_the_partner_space_addresses(
    make_user: Any, world: dict[str, Any]
) -> None:
    data = {"organisation": world["own_org"].pk, "text": definition_text("nouvelle"), "comment": ""}
    response = signed_in(make_user("org_member")).post("/espace-partenaire/sources/nouvelle", data)
    assert response.status_code == 400
    assert "« nouvelle » est un mot réservé des adresses du site" in response.content.decode()
    assert not Source.objects.filter(slug="nouvelle").exists()
    assert not SourceVersion.objects.filter(source__slug="nouvelle").exists()


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every route of the site, as written in the URL configuration."""
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def test_every_word_beside_the_source_slugs_is_reserved() -> None:
    under = "espace-partenaire/sources/"
    words = {
        route[len(under) :].split("/")[0]
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(under)
    }
    assert {word for word in words if not word.startswith("<")} <= RESERVED_SLUGS
    assert "nouvelle" in RESERVED_SLUGS
