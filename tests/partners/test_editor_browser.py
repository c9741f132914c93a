"""Headless Chromium: a partner writes a source for a simulator platform, an administrator validates it,
the partner harvests it from the dashboard (the worker runs it) and its projects are found by the search."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, expect

from carrefour.projects.models import Project
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
DEFINITION = Path(__file__).resolve().parents[2] / "sources" / "initiatives-data.yml"


@pytest.fixture(scope="module")
def api_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The simulator's JSON API platform ("api") with a few projects, served on loopback."""
    world = world_generate(tmp_path_factory.mktemp("world"), projects=30, platforms=["api"])
    with world_serve(world) as served:
        yield served


def _partner_text(world: World) -> str:
    """The repository's definition of the "api" platform, as a partner would declare it."""
    text = DEFINITION.read_text(encoding="utf-8")
    text = text.replace("slug: initiatives-data", "slug: api-du-partenaire")
    return text.replace('base_url: "http://127.0.0.1:8803"', f'base_url: "{world.urls["api"]}"')


def test_a_partner_writes_a_source_an_administrator_validates_it_and_its_projects_are_searchable(
    transactional_db: None,
    live_server: Any,
    browser: Browser,
    make_user: Any,
    world: dict[str, Any],
    api_world: World,
    settings: Any,
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
    partner = _signed_in(browser, live_server, make_user("org_member"))
    administrator = _signed_in(browser, live_server, make_user("administrator"))
    text = _partner_text(api_world)
    broken = text.replace("  title: {json: titre}", "  titre: {json: titre}")
    broken_line = broken.splitlines().index("  titre: {json: titre}") + 1
    try:
        page = partner.new_page()
        page.goto(f"{live_server.url}/espace-partenaire/sources/nouvelle?modele=json_api")
        assert "kind: json_api" in page.input_value("#definition")
        page.fill("#definition", broken)
        page.get_by_role("button", name="Créer la source").click()
        errors = page.locator("#erreurs").inner_text()
        assert f"Ligne {broken_line}" in errors and "titre" in errors
        assert page.locator(f"#ligne-{broken_line}").get_attribute("class") == "carrefour-line-error"
        assert axe_serious(page) == []
        page.get_by_role("link", name=f"Ligne {broken_line}").click()  # the script selects the line
        assert page.evaluate("document.activeElement.id") == "definition"

        page.fill("#definition", text)
        page.fill("#id_comment", "Notre API")
        page.get_by_role("button", name="Créer la source").click()
        assert "en attente de validation" in page.locator("main").inner_text()
        assert "Notre API" in page.locator("#versions").inner_text()
        assert Source.objects.get(slug="api-du-partenaire").review_status == "pending"

        page.locator("#menu-source").get_by_role("link", name="Aperçu").click()
        page.get_by_role("button", name="Prévisualiser la définition enregistrée").click()
        assert "en attente du worker" in page.locator("#progression").inner_text()
        tasks_run()  # the worker; the page refreshes itself (<meta http-equiv=refresh>) until the report
        page.locator("#apercu-rapport").wait_for()
        counts = page.locator("#apercu-comptes").inner_text()
        assert re.search(r"\b[1-9]\d* nouvelles?\b", counts, re.IGNORECASE), counts
        assert Source.objects.get(slug="api-du-partenaire").raw_records.count() == 0  # nothing stored

        queue = administrator.new_page()
        queue.goto(f"{live_server.url}/espace-partenaire/validation")
        item = queue.locator(".carrefour-pending").first
        assert "127.0.0.1" in item.locator(".carrefour-hosts").inner_text()
        assert axe_serious(queue) == []
        item.get_by_role("button", name="Valider").click()
        expect(queue.locator("main")).to_contain_text("est validée")
        assert "Aucune source n'attend de validation" in queue.locator("main").inner_text()

        page.reload()
        assert "VALIDÉE" in page.locator("#statut-source").inner_text()  # DSFR badges: capitals

        page.locator("#menu-source").get_by_role("link", name="Tableau de bord").click()
        page.get_by_role("button", name="Moissonner maintenant").click()
        assert "en attente du worker" in page.locator("main").inner_text()
        tasks_run()  # the worker harvests the simulator, then runs the pipeline on the new records
        expect(page.locator("main")).to_contain_text("terminé", timeout=20_000)
        source = Source.objects.get(slug="api-du-partenaire")
        assert source.raw_records.count() > 0
        title = (
            Project.objects.filter(sources__source=source)
            .order_by("pk")
            .values_list("title", flat=True)
            .first()
        )
        assert title
        query = urlencode({"q": f'"{title}"'})  # the whole title as a phrase, whatever it contains
        page.goto(f"{live_server.url}/recherche?{query}")
        expect(page.locator("#resultats")).to_contain_text(title)
    finally:
        partner.close()
        administrator.close()
