"""Headless Chromium: a moderator reverts a source's change from the history page; search follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser

from carrefour.accounts.models import Profile
from carrefour.accounts.services import user_staff_role_set
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from carrefour.territories.loader import territories_load
from tests.browser import CHROMIUM
from tests.dedup.conftest import RawFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def _harvest(raw: RawFactory, summary: str) -> Project:
    record = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil", summary=summary)
    pipeline_process([record.pk])
    return Project.objects.get(sources__raw=record)


def test_a_moderator_reverts_a_change_in_the_browser(
    transactional_db: None, live_server: Any, browser: Browser, raw: RawFactory
) -> None:
    territories_load(log=lambda _line: None)  # an earlier transactional test may have flushed them
    index_rebuild()
    _harvest(raw, "Un jardin avec un verger.")
    project = _harvest(raw, "Un jardin avec un potager.")
    moderator = User.objects.create_user("mod", first_name="Anne", last_name="Modère")
    user_staff_role_set(moderator, Profile.Staff.MODERATOR)
    client = Client()
    client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/projets/{project.pk}-{project.slug}")
        page.click("#historique")
        assert page.locator("del").first.inner_text() == "verger."
        page.fill("input[name=reason]", "Le verger est toujours là")
        with page.expect_navigation():
            page.get_by_role("button", name="Annuler cette modification").click()
        first = page.locator("#historique > li").first
        assert "Annulation" in first.inner_text() and "Anne Modère" in first.inner_text()
        assert "Motif : Le verger est toujours là" in first.inner_text()
        page.goto(f"{live_server.url}/recherche?q=verger")
        assert page.locator(f"a[href^='/projets/{project.pk}-']").count() >= 1
    finally:
        context.close()
