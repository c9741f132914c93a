"""The source editor: create, errors at their lines, edit, history, revert, validation, hostile texts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from carrefour.contributions.models import Notification
from carrefour.partners.editor import STARTER_KINDS, starter_text
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import MAX_TEXT_CHARS, definition_text_check
from tests.accounts.conftest import signed_in
from tests.partners.editor_data import definition_post, definition_text, source_versioned
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
NEW = "/espace-partenaire/sources/nouvelle"


def _create(client: Any, world: dict[str, Any], text: str) -> Any:
    return client.post(
        NEW, {"organisation": world["own_org"].pk, "text": text, "comment": "Première version"}
    )


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize("kind", list(STARTER_KINDS))
def test_every_starter_is_a_valid_definition_offered_in_the_editor(
    kind: str, make_user: Any, world: dict[str, Any]
) -> None:
    assert definition_text_check(starter_text(kind))[1] == []
    page = _page(signed_in(make_user("org_member")).get(f"{NEW}?modele={kind}"))
    assert f"kind: {kind}" in page
    # The documentation of the options, from the schema's descriptions.
    assert "Extracteur de l&#x27;identifiant stable de la fiche" in page
    assert "Secondes entre deux requêtes vers un même hôte" in page
    # The row filters, a shared block of the schema, are documented beside the extractors.
    assert "Filtres (filters)" in page and "Vrai si une valeur est l&#x27;une de celles-ci" in page
    assert "Tables de correspondance (lookups)" in page and "Chemin json du code dans chaque entrée" in page


def test_the_new_source_page_offers_a_starter_per_kind_geojson_included(
    make_user: Any, world: dict[str, Any]
) -> None:
    page = _page(signed_in(make_user("org_member")).get(NEW))
    for kind in ("html", "json_api", "csv", "geojson"):
        assert f'href="?modele={kind}"' in page
    assert "Couche GeoJSON" in page
    definition = definition_text_check(starter_text("geojson"))[0]
    assert definition is not None and definition["fields"]["longitude"] == {"json": "longitude"}


def test_a_broken_definition_is_refused_with_its_lines_highlighted(
    make_user: Any, world: dict[str, Any]
) -> None:
    client = signed_in(make_user("org_member"))
    text = definition_text("ma-source").replace('title: {css: "h1"}', 'titel: {css: "h1"}')
    response = _create(client, world, text)
    assert response.status_code == 400
    page = _page(response)
    line = text.splitlines().index('  titel: {css: "h1"}') + 1
    assert f'<a href="#ligne-{line}">Ligne {line}</a>' in page
    assert re.search(rf'<span id="ligne-{line}" class="carrefour-line-error"', page)
    assert "titel" in page and not Source.objects.filter(slug="ma-source").exists()
    # Nothing typed is lost: the text comes back in the editor.
    assert "titel: {css: &quot;h1&quot;}" in page


def test_a_new_source_waits_for_validation_and_belongs_to_the_organisation(
    make_user: Any, world: dict[str, Any]
) -> None:
    client = signed_in(make_user("org_member"))
    response = _create(client, world, definition_text("ma-source"))
    assert response.status_code == 302
    source = Source.objects.get(slug="ma-source")
    assert source.review_status == Source.Review.PENDING
    page = _page(client.get(response["Location"]))
    assert "en attente de validation" in page and "Première version" in page
    assert "Organisation own" in page


def test_edits_apply_at_once_unless_the_hosts_change(make_user: Any, world: dict[str, Any]) -> None:
    source = world["own_source"]
    client = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/definition"
    source_versioned(source, definition_text(source.slug))
    response = definition_post(
        client, url, {"text": definition_text(source.slug, name="Autre nom"), "comment": "nom"}, follow=True
    )
    assert "enregistrée et appliquée" in _page(response)
    source.refresh_from_db()
    assert source.name == "Autre nom"
    moved = definition_text(source.slug, host="ailleurs.example.net", name="Autre nom")
    response = definition_post(client, url, {"text": moved, "comment": "hôte"}, follow=True)
    assert "en attente de validation" in _page(response)
    source.refresh_from_db()
    assert "www.example.org" in str(source.definition["start_urls"])  # the version in service stays
    assert "ailleurs.example.net" in _page(client.get(url))  # the editor shows the newest text


def test_history_diff_and_revert(make_user: Any, world: dict[str, Any]) -> None:
    source = world["own_source"]
    user = make_user("org_member")
    client = signed_in(user)
    base = f"/espace-partenaire/sources/{source.slug}"
    source_versioned(source, definition_text(source.slug), author=user, comment="départ")
    definition_post(
        client,
        f"{base}/definition",
        {"text": definition_text(source.slug, name="Nom 2"), "comment": "renommée"},
    )
    page = _page(client.get(f"{base}/versions"))
    assert "renommée" in page and "départ" in page and "Appliquée" in page
    assert "Contributeur n°" in page  # the author's public name, never the e-mail address
    diff = _page(client.get(f"{base}/versions/2"))
    assert 'class="carrefour-udiff-del">-name: Plateforme source-own' in diff
    assert 'class="carrefour-udiff-add">+name: Nom 2' in diff
    assert client.post(f"{base}/versions/1").status_code == 302
    source.refresh_from_db()
    assert source.versions.count() == 3 and source.name == "Plateforme source-own"


def test_a_refusal_needs_a_reason_that_the_partner_reads(
    make_user: Any, world: dict[str, Any], mailbox: Any
) -> None:
    member = make_user("org_member")
    _create(signed_in(member), world, definition_text("ma-source"))
    version = SourceVersion.objects.get(source__slug="ma-source")
    admin = signed_in(make_user("administrator"))
    queue = _page(admin.get("/espace-partenaire/validation"))
    assert "Hôtes avant : aucun (nouvelle source)" in queue and "www.example.org" in queue
    assert "Organisation own" in queue
    decide = f"/espace-partenaire/validation/{version.pk}"
    page = _page(admin.post(decide, {"decision": "refuser"}, follow=True))
    assert "le motif est obligatoire" in page
    version.refresh_from_db()
    assert version.status == SourceVersion.Status.PENDING
    reason = "Le site <b>n'autorise</b> pas la réutilisation"
    admin.post(decide, {"decision": "refuser", f"v{version.pk}-reason": reason})
    version.refresh_from_db()
    assert version.status == SourceVersion.Status.REFUSED
    page = _page(signed_in(member).get("/espace-partenaire/sources/ma-source/versions"))
    assert "Le site &lt;b&gt;n&#x27;autorise&lt;/b&gt; pas" in page and "<b>n'autorise" not in page
    assert Notification.objects.filter(user=member, message__contains="refusée").exists()
    tasks_run()
    assert "Motif : Le site <b>n'autorise</b> pas la réutilisation" in mailbox.last_body(member.email)


def test_a_validated_source_is_told_to_its_members(make_user: Any, world: dict[str, Any]) -> None:
    member = make_user("org_member")
    _create(signed_in(member), world, definition_text("ma-source"))
    version = SourceVersion.objects.get(source__slug="ma-source")
    signed_in(make_user("administrator")).post(
        f"/espace-partenaire/validation/{version.pk}", {"decision": "valider"}
    )
    assert Source.objects.get(slug="ma-source").review_status == Source.Review.VALIDATED
    assert Notification.objects.filter(user=member, message__contains="validée").exists()


def test_a_huge_text_is_refused_clearly(make_user: Any, world: dict[str, Any]) -> None:
    text = definition_text("ma-source") + "notes: " + "x" * MAX_TEXT_CHARS + "\n"
    response = _create(signed_in(make_user("org_member")), world, text)
    assert response.status_code == 400
    assert f"texte trop long ({len(text)} &gt; {MAX_TEXT_CHARS} caractères)" in _page(response)
    assert not Source.objects.filter(slug="ma-source").exists()


def test_yaml_aliases_are_refused_before_they_expand(make_user: Any, world: dict[str, Any]) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(12)
    )
    response = _create(signed_in(make_user("org_member")), world, definition_text("ma-source") + bomb)
    assert response.status_code == 400
    page = _page(response)
    assert "les ancres et alias YAML (&amp;, *) ne sont pas acceptés" in page
    assert not Source.objects.filter(slug="ma-source").exists()


def test_html_in_the_definition_is_shown_escaped(make_user: Any, world: dict[str, Any]) -> None:
    text = definition_text("ma-source").replace("kind: html", "kind: <script>alert(1)</script>")
    page = _page(_create(signed_in(make_user("org_member")), world, text))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
