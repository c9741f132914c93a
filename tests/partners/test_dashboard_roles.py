"""The partner space against every role of ROLES, checked server-side."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.conftest import ROLES, signed_in

pytestmark = pytest.mark.django_db
# Written out apart from the matrix (carrefour/accounts/roles.py) so that a change there shows here.
ADMINISTRATORS = {"administrator", "superuser"}
MEMBERS = {"org_member", "org_admin"}


def _expected(role: str, allowed: set[str], response: Any) -> None:
    """200 for the allowed, the login page for visitors, 403 (with the block's reason) for the others."""
    if role in allowed:
        assert response.status_code == 200, response.status_code
    elif role == "visitor":
        assert response.status_code == 302 and "/compte/login" in response["Location"]
    else:
        assert response.status_code == 403, response.status_code
        if role.startswith("blocked"):
            assert "Messages publicitaires répétés" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_partner_home_lists_own_sources_to_members_and_every_source_to_administrators(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    response = signed_in(make_user(role)).get("/espace-partenaire/")
    _expected(role, MEMBERS | ADMINISTRATORS, response)
    if response.status_code == 200:
        page = response.content.decode()
        assert "Plateforme source-own" in page and "Organisation own" in page
        assert ("Plateforme source-other" in page) is (role in ADMINISTRATORS)


@pytest.mark.parametrize("role", ROLES)
def test_source_dashboard_is_for_its_organisation_and_administrators(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    client = signed_in(make_user(role))
    _expected(role, MEMBERS | ADMINISTRATORS, client.get("/espace-partenaire/sources/source-own/"))
    # Members of the "own" organisation are members of another organisation for this one.
    _expected(role, ADMINISTRATORS, client.get("/espace-partenaire/sources/source-other/"))


def test_an_unknown_source_is_not_found(make_user: Any, world: dict[str, Any]) -> None:
    response = signed_in(make_user("org_member")).get("/espace-partenaire/sources/inconnue/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", [role for role in ROLES if role != "visitor"])
def test_the_account_page_links_to_the_partner_space_for_those_who_may_enter(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    page = signed_in(make_user(role)).get("/compte/").content.decode()
    assert ('href="/espace-partenaire/"' in page) is (role in MEMBERS | ADMINISTRATORS)
