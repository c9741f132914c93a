"""Permissions cost the same few queries per page however often a page checks them, and are never stale."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carrefour.accounts.memo import request_scope
from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.services import (
    organisation_member_remove,
    user_block,
    user_contribution_accepted,
    user_unblock,
)
from carrefour.search.services import index_rebuild
from tests.accounts.conftest import ROLES

pytestmark = pytest.mark.django_db
# The tables an account's roles are read from.
ROLE_TABLES = ("accounts_profile", "account_emailaddress", "accounts_userblock", "accounts_membership")


def _queries(client: Client, url: str, status: int = 200) -> list[str]:
    """The SQL a page runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def _reading(queries: list[str], *tables: str) -> list[str]:
    return [sql for sql in queries if any(f'"{table}"' in sql for table in tables)]


def _checks(user: Any, world: dict[str, Any]) -> list[bool]:
    """Every action, on nothing and on each object a permission can be scoped to."""
    objects = [None, world["own_project"], world["own_source"], world["own_org"], world["other_project"]]
    return [user_can(user, action, obj) for action in Action for obj in objects]


def test_a_moderators_pages_read_roles_and_notifications_once(make_user: Any, world: dict[str, Any]) -> None:
    index_rebuild()
    project = world["own_project"]
    client = Client()
    client.force_login(make_user("moderator"), backend="django.contrib.auth.backends.ModelBackend")
    pages = [
        f"/projets/{project.pk}-{project.slug}",
        f"/projets/{project.pk}-{project.slug}/historique",
        "/moderation",
        "/recherche?q=projet",
    ]
    for url in pages:
        queries = _queries(client, url)
        assert len(_reading(queries, *ROLE_TABLES)) <= 1, (url, _reading(queries, *ROLE_TABLES))
        assert len(_reading(queries, "contributions_notification")) == 1, url  # the header's count


@pytest.mark.parametrize("role", ROLES)
def test_in_a_request_every_check_after_the_first_is_free_and_gives_the_same_answer(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    user = make_user(role)
    fresh = _checks(user, world)  # outside a request: read every time
    with request_scope():
        with CaptureQueriesContext(connection) as first:
            memoised = _checks(user, world)
        with CaptureQueriesContext(connection) as again:
            assert _checks(user, world) == memoised
    assert memoised == fresh
    # Read once: the roles, then the organisations the account belongs to (and administers) if needed.
    assert len(_reading([q["sql"] for q in first.captured_queries], *ROLE_TABLES)) <= 3, role
    # Left: the organisations owning each object checked against an organisation-scoped permission.
    assert not _reading([q["sql"] for q in again.captured_queries], *ROLE_TABLES), role


def test_a_change_of_roles_during_a_request_is_seen_at_once(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    moderator, contributor, member = make_user("moderator"), make_user("contributor"), make_user("org_member")
    with request_scope():
        assert user_can(moderator, Action.MODERATE)
        user_block(moderator, reason="Essai", until=timezone.now() + timedelta(days=1))
        assert not user_can(moderator, Action.MODERATE)
        user_unblock(moderator)
        assert user_can(moderator, Action.MODERATE)

        assert not user_can(contributor, Action.PUBLISH_WITHOUT_REVIEW, world["other_project"])
        for _ in range(settings.ACCOUNTS_TRUST_THRESHOLD):
            user_contribution_accepted(contributor)
        assert user_can(contributor, Action.PUBLISH_WITHOUT_REVIEW, world["other_project"])

        assert user_can(member, Action.EDIT_OWN_ORGANISATION_SOURCES, world["own_source"])
        organisation_member_remove(world["own_org"], member)
        assert not user_can(member, Action.EDIT_OWN_ORGANISATION_SOURCES, world["own_source"])


def test_a_block_between_two_requests_refuses_the_second(make_user: Any) -> None:
    moderator = make_user("moderator")
    client = Client()
    client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/moderation").status_code == 200
    user_block(moderator, reason="Décisions hâtives", until=timezone.now() + timedelta(days=1))
    refused = client.get("/moderation")
    assert refused.status_code == 403 and "Décisions hâtives" in refused.content.decode()
    user_unblock(moderator)
    assert client.get("/moderation").status_code == 200
