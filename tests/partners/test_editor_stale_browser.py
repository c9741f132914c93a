"""Headless Chromium: a partner saving on a page a colleague made out of date loses neither text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from carrefour.sources.versions import source_version_save
from tests.browser import CHROMIUM, axe_serious
from tests.contributions.test_browser import _signed_in
from tests.partners.editor_data import definition_text, source_versioned

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def test_a_partner_is_shown_a_colleague_s_change_and_keeps_their_own_text(
    transactional_db: None, live_server: Any, browser: Browser, make_user: Any, world: dict[str, Any]
) -> None:
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    partner = _signed_in(browser, live_server, make_user("org_member"))
    try:
        page = partner.new_page()
        page.goto(f"{live_server.url}/espace-partenaire/sources/{source.slug}/definition")
        mine = definition_text(source.slug, name="Le nom de A")
        page.fill("#definition", mine)
        # Meanwhile a colleague saves a description extractor.
        theirs = definition_text(source.slug).replace("title:", "description: {css: p}\n  title:")
        source_version_save(theirs, author=make_user("org_admin"), source=source, comment="description")
        page.get_by_role("button", name="Enregistrer").click()
        alert = page.locator("#version-perimee").inner_text()
        assert "La définition a changé depuis l'ouverture de cette page" in alert
        assert "+  description: {css: p}" in alert
        assert page.input_value("#definition") == mine
        assert axe_serious(page) == []
        # Carried over, the colleague's line and A's name are saved together.
        page.fill("#definition", theirs.replace(f"name: Plateforme {source.slug}", "name: Le nom de A"))
        page.get_by_role("button", name="Enregistrer").click()
        assert "enregistrée et appliquée" in page.locator("main").inner_text()
        source.refresh_from_db()
        assert source.name == "Le nom de A" and "description" in source.definition["fields"]
    finally:
        partner.close()
