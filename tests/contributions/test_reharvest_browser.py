"""Headless Chromium: a correction accepted, the partner changes that field, the re-harvest raises a conflict.

The partner is a small CSV site on loopback whose file the test rewrites between harvests; each harvest
runs the real `carrefour harvest` command (crawl, pipeline, search index).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from carrefour.accounts.models import Profile
from carrefour.accounts.services import user_staff_role_set
from carrefour.projects.models import FieldOverride, Project
from tests.accounts.conftest import account_create
from tests.browser import CHROMIUM
from tests.harvest.conftest import MiniSite
from tests.harvest.conftest import mini_site as mini_site
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]

SLUG = "site-partenaire"
DEFINITION = {
    "slug": SLUG,
    "name": "Site partenaire",
    "kind": "csv",
    "fictional": True,
    "licence": "Licence Ouverte 2.0",
    "start_urls": ["{base_url}/initiatives.csv"],
    "encoding": "utf-8",
    "csv": {"delimiter": ";"},
    "politeness": {"delay": 0, "concurrency": 1, "obey_robots": False},
    "pagination": {"type": "none"},
    "record_id": {"column": "id"},
    "fields": {
        "title": {"column": "nom"},
        "summary": {"column": "resume"},
        "organization": {"column": "structure"},
    },
}
TITLE = "Jardin des Lilas"
HARVESTED = "Un jardin partagé au pied des immeubles."
CORRECTED = "Un jardin partagé de 300 m² avec un verger."
UPSTREAM = "Un jardin partagé avec un poulailler."


def _publish(site: MiniSite, summary: str, organization: str = "Les Lilas") -> None:
    """What the partner publishes: our project, and another one nobody corrects."""
    rows = [
        "id;nom;resume;structure",
        f"1;{TITLE};{summary};{organization}",
        "2;Épicerie solidaire du Centre;Une épicerie à prix choisis.;Centre social",
    ]
    site.route("/initiatives.csv", "\n".join(rows) + "\n", ctype="text/csv; charset=utf-8")


def _harvest(site: MiniSite) -> None:
    """The operator's command: harvest the partner, then the pipeline (normalize, dedup, projects, index)."""
    out = io.StringIO()
    call_command("harvest", SLUG, "--base-url", f"{SLUG}={site.url}", stdout=out, stderr=io.StringIO())
    assert "success" in out.getvalue(), out.getvalue()


def _signed_in(browser: Browser, live_server: Any, user: Any) -> BrowserContext:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _card(page: Page, live_server: Any, project: Project, word: str) -> str:
    """The project's card on the search page for a word ("" when it is not listed)."""
    page.goto(f"{live_server.url}/recherche?q={word}")
    link = page.locator(f"a[href='/projets/{project.pk}-{project.slug}']")
    card = page.locator(".carrefour-card").filter(has=link)
    return card.inner_text() if card.count() else ""


@pytest.fixture
def partner(mini_site: MiniSite, settings: Any, tmp_path: Path) -> MiniSite:
    """The partner's site on loopback, declared as a source definition the harvest command loads."""
    settings.SOURCES_DIR = tmp_path / "sources"
    settings.SOURCES_DIR.mkdir()
    settings.DATA_DIR = tmp_path / "data"
    (settings.SOURCES_DIR / f"{SLUG}.yml").write_text(yaml.safe_dump(DEFINITION, allow_unicode=True))
    _publish(mini_site, HARVESTED)
    return mini_site


@pytest.mark.parametrize(
    ("button", "told", "shown", "hidden", "resolution"),
    [
        ("Garder la correction", "Correction gardée.", CORRECTED, UPSTREAM, "Correction conservée"),
        (
            "Reprendre la valeur de la source",
            "Valeur de la source reprise.",
            UPSTREAM,
            CORRECTED,
            "Valeur de la source reprise",
        ),
    ],
    ids=["keep", "take-upstream"],
)
def test_a_correction_contradicted_by_the_partner_is_settled_by_the_moderator(
    transactional_db: None,
    live_server: Any,
    browser: Browser,
    mailbox: Mailbox,
    partner: MiniSite,
    button: str,
    told: str,
    shown: str,
    hidden: str,
    resolution: str,
) -> None:
    _harvest(partner)
    project = Project.objects.get(title=TITLE)
    contributor = account_create("contributrice@example.org")
    moderator = account_create("moderateur@example.org")
    user_staff_role_set(moderator, Profile.Staff.MODERATOR)
    author = _signed_in(browser, live_server, contributor)
    staff = _signed_in(browser, live_server, moderator)
    try:
        page = author.new_page()
        page.goto(f"{live_server.url}/projets/{project.pk}-{project.slug}")
        page.click("#proposer")
        assert page.input_value("#id_summary") == HARVESTED
        page.fill("#id_summary", CORRECTED)
        page.fill("#id_reason", "Visite sur place")
        page.get_by_role("button", name="Voir les différences").click()
        page.get_by_role("button", name="Envoyer la proposition").click()
        assert "attend la modération" in page.locator("main").inner_text()

        queue = staff.new_page()
        queue.goto(f"{live_server.url}/moderation")
        queue.locator(".carrefour-contribution").first.get_by_role("button", name="Accepter").click()
        assert "1 contribution acceptée." in queue.locator("main").inner_text()
        tasks_run()
        assert f"« {TITLE} » a été acceptée" in mailbox.last_body(contributor.email)
        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator(".fr-text--lead").inner_text() == CORRECTED
        assert page.locator("#notifications-non-lues").text_content() == "1 non lue"

        # The partner changes another field: the correction and its value stay, nothing to decide.
        override = FieldOverride.objects.get(project=project)
        _publish(partner, HARVESTED, organization="Association Les Lilas")
        _harvest(partner)
        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator(".fr-text--lead").inner_text() == CORRECTED
        assert "Association Les Lilas" in page.locator("main").inner_text()
        queue.goto(f"{live_server.url}/moderation")
        assert "La source a changé depuis la correction (0)" in queue.locator("main").inner_text()
        kept = FieldOverride.objects.get(project=project)
        assert (kept.pk, kept.value, kept.upstream) == (override.pk, CORRECTED, HARVESTED)
        assert not kept.conflict

        # The partner changes the corrected field: the correction still shows, the queue asks to decide.
        _publish(partner, UPSTREAM, organization="Association Les Lilas")
        _harvest(partner)
        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator(".fr-text--lead").inner_text() == CORRECTED
        queue.goto(f"{live_server.url}/moderation")
        conflict = queue.locator(f"#conflit-{override.pk}")
        assert "La source a changé depuis la correction (1)" in queue.locator("main").inner_text()
        assert f"Correction : {CORRECTED}" in conflict.inner_text()
        assert f"La source donne désormais : {UPSTREAM}" in conflict.inner_text()
        conflict.get_by_role("button", name=button).click()
        assert told in queue.locator("main").inner_text()
        assert "Aucun conflit." in queue.locator("main").inner_text()

        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator(".fr-text--lead").inner_text() == shown
        search = author.new_page()
        words = {CORRECTED: "verger", UPSTREAM: "poulailler"}
        assert words[shown] in _card(search, live_server, project, words[shown])
        assert _card(search, live_server, project, words[hidden]) == ""
        page.click("#historique")
        entries = page.locator("#historique > li")
        latest, source_changed = entries.nth(0).inner_text(), entries.nth(1)
        assert resolution in latest and f"n° {moderator.pk}" in latest
        assert "La source a changé depuis la correction" in source_changed.inner_text()
        # Both values, as a word diff: what the source gave when corrected, what it gives now.
        assert source_changed.locator("del").inner_text().strip() == "au pied des immeubles."
        assert source_changed.locator("ins").inner_text().strip() == "avec un poulailler."
        assert "Contribution" in page.locator("#historique").inner_text()
    finally:
        author.close()
        staff.close()
