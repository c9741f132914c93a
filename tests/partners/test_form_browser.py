"""Headless Chromium: a member declares the simulator's CSV platform by the form and previews its records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from carrefour.sources.models import Source
from tests.browser import CHROMIUM, axe_serious
from tests.contributions.test_browser import _signed_in
from tests.simulator import World, world_generate, world_serve
from tests.worker import tasks_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.simulator,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


@pytest.fixture(scope="module")
def opendata_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The simulator's open data platform (a CSV export) with a few projects, served on loopback."""
    world = world_generate(tmp_path_factory.mktemp("world"), projects=30, platforms=["opendata"])
    with world_serve(world) as served:
        yield served


def test_a_member_declares_a_csv_source_by_the_form_and_previews_its_records(
    transactional_db: None,
    live_server: Any,
    browser: Browser,
    make_user: Any,
    world: dict[str, Any],
    opendata_world: World,
    settings: Any,
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
    partner = _signed_in(browser, live_server, make_user("org_member"))
    try:
        page = partner.new_page()
        page.goto(f"{live_server.url}/espace-partenaire/sources/nouvelle")
        page.get_by_role("link", name="formulaire", exact=True).click()
        page.fill("#id_slug", "observatoire-du-partenaire")
        page.fill("#id_name", "Observatoire du partenaire")
        page.get_by_text("Fichier CSV", exact=True).click()
        page.fill("#id_start_urls", f"{opendata_world.urls['opendata']}/export/initiatives.csv")
        page.fill("#id_csv_delimiter", ";")
        page.fill("#id_csv_split", " | ")
        page.fill("#id_field_title", "nom")
        page.fill("#id_field_themes", "thematiques")
        page.fill("#id_field_commune", "commune")
        # The identifier forgotten: said beside its field, the rest kept.
        page.get_by_role("button", name="Créer la source").click()
        assert "Obligatoire pour ce type de source" in page.locator("#champ-record_id").inner_text()
        assert page.input_value("#id_field_themes") == "thematiques"
        assert axe_serious(page) == []

        page.fill("#id_record_id", "identifiant")
        page.get_by_role("button", name="Prévisualiser").click()
        assert "en attente du worker" in page.locator("#progression").inner_text()
        tasks_run()  # the worker; the page refreshes itself (<meta http-equiv=refresh>) until the report
        page.locator("#apercu-rapport").wait_for()
        counts = page.locator("#apercu-comptes").inner_text()
        assert re.search(r"\b[1-9]\d* nouvelles?\b", counts, re.IGNORECASE), counts
        assert not Source.objects.filter(slug="observatoire-du-partenaire").exists()  # nothing saved

        page.goto(f"{live_server.url}/espace-partenaire/sources/nouvelle?reprendre=1")
        assert "column: identifiant" in page.input_value("#definition")  # on in the YAML editor
        page.get_by_role("button", name="Créer la source").click()
        assert "en attente de validation" in page.locator("main").inner_text()
        source = Source.objects.get(slug="observatoire-du-partenaire")
        assert source.definition["fields"]["themes"] == {
            "column": "thematiques",
            "split": " | ",
            "multiple": True,
        }
    finally:
        partner.close()
