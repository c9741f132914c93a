"""Every editor page against every role of ROLES, checked server-side."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.accounts.models import OrganisationSource
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import source_version_save
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import _expected
from tests.partners.editor_data import definition_text, source_versioned

pytestmark = pytest.mark.django_db
# Written out apart from the matrix (carrefour/accounts/roles.py) so that a change there shows here.
EDITORS_OF_OWN = {"administrator", "superuser", "org_member", "org_admin"}
EDITORS_OF_ANY = {"administrator", "superuser"}
VALIDATORS = {"administrator", "superuser"}


@pytest.fixture
def versioned(world: dict[str, Any]) -> dict[str, Any]:
    """Each organisation's source with two saved versions (the second one changing the name only)."""
    for side in ("own", "other"):
        source = world[f"{side}_source"]
        source_versioned(source, definition_text(source.slug))
        source_versioned(source, definition_text(source.slug, name="Nouveau nom"))
    return world


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_source_follows_the_matrix(role: str, make_user: Any, world: dict[str, Any]) -> None:
    client = signed_in(make_user(role))
    _expected(role, EDITORS_OF_OWN, client.get("/espace-partenaire/sources/nouvelle"))
    _expected(role, EDITORS_OF_OWN, client.get("/espace-partenaire/sources/nouvelle/apercu"))
    data = {"organisation": world["own_org"].pk, "text": definition_text("nouvelle-source"), "comment": ""}
    _expected(role, EDITORS_OF_OWN, client.post("/espace-partenaire/sources/nouvelle", data))
    created = Source.objects.filter(slug="nouvelle-source").first()
    assert (created is not None) is (role in EDITORS_OF_OWN)
    if created:
        assert OrganisationSource.objects.get(source=created).organisation == world["own_org"]


@pytest.mark.parametrize("role", ROLES)
def test_members_create_sources_only_for_their_organisation(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    data = {"organisation": world["other_org"].pk, "text": definition_text("chez-les-autres"), "comment": ""}
    response = signed_in(make_user(role)).post("/espace-partenaire/sources/nouvelle", data)
    created = Source.objects.filter(slug="chez-les-autres").exists()
    assert created is (role in EDITORS_OF_ANY)
    if role in EDITORS_OF_OWN - EDITORS_OF_ANY:
        assert response.status_code == 400  # the other organisation is not among the choices


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_a_source_s_pages_follow_the_matrix(
    role: str, side: str, make_user: Any, versioned: dict[str, Any]
) -> None:
    source = versioned[f"{side}_source"]
    allowed = EDITORS_OF_OWN if side == "own" else EDITORS_OF_ANY
    client = signed_in(make_user(role))
    base = f"/espace-partenaire/sources/{source.slug}"
    for page in ("definition", "versions", "versions/1", "apercu"):
        response = client.get(f"{base}/{page}")
        _expected(role, allowed, response)
        if role not in allowed:
            assert "Nouveau nom" not in response.content.decode()
    text = definition_text(source.slug, name="Encore un nom")
    data = {"text": text, "comment": "c", "version": "2"}
    _expected(role, allowed, client.post(f"{base}/definition", data))
    _expected(role, allowed, client.post(f"{base}/versions/1"))
    numbers = list(SourceVersion.objects.filter(source=source).values_list("number", flat=True))
    # Allowed: the edit made version 3, the revert to version 1 made version 4.
    assert sorted(numbers) == ([1, 2, 3, 4] if role in allowed else [1, 2])


@pytest.mark.parametrize("role", ROLES)
def test_the_validation_queue_is_for_administrators_only(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    member = make_user("org_member") if role != "org_member" else None
    user = make_user(role)
    author = member or user
    version = source_version_save(definition_text("en-attente"), author=author)
    client = signed_in(user)
    response = client.get("/espace-partenaire/validation")
    _expected(role, VALIDATORS, response)
    assert ("en-attente" in response.content.decode()) is (role in VALIDATORS)
    _expected(
        role, VALIDATORS, client.post(f"/espace-partenaire/validation/{version.pk}", {"decision": "valider"})
    )
    version.refresh_from_db()
    # A partner never validates a source, not even its own.
    assert (version.status == SourceVersion.Status.APPLIED) is (role in VALIDATORS)
