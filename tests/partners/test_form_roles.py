"""The form for the common kinds and the guide against every role of ROLES, checked server-side."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import OrganisationSource
from carrefour.sources.models import Source, SourceVersion
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import _expected
from tests.partners.editor_data import definition_text, source_versioned

pytestmark = pytest.mark.django_db
# Written out apart from the matrix (carrefour/accounts/roles.py) so that a change there shows here.
EDITORS_OF_OWN = {"administrator", "superuser", "org_member", "org_admin"}
EDITORS_OF_ANY = {"administrator", "superuser"}


def form_data(slug: str, **extra: str) -> dict[str, str]:
    """A filled form of an HTML source (list of links, a title per detail page)."""
    return {
        "slug": slug,
        "name": f"Plateforme {slug}",
        "kind": "html",
        "start_urls": "https://www.example.org/projets",
        "list_selector": "article h2 a::attr(href)",
        "field_title": "h1",
        "comment": "",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_source_by_the_form_follows_the_matrix(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    client = signed_in(make_user(role))
    _expected(role, EDITORS_OF_OWN, client.get("/espace-partenaire/sources/nouvelle/formulaire"))
    _expected(role, EDITORS_OF_OWN, client.get("/espace-partenaire/guide-des-sources"))
    data = form_data("par-formulaire", organisation=str(world["own_org"].pk))
    _expected(role, EDITORS_OF_OWN, client.post("/espace-partenaire/sources/nouvelle/formulaire", data))
    created = Source.objects.filter(slug="par-formulaire").first()
    assert (created is not None) is (role in EDITORS_OF_OWN)
    if created:
        assert OrganisationSource.objects.get(source=created).organisation == world["own_org"]
        assert created.review_status == "pending"


@pytest.mark.parametrize("role", ROLES)
def test_members_create_sources_by_the_form_only_for_their_organisation(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    data = form_data("chez-les-autres", organisation=str(world["other_org"].pk))
    response = signed_in(make_user(role)).post("/espace-partenaire/sources/nouvelle/formulaire", data)
    assert Source.objects.filter(slug="chez-les-autres").exists() is (role in EDITORS_OF_ANY)
    if role in EDITORS_OF_OWN - EDITORS_OF_ANY:
        assert response.status_code == 400  # the other organisation is not among the choices


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_editing_a_source_by_the_form_follows_the_matrix(
    role: str, side: str, make_user: Any, world: dict[str, Any]
) -> None:
    source = world[f"{side}_source"]
    source_versioned(source, definition_text(source.slug))
    allowed = EDITORS_OF_OWN if side == "own" else EDITORS_OF_ANY
    client = signed_in(make_user(role))
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    response = client.get(url)
    _expected(role, allowed, response)
    assert ("article h2 a::attr(href)" in response.content.decode()) is (role in allowed)
    _expected(
        role,
        allowed,
        client.post(url, {**form_data(source.slug, name="Renommée par formulaire"), "version": "1"}),
    )
    versions = SourceVersion.objects.filter(source=source).count()
    assert versions == (2 if role in allowed else 1)
