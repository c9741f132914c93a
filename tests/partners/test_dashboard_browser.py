"""Headless Chromium: a member reads its source's dashboard and settles a conflict; the public pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from carrefour.harvest.models import HarvestRun
from carrefour.projects.models import FieldOverride, ProjectChange
from carrefour.projects.overrides import project_fields_edit
from carrefour.search.services import index_rebuild
from tests.browser import CHROMIUM, axe_serious
from tests.contributions.test_browser import _signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def test_a_member_reads_the_dashboard_of_its_source_and_takes_the_source_value(
    transactional_db: None, live_server: Any, browser: Browser, make_user: Any, world: dict[str, Any]
) -> None:
    index_rebuild()
    source, project = world["own_source"], world["own_project"]
    start = timezone.now() - timedelta(days=3)
    for day, status in enumerate(["success", "failed", "success"]):
        begun = start + timedelta(days=day)
        HarvestRun.objects.create(
            source=source,
            started_at=begun,
            finished_at=begun + timedelta(minutes=2),
            status=status,
            records_seen=0 if status == "failed" else 50,
            records_created=50 if day == 0 else 0,
            errors=[{"url": "https://x.example/1", "reason": "délai dépassé"}] if status == "failed" else [],
        )
    project_fields_edit(project, {"summary": "Résumé corrigé."}, None, reason="Vu sur place")
    # The state a re-harvest contradicting the correction leaves (tests/partners/test_dashboard.py makes it).
    FieldOverride.objects.filter(project=project).update(conflict=True, upstream_now="Résumé de la source.")
    ProjectChange.objects.create(
        project=project,
        kind=ProjectChange.Kind.SOURCE_CHANGED,
        at=timezone.now(),
        source_slug=source.slug,
        fields={"summary": [None, "Résumé de la source."]},
    )
    context = _signed_in(browser, live_server, make_user("org_member"))
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/compte/")
        page.click("#espace-partenaire")
        assert "Organisation own" in page.locator("main").inner_text()
        assert axe_serious(page) == []
        page.get_by_role("link", name="Plateforme source-own").click()
        expect(page.locator("#sante-graphique rect")).to_have_count(3)  # waits for the page
        runs = page.locator("#collectes-tableau").inner_text()
        assert "Échoué" in runs and "délai dépassé (1)" in runs
        page.get_by_text("Le graphique en tableau").click()
        assert "Échoué\t0" in page.locator("#sante-tableau").inner_text()
        assert axe_serious(page) == []
        page.get_by_role("button", name="Reprendre la valeur de la source").click()
        assert "Valeur de la source reprise." in page.locator("main").inner_text()
        assert "Aucun conflit." in page.locator("#conflits").inner_text()
        project.refresh_from_db()
        assert project.summary == "Résumé de la source."

        page.goto(f"{live_server.url}/partenaires")
        assert axe_serious(page) == []
        page.get_by_role("link", name="Plateforme source-own").click()
        assert "33 % des 3 dernières collectes" in page.locator("main").inner_text()
        assert axe_serious(page) == []
    finally:
        context.close()
