"""Headless Chromium: a change proposed with its preview, accepted by a moderator, seen by its author."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext

from carrefour.search.services import index_rebuild
from tests.browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def _signed_in(browser: Browser, live_server: Any, user: Any) -> BrowserContext:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_a_change_is_proposed_previewed_accepted_and_its_author_notified(
    transactional_db: None, live_server: Any, browser: Browser, make_user: Any, world: dict[str, Any]
) -> None:
    index_rebuild()
    project = world["own_project"]
    author = _signed_in(browser, live_server, make_user("contributor"))
    moderator = _signed_in(browser, live_server, make_user("moderator"))
    try:
        page = author.new_page()
        page.goto(f"{live_server.url}/projets/{project.pk}-{project.slug}")
        page.click("#proposer")
        assert page.input_value("#id_title") == "Projet own"
        page.fill("#id_title", "Jardin partagé des Lilas")
        page.fill("#id_reason", "Site du porteur")
        page.get_by_role("button", name="Voir les différences").click()
        preview = page.locator("#apercu").inner_text()
        assert "Projet own" in preview and "Jardin partagé des Lilas" in preview
        page.get_by_role("button", name="Envoyer la proposition").click()
        assert "attend la modération" in page.locator("main").inner_text()

        queue = moderator.new_page()
        queue.goto(f"{live_server.url}/moderation")
        item = queue.locator(".carrefour-contribution").first
        assert "Jardin partagé des Lilas" in item.inner_text()
        item.locator("textarea").fill("Merci pour la précision.")
        item.get_by_role("button", name="Accepter").click()
        assert "1 contribution acceptée." in queue.locator("main").inner_text()

        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator("h1").inner_text() == "Jardin partagé des Lilas"
        assert page.locator("#notifications-non-lues").text_content() == "1 non lue"
        page.click("#notifications")
        assert (
            "a été acceptée. Message de la modération : Merci pour la précision."
            in page.locator("#liste-notifications").inner_text()
        )
        assert page.locator("#notifications-non-lues").count() == 0
    finally:
        author.close()
        moderator.close()
