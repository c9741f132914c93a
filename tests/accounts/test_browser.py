"""Headless Chromium, without JavaScript: register, verify by the e-mailed link, signed in, log out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import CHROMIUM, DESKTOP, Tab, axe_serious
from tests.mail import Mailbox

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    """A desktop page with JavaScript off: every account page must work with forms and links alone."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP, java_script_enabled=False)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def test_register_verify_by_mail_then_log_out(
    transactional_db: None, live_server: Any, mailbox: Mailbox, page_without_js: Page
) -> None:
    page = page_without_js
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Courriel").fill("camille@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("un mot de passe solide 2026")
    page.get_by_label("Mot de passe (confirmation)").fill("un mot de passe solide 2026")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre adresse e-mail")
    expect(page.get_by_role("banner").get_by_role("link", name="Mon compte", exact=True)).to_have_count(0)

    page.goto(mailbox.link("camille@example.org", "/compte/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_role("banner").get_by_role("link", name="Mon compte", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Contributeur")

    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Vous êtes déconnecté")
    expect(page.get_by_role("banner").get_by_role("link", name="Mon compte", exact=True)).to_have_count(0)
    page.goto(live_server.url + "/compte/")
    expect(page).to_have_url(live_server.url + "/compte/login/?next=/compte/")


@pytest.mark.parametrize("path", ["/compte/signup/", "/compte/login/", "/compte/password/reset/"])
def test_account_forms_pass_axe(transactional_db: None, live_server: Any, tab: Tab, path: str) -> None:
    tab.page.goto(live_server.url + path)
    assert axe_serious(tab.page) == []
    assert tab.csp_errors() == []
