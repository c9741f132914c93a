"""Headless Chromium: a partner maps a term of its source; the worker re-applies it; search counts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser import CHROMIUM, axe_serious
from tests.contributions.test_browser import _signed_in
from tests.partners.conftest import source_stored
from tests.worker import tasks_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def test_a_partner_maps_a_term_and_the_theme_facet_counts_its_projects(
    transactional_db: None,
    live_server: Any,
    browser: Browser,
    make_user: Any,
    world: dict[str, Any],
    settings: Any,
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]  # the source's site, as in the partner_source fixture
    source_stored(world)
    context = _signed_in(browser, live_server, make_user("org_member"))
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/recherche?theme=environnement")
        assert "Potager des Canuts" not in page.locator("main").inner_text()
        page.goto(f"{live_server.url}/espace-partenaire/sources/regards-solidaires/vocabulaire")
        assert axe_serious(page) == []
        row = page.locator("tr.terme-non-associe", has_text="Jardins partagés")
        assert row.locator("td").nth(1).inner_text() == "3"
        row.locator("select").select_option(label="Environnement et biodiversité")
        page.get_by_role("button", name="Enregistrer les correspondances").click()
        assert "Version 2 enregistrée" in page.locator("main").inner_text()
        assert "en attente du worker" in page.locator("#statut").inner_text()
        tasks_run()
        page.reload()
        assert "terminé" in page.locator("#statut").inner_text()
        assert "Correspondances appliquées" in page.locator("#resume").inner_text()
        page.goto(f"{live_server.url}/recherche?theme=environnement")
        found = page.locator("main").inner_text()
        assert all(
            title in found for title in ("Atelier vélo des Pentes", "Potager des Canuts", "Verger du Plateau")
        )
        page.goto(f"{live_server.url}/espace-partenaire/sources/regards-solidaires/vocabulaire")
        assert page.locator("tr.terme-non-associe", has_text="Jardins partagés").count() == 0
    finally:
        context.close()
