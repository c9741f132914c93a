"""Chromium with the default rate limits: a person browsing briskly never meets them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Response

from carrefour.projects.models import Project
from tests.web.test_browser import Tab, browser, live_corpus, pytestmark, tab

__all__ = ["browser", "live_corpus", "pytestmark", "tab"]  # fixtures and marks of the browser tests

# Paths counted in the "search" and "api" groups (carrefour/web/limits.py).
LIMITED = ("/recherche", "/carte/donnees", "/observatoire", "/api/")


def test_brisk_browsing_meets_no_limit(
    live_server: Any, live_corpus: dict[str, Project], tab: Tab, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True  # the default rates of carrefour/env.py
    counted: list[int] = []

    def on_response(response: Response) -> None:
        path = response.url.removeprefix(live_server.url).split("?")[0]
        if path.startswith(LIMITED):
            counted.append(response.status)

    page = tab.page
    page.on("response", on_response)
    for _visit in range(2):
        page.goto(live_server.url + "/recherche?q=%C3%A9picerie")
        page.locator("#f-territory").press_sequentially("Montreuil", delay=120)  # autocomplete as one types
        page.wait_for_selector("#territoire-suggestions [role=option]")
        page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
        box = page.locator("#carte").bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for step in range(8):  # zooming and dragging the map: one map request per move
            page.click(".leaflet-control-zoom-in" if step % 2 else ".leaflet-control-zoom-out")
            page.wait_for_timeout(300)
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 80, y + 40, steps=5)
            page.mouse.up()
            page.wait_for_timeout(300)
        page.goto(live_server.url + "/recherche?theme=alimentation")
        page.goto(live_server.url + "/observatoire?theme=alimentation")
        page.goto(live_server.url + "/recherche")
    assert len(counted) >= 30  # the browsing did count against the limit
    assert 429 not in counted
