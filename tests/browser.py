"""Headless Chromium from Debian for the tests: one browser for the session, pages that record errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(django_settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 1000}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian (never a downloaded browser), one for the session."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are still sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Tab:
    """A browser page with the dialogs it opened and the errors it logged."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        """Save a screenshot for the reviewer (test-artifacts/pages, not committed)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def csp_errors(self) -> list[str]:
        """Console errors about the Content-Security-Policy."""
        return [error for error in self.errors if "Content Security Policy" in error]


def tab_open(browser: Browser, viewport: dict[str, int]) -> Iterator[Tab]:
    """A fresh page that records dialogs and console errors."""
    context = browser.new_context(locale="fr-FR", viewport=viewport)  # type: ignore[arg-type]
    tab = Tab(context.new_page())

    def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.page.on("dialog", on_dialog)
    tab.page.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A desktop page."""
    yield from tab_open(browser, DESKTOP)


@pytest.fixture
def mobile(browser: Browser) -> Iterator[Tab]:
    """A phone-sized page."""
    yield from tab_open(browser, MOBILE)


def axe_serious(page: Page) -> list[str]:
    """axe-core (npm) violations of impact serious or critical on the current page."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver: not subject to the page's CSP
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
    )
    return list(violations)
