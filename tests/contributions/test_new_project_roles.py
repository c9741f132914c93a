"""Proposing a new project against every role of ROLES: the page, the sending, published at once or held."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.contributions.commune_picker import commune_resolve
from carrefour.contributions.models import Contribution
from carrefour.contributions.new_project import project_propose
from carrefour.projects.models import Project
from carrefour.territories.services import LoadReport
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import PROPOSERS

pytestmark = pytest.mark.django_db
# A new project belongs to no organisation yet: its members' own-organisation right does not reach it.
LIVE_AT_ONCE = {"trusted_granted", "trusted_earned", "moderator", "administrator", "superuser"}


@pytest.fixture(autouse=True)
def _places(territories_loaded: LoadReport) -> None:
    """The real communes."""


@pytest.mark.parametrize("role", ROLES)
def test_the_page_and_the_sending_follow_the_role(role: str, make_user: Any) -> None:
    user = make_user(role)
    client = signed_in(user)
    data = {"title": "Atelier vélo solidaire", "commune": "Brest", "envoyer": "1", "confirm_new": "on"}
    page, sent = client.get("/projets/proposer"), client.post("/projets/proposer", data)
    if role in PROPOSERS:
        assert page.status_code == 200 and "Proposer un projet" in page.content.decode()
        assert sent.status_code == 302 and sent["Location"] == "/compte/contributions"
        contribution = Contribution.objects.get()
        published = Project.objects.filter(title="Atelier vélo solidaire", is_published=True).exists()
        assert published == (role in LIVE_AT_ONCE)
        assert contribution.status == ("published" if role in LIVE_AT_ONCE else "pending")
    elif role == "visitor":
        assert page.status_code == 302 and "/compte/login" in page["Location"]
        assert sent.status_code == 302 and "/compte/login" in sent["Location"]
    else:
        assert page.status_code == 403 and sent.status_code == 403
        if role.startswith("blocked"):
            assert "Messages publicitaires répétés" in page.content.decode()
    if role not in PROPOSERS:
        assert not Contribution.objects.exists()
        with pytest.raises(PermissionError):
            project_propose(user, {"title": "Atelier vélo solidaire"}, commune_resolve("Brest"))


@pytest.mark.parametrize("role", ROLES)
def test_the_header_offers_proposing_to_signed_in_accounts(role: str, make_user: Any) -> None:
    user = make_user(role)
    client = signed_in(user)
    assert ('id="proposer-projet"' in client.get("/").content.decode()) == user.is_authenticated
