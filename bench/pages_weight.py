"""Bytes transferred by each page type in headless Chromium, on first load and on a second visit.

    python -m bench.pages_weight --server http://127.0.0.1:8000 [--project /projets/1-slug]

Run against `carrefour serve` (collected static files: hashed names, compressed, immutable). Sizes are
what crossed the network (Chrome DevTools Protocol `encodedDataLength`), headers included; map tiles
are left out (their host is not the measured server).
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "accueil": "/",
    "résultats (tous)": "/recherche",
    "résultats (mots)": "/recherche?q=jardin",
    "observatoire": "/observatoire",
}


def _visit(page: Any, cdp: Any, url: str, host: str) -> tuple[int, int]:
    """Load a URL until the network is idle; (bytes, requests) that went to the measured server."""
    urls: dict[str, str] = {}
    sizes: list[int] = []
    cdp.on(
        "Network.requestWillBeSent", lambda event: urls.update({event["requestId"]: event["request"]["url"]})
    )

    def finished(event: dict[str, Any]) -> None:
        # Answered from the browser's cache: nothing crossed the network.
        if urlsplit(urls.get(event["requestId"], "")).netloc == host and event["encodedDataLength"]:
            sizes.append(int(event["encodedDataLength"]))

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    cdp.remove_listener("Network.loadingFinished", finished)
    return sum(sizes), len(sizes)


def main() -> None:
    """Print a Markdown table: first load and second visit of each page type."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", default="http://127.0.0.1:8000")
    parser.add_argument("--project", help="path of a project page to measure too")
    args = parser.parse_args()
    pages = {**PAGES, **({"projet": args.project} if args.project else {})}
    host = urlsplit(args.server).netloc
    print("| page | premier chargement (Ko) | requêtes | visite suivante (Ko) | requêtes |")
    print("|---|---|---|---|---|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        for name, path in pages.items():
            context = browser.new_context(viewport={"width": 1280, "height": 1000})  # empty cache
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = _visit(page, cdp, args.server + path, host)
            again = _visit(page, cdp, args.server + path, host)
            print(f"| {name} | {first[0] / 1024:.0f} | {first[1]} | {again[0] / 1024:.0f} | {again[1]} |")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
