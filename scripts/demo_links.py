"""Demo corpus links: fictional records link to nothing, real ones only to a public web page.

    python scripts/demo_links.py CORPUS.jsonl   (rewritten in place; run by scripts/build-demo.sh)

The harvest records where each record was read: the simulator's loopback port of the day for the
fictional platforms, a local file:// path for the FFE laureates' CSV. Neither means anything to a visitor.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit


def url_is_public(url: str) -> bool:
    """True for an http(s) URL whose host is a public name or address (no loopback, no private network)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host or host.split(".")[-1] == "localhost":
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True  # a name: the partner's public site


def publication_link(publication: dict[str, object]) -> str | None:
    """The URL a visitor may follow: none for a fictional record or a machine-local address."""
    url = publication.get("url")
    if publication.get("fictional") or not isinstance(url, str) or not url_is_public(url):
        return None
    return url


def main() -> None:
    """Rewrite the corpus given on the command line."""
    path = Path(sys.argv[1])
    projects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for project in projects:
        for publication in project["publications"]:
            publication["url"] = publication_link(publication)
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in projects), encoding="utf-8")


if __name__ == "__main__":
    main()
