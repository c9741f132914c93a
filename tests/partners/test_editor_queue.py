"""The validation queue: pages, a diff against the version in service, stale decisions, four eyes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carrefour.accounts.services import organisation_source_add
from carrefour.partners.editor import ReviewRefusedError, source_version_decide
from carrefour.sources.models import SourceVersion
from carrefour.sources.versions import source_version_save
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import _expected
from tests.partners.editor_data import definition_text, source_versioned
from tests.partners.test_editor_roles import VALIDATORS

pytestmark = pytest.mark.django_db
QUEUE = "/espace-partenaire/validation"


def _pending_ids(page: str) -> list[str]:
    return re.findall(r'id="attente-(\d+)"', page)


def test_the_queue_comes_by_pages_in_the_same_number_of_queries(
    make_user: Any, world: dict[str, Any]
) -> None:
    member = make_user("org_member")
    for i in range(12):
        version = source_version_save(definition_text(f"source-{i:02}"), author=member)
        organisation_source_add(world["own_org" if i % 2 else "other_org"], version.source)
    admin = signed_in(make_user("administrator"))
    with CaptureQueriesContext(connection) as first:
        page = admin.get(QUEUE).content.decode()
    assert len(_pending_ids(page)) == 10 and "12 versions en attente" in page
    assert "Plateforme source-00" in page and "Plateforme source-10" not in page  # the oldest first
    assert 'href="?page=2#file-attente">Page suivante' in page
    with CaptureQueriesContext(connection) as second:
        page = admin.get(f"{QUEUE}?page=2").content.decode()
    assert len(_pending_ids(page)) == 2 and "Plateforme source-11" in page and "Organisation own" in page
    # Ten versions cost what two do: no query per version.
    assert len(first.captured_queries) == len(second.captured_queries)


def test_a_change_is_shown_against_the_version_in_service(make_user: Any, world: dict[str, Any]) -> None:
    source = world["own_source"]
    member = make_user("org_member")
    source_versioned(source, definition_text(source.slug))
    moved = source_version_save(
        definition_text(source.slug, host="un.example.net"), author=member, source=source
    )
    latest = source_version_save(
        definition_text(source.slug, host="deux.example.net"), author=member, source=source
    )
    moved.refresh_from_db()
    assert moved.status == SourceVersion.Status.WITHDRAWN
    admin = signed_in(make_user("administrator"))
    page = admin.get(QUEUE).content.decode()
    assert _pending_ids(page) == [str(latest.pk)]
    assert "Différences avec la version en service (version 1)" in page
    assert '<span class="carrefour-udiff-file">--- version 1</span>' in page
    assert (
        '<span class="carrefour-udiff-del">-start_urls: [&quot;https://www.example.org/projets&quot;]' in page
    )
    assert "un.example.net" not in page  # the withdrawn version plays no part
    # Deciding the withdrawn version (from a page opened earlier): a message, not an error page.
    response = admin.post(f"{QUEUE}/{moved.pk}", {"decision": "valider"}, follow=True)
    assert response.status_code == 200
    assert (
        "la version 2 n&#x27;attend plus de décision (elle est désormais « Remplacée avant validation »)"
        in response.content.decode()
    )
    moved.refresh_from_db()
    assert moved.status == SourceVersion.Status.WITHDRAWN


@pytest.mark.parametrize("role", ROLES)
def test_nobody_decides_on_a_version_of_their_own(role: str, make_user: Any, world: dict[str, Any]) -> None:
    user = make_user(role)
    author = user if user.is_authenticated else None
    version = source_version_save(definition_text("la-mienne"), author=author)
    client = signed_in(user)
    page = client.get(QUEUE)
    _expected(role, VALIDATORS, page)
    if role in VALIDATORS:
        assert "Vous êtes l'auteur de cette version : un autre administrateur doit la valider" in (
            page.content.decode()
        )
        assert f'action="{QUEUE}/{version.pk}"' not in page.content.decode()
    response = client.post(f"{QUEUE}/{version.pk}", {"decision": "valider"}, follow=role in VALIDATORS)
    if role in VALIDATORS:
        assert "vous êtes l&#x27;auteur de la version 1" in response.content.decode()
    else:
        _expected(role, VALIDATORS, response)
    refusal = {"decision": "refuser", f"v{version.pk}-reason": "Je me relis"}
    client.post(f"{QUEUE}/{version.pk}", refusal)
    version.refresh_from_db()
    assert version.status == SourceVersion.Status.PENDING
    if author is not None:
        with pytest.raises(ReviewRefusedError):
            source_version_decide(version, reviewer=author, accept=False, reason="Je me relis")
    # Another administrator does it.
    signed_in(make_user("superuser" if role == "administrator" else "administrator")).post(
        f"{QUEUE}/{version.pk}", {"decision": "valider"}
    )
    version.refresh_from_db()
    assert version.status == SourceVersion.Status.APPLIED
